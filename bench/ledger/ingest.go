package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// benchIngest POSTs purchases the way the store's billing system does, from
// many connections at once, and reports purchases per second.
func benchIngest(ctx context.Context, c config, a *api, s *storeSetup, rep *report) error {
	var next, created atomic.Int64
	var mu sync.Mutex
	lat := make([]time.Duration, 0, c.ingest)
	var firstErr error
	start := time.Now()
	var wg sync.WaitGroup
	for w := range c.concurrency {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 7))
			local := make([]time.Duration, 0, c.ingest/c.concurrency+1)
			for {
				i := next.Add(1)
				if i > int64(c.ingest) || ctx.Err() != nil {
					break
				}
				body := purchaseBody(r, s, fmt.Sprintf("TXI%010d", i), fmt.Sprintf("ING-%010d", i))
				t0 := time.Now()
				status, err := a.call(ctx, "POST", "/api/v1/purchases", "", body, nil)
				local = append(local, time.Since(t0))
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				if status == 201 {
					created.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return firstErr
	}
	rate := float64(created.Load()) / elapsed.Seconds()
	p50, p95, p99 := percentiles(lat)
	// The issue sets the goal for SQLite only.
	goal := "no goal on PostgreSQL"
	if rep.engine == "sqlite" {
		goal = "goal >= 3000/s on SQLite: " + verdict(rate >= 3000)
	}
	rep.add("(a) HTTP ingest: %d purchases at concurrency %d in %s: %.0f purchases/s (%s); latency p50 %s, p95 %s, p99 %s",
		created.Load(), c.concurrency, elapsed.Round(time.Millisecond), rate, goal, ms(p50), ms(p95), ms(p99))
	return nil
}

// warmUp records one purchase per app and item, so the items exist (billing
// creates them) and connections are open before any clock starts.
func warmUp(ctx context.Context, a *api, s *storeSetup) error {
	n := 0
	for _, app := range s.apps {
		for k, price := range app.prices {
			n++
			body := map[string]any{
				"txid": fmt.Sprintf("TXW%06d", n), "tid": fmt.Sprintf("WARM-%06d", n),
				"customer_id": s.customers[n%len(s.customers)], "app": app.slug, "item": fmt.Sprintf("sku-%d", k),
				"amount": price, "currency": app.currency, "method": "card", "paid_at": time.Now().UTC().Format(time.RFC3339),
			}
			if _, err := a.call(ctx, "POST", "/api/v1/purchases", "", body, nil); err != nil {
				return fmt.Errorf("warm-up: %w", err)
			}
		}
	}
	return nil
}

var methods = []string{"carrier", "carrier", "card", "card", "cash", "gift"}

// purchaseBody is a POST /api/v1/purchases body. customer_id is sent as a
// number, as billing systems do.
func purchaseBody(r *rand.Rand, s *storeSetup, txid, tid string) map[string]any {
	app := s.apps[r.IntN(len(s.apps))]
	k := r.IntN(len(app.prices))
	return map[string]any{
		"txid": txid, "tid": tid, "customer_id": s.customers[r.IntN(len(s.customers))],
		"app": app.slug, "item": fmt.Sprintf("sku-%d", k), "amount": app.prices[k], "currency": app.currency,
		"method":  methods[r.IntN(len(methods))],
		"paid_at": time.Now().Add(-time.Duration(r.IntN(180*24)) * time.Hour).UTC().Format(time.RFC3339),
	}
}
