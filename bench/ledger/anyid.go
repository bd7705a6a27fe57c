package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vocdesk/vocdesk/bench/internal/benchdb"
)

// benchAnyID measures the any-id search, GET /api/v1/purchases?q=, on the
// ledger benchMyPage loaded: for the operator (every developer's purchases)
// and for a developer's API key (its own), each query one of the ids a
// customer quotes, picked at random: a TxID, a TID, a customer id, an email
// or a phone number written with dashes. Goal: p99 <= 5 ms at 64 clients.
func benchAnyID(ctx context.Context, c config, a *api, db *database, srv *server, firstBulkID int64, rep *report) error {
	// What a search costs: the vocdesk serve process's CPU and, on
	// PostgreSQL, its server sessions' (the client's is left out).
	var admin *sql.DB
	if db.engine == "postgres" {
		var err error
		if admin, err = sql.Open("pgx", db.dsn); err != nil {
			return err
		}
		defer admin.Close()
		admin.SetMaxOpenConns(1)
	}
	cost := func() (serve, pg time.Duration) {
		serve, _ = benchdb.ProcessCPU(srv.cmd.Process.Pid)
		if admin != nil {
			pg, _ = benchdb.ServerCPU(ctx, admin)
		}
		return serve, pg
	}
	var key struct {
		Secret string `json:"secret"`
	}
	if _, err := a.call(ctx, "POST", "/api/v1/keys", "", map[string]string{"realm": "developer", "developer": "studio-0", "name": "any-id bench"}, &key); err != nil {
		return err
	}
	bulk := int64(c.histCust - c.samples)
	pick := func(r *rand.Rand) string {
		switch r.IntN(5) {
		case 0:
			return fmt.Sprintf("TXH%010d", r.IntN(c.history))
		case 1:
			return fmt.Sprintf("HIST-%010d", r.IntN(c.history))
		case 2:
			return strconv.FormatInt(firstBulkID+r.Int64N(bulk), 10)
		case 3:
			return fmt.Sprintf("hist%d@bench.example", firstBulkID+r.Int64N(bulk))
		}
		return histPhone(firstBulkID + r.Int64N(bulk))
	}
	for _, who := range []struct{ name, bearer string }{{"operator", ""}, {"developer key", key.Secret}} {
		var mu sync.Mutex
		lat := make([]time.Duration, 0, c.requests)
		g, gctx := errgroup.WithContext(ctx)
		per := max(1, c.requests/c.anyIDConc)
		serve0, pg0 := cost()
		begin := time.Now()
		for w := range c.anyIDConc {
			g.Go(func() error {
				r := rand.New(rand.NewPCG(uint64(w), 7))
				local := make([]time.Duration, 0, per)
				for range per {
					path := "/api/v1/purchases?q=" + url.QueryEscape(pick(r))
					t0 := time.Now()
					if _, err := a.call(gctx, "GET", path, who.bearer, nil, nil); err != nil {
						return err
					}
					local = append(local, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, local...)
				mu.Unlock()
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		wall := time.Since(begin)
		serve1, pg1 := cost()
		perReq := func(d time.Duration) string { return ms(d / time.Duration(max(1, len(lat)))) }
		cpu := "vocdesk serve CPU " + perReq(serve1-serve0) + "/search"
		if admin != nil {
			cpu += ", PostgreSQL CPU " + perReq(pg1-pg0) + "/search"
		}
		p50, p95, p99 := percentiles(lat)
		rep.add("(d) GET /api/v1/purchases?q= as %s, %d purchases: %d searches at concurrency %d: p50 %s, p95 %s, p99 %s (goal p99 <= 5 ms: %s); %.0f searches/s; %s",
			who.name, c.history, len(lat), c.anyIDConc, ms(p50), ms(p95), ms(p99), verdict(p99 <= 5*time.Millisecond), float64(len(lat))/wall.Seconds(), cpu)
	}
	return nil
}

// histPhone is a bulk customer's phone number: one each, so that a search
// by phone finds one customer's purchases, as it does in life.
func histPhone(id int64) string {
	return fmt.Sprintf("010-%04d-%04d", (id/10000)%10000, id%10000)
}
