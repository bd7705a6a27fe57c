package main

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"
)

// storeSetup is what every benchmark buys from: developers with apps, and
// customers created through the API.
type storeSetup struct {
	apps      []benchApp
	customers []int64
}

type benchApp struct {
	developer, slug string
	currency        string
	prices          []string // per item, major units
}

// setupStore creates four developers with two apps each (half priced in
// KRW, half in USD) and n customers without passwords.
func setupStore(ctx context.Context, a *api, n int) (*storeSetup, error) {
	s := &storeSetup{}
	for d := range 4 {
		dev := fmt.Sprintf("studio-%d", d)
		if _, err := a.call(ctx, "POST", "/api/v1/developers", "", map[string]string{
			"slug": dev, "name": fmt.Sprintf("Studio %d", d), "email": dev + "@bench.example",
		}, nil); err != nil {
			return nil, err
		}
		for k := range 2 {
			app := benchApp{developer: dev, slug: fmt.Sprintf("%s-app-%d", dev, k), currency: "KRW", prices: []string{"1200", "5900", "33000"}}
			if d%2 == 1 {
				app.currency, app.prices = "USD", []string{"0.99", "4.99", "19.99"}
			}
			if _, err := a.call(ctx, "POST", "/api/v1/apps", "", map[string]string{
				"developer": dev, "slug": app.slug, "name": "App " + app.slug,
			}, nil); err != nil {
				return nil, err
			}
			s.apps = append(s.apps, app)
		}
	}
	s.customers = make([]int64, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	var mu sync.Mutex
	for i := range n {
		g.Go(func() error {
			var out struct {
				ID int64 `json:"id"`
			}
			_, err := a.call(gctx, "POST", "/api/v1/customers", "", map[string]string{
				"email": fmt.Sprintf("buyer%d@bench.example", i), "name": fmt.Sprintf("Buyer %d", i), "phone": "010-0000-0000",
			}, &out)
			mu.Lock()
			s.customers[i] = out.ID
			mu.Unlock()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := warmUp(ctx, a, s); err != nil {
		return nil, err
	}
	logf("setup: %d developers, %d apps, %d customers", 4, len(s.apps), n)
	return s, nil
}
