package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// benchMyPage loads a large ledger, signs sample customers in and measures
// GET /api/v1/me/purchases: the first page, and a later page reached by
// following next_cursor.
func benchMyPage(ctx context.Context, c config, a *api, db *database, srv *server, s *storeSetup, rep *report) error {
	// Sample customers with passwords, through the API, so they can sign in.
	samples := make([]int64, c.samples)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for k := range samples {
		g.Go(func() error {
			var out struct {
				ID int64 `json:"id"`
			}
			_, err := a.call(gctx, "POST", "/api/v1/customers", "", map[string]string{
				"email": fmt.Sprintf("mypage%d@bench.example", k), "name": fmt.Sprintf("마이페이지 %d", k),
				"phone": "010-5555-0000", "password": "bench-password",
			}, &out)
			samples[k] = out.ID
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}

	var loader bulkLoader
	var err error
	if db.engine == "sqlite" {
		loader, err = newSQLiteLoader(db.dsn)
	} else {
		loader, err = newPGLoader(ctx, db.dsn)
	}
	if err != nil {
		return err
	}
	defer loader.close()
	items, err := loader.catalog(ctx)
	if err != nil {
		return err
	}
	maxID, err := loader.maxCustomerID(ctx)
	if err != nil {
		return err
	}
	bulk := c.histCust - c.samples
	start := time.Now()
	if err := loader.customers(ctx, maxID+1, bulk); err != nil {
		return fmt.Errorf("load customers: %w", err)
	}
	h := planHistory(rand.New(rand.NewPCG(5, 6)), samples, maxID+1, c.histCust, c.history)
	if err := loader.purchases(ctx, h, items); err != nil {
		return fmt.Errorf("load purchases: %w", err)
	}
	load := time.Since(start)
	rep.add("(c) loaded %d purchases of %d customers directly into the tables in %s (%.0f rows/s, indexes rebuilt after)",
		c.history, c.histCust, load.Round(time.Second), float64(c.history)/load.Seconds())

	// Sign the samples in; find each heavy sample's cursor to the later page.
	type sample struct {
		token, cursor string
		count         int
	}
	ss := make([]sample, len(samples))
	for k := range samples {
		var tok struct {
			Token string `json:"token"`
		}
		if _, err := a.call(ctx, "POST", "/api/v1/auth/token", "-", map[string]string{
			"realm": "customer", "email": fmt.Sprintf("mypage%d@bench.example", k), "password": "bench-password",
		}, &tok); err != nil {
			return err
		}
		ss[k] = sample{token: tok.Token, count: h.counts[k]}
		cursor := ""
		for page := 1; page < c.pageDepth; page++ {
			var l struct {
				Items      []any  `json:"items"`
				NextCursor string `json:"next_cursor"`
			}
			if _, err := a.call(ctx, "GET", "/api/v1/me/purchases"+cursorQuery(cursor), tok.Token, nil, &l); err != nil {
				return err
			}
			if l.NextCursor == "" {
				cursor = ""
				break
			}
			cursor = l.NextCursor
		}
		ss[k].cursor = cursor
	}
	var deep []sample
	for _, x := range ss {
		if x.cursor != "" {
			deep = append(deep, x)
		}
	}
	if len(deep) == 0 {
		return fmt.Errorf("no sample customer has %d pages", c.pageDepth)
	}
	heavy, typical := 0, 0
	for k := range ss {
		if k%2 == 0 {
			heavy += ss[k].count
		} else {
			typical += ss[k].count
		}
	}
	rep.add("(c) %d sample customers: heavy ones average %d purchases, typical ones %d; %d have a page %d",
		len(ss), heavy/max(1, (len(ss)+1)/2), typical/max(1, len(ss)/2), len(deep), c.pageDepth)

	measure := func(name string, pick func(i int) (token, path string)) error {
		// Warm-up: caches and connections, not measured.
		for i := range 200 {
			tok, path := pick(i)
			if _, err := a.call(ctx, "GET", path, tok, nil, nil); err != nil {
				return err
			}
		}
		var mu sync.Mutex
		lat := make([]time.Duration, 0, c.requests)
		g, gctx := errgroup.WithContext(ctx)
		per := c.requests / c.latencyConc
		begin := time.Now()
		for w := range c.latencyConc {
			g.Go(func() error {
				local := make([]time.Duration, 0, per)
				for i := range per {
					tok, path := pick(w*per + i)
					t0 := time.Now()
					if _, err := a.call(gctx, "GET", path, tok, nil, nil); err != nil {
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
		p50, p95, p99 := percentiles(lat)
		rep.add("(c) GET /api/v1/me/purchases %s: %d requests at concurrency %d: p50 %s, p95 %s, p99 %s (goal p99 <= 10 ms: %s); %.0f requests/s",
			name, len(lat), c.latencyConc, ms(p50), ms(p95), ms(p99), verdict(p99 <= 10*time.Millisecond), float64(len(lat))/wall.Seconds())
		return nil
	}
	if err := measure("first page", func(i int) (string, string) {
		return ss[i%len(ss)].token, "/api/v1/me/purchases"
	}); err != nil {
		return err
	}
	if err := measure(fmt.Sprintf("page %d", c.pageDepth), func(i int) (string, string) {
		x := deep[i%len(deep)]
		return x.token, "/api/v1/me/purchases" + cursorQuery(x.cursor)
	}); err != nil {
		return err
	}
	if c.anyIDConc == 0 {
		return nil
	}
	return benchAnyID(ctx, c, a, db, srv, maxID+1, rep)
}

func cursorQuery(cursor string) string {
	if cursor == "" {
		return ""
	}
	return "?cursor=" + url.QueryEscape(cursor)
}
