// Command refunds measures end-to-end refunds per second on SQLite and
// PostgreSQL: from a developer's cancellation request (auto-approved by the
// policy) through the durable refund job and the store ledger provider to
// the request being refunded, with the real services, job queue and runner
// in one process. Run from bench/: go run ./refunds.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/bench/internal/benchdb"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/payment"
	"github.com/vocdesk/vocdesk/refunds"
	"github.com/vocdesk/vocdesk/sqlstore"
)

func main() {
	engine := flag.String("engine", "both", "sqlite, postgres or both")
	pg := flag.String("pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server (a fresh schema is made and dropped)")
	n := flag.Int("n", 2000, "refunds to carry out")
	conc := flag.Int("concurrency", 32, "concurrent requesting clients")
	workers := flag.Int("workers", 16, "job runner workers")
	latency := flag.Duration("provider-latency", 0, "mean latency of the store ledger provider")
	flag.Parse()
	engines := []string{*engine}
	if *engine == "both" {
		engines = []string{"sqlite", "postgres"}
	}
	for _, e := range engines {
		if err := bench(e, *pg, *n, *conc, *workers, *latency); err != nil {
			fmt.Fprintf(os.Stderr, "refunds %s: %v\n", e, err)
			os.Exit(1)
		}
	}
}

func bench(engine, pgURL string, n, conc, workers int, latency time.Duration) error {
	ctx := context.Background()
	db, cleanup, err := benchdb.Open(ctx, engine, pgURL, "refunds")
	if err != nil {
		return err
	}
	defer cleanup()
	sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
	devs, customers, purchases := sqlstore.NewDeveloperService(db), sqlstore.NewCustomerService(db), sqlstore.NewPurchaseService(db)
	cs := sqlstore.NewCancellationService(db)
	dev := &vocdesk.Developer{Slug: "bench-dev", Name: "Bench", Email: "bench@dev.example.com"}
	if err := devs.CreateDeveloper(sys, dev); err != nil {
		return err
	}
	if err := devs.CreateApp(sys, &vocdesk.App{DeveloperSlug: dev.Slug, Slug: "bench-app", Name: "Bench"}); err != nil {
		return err
	}
	c := &vocdesk.Customer{Email: "bench@example.com", Name: "Bench", Locale: "ko"}
	if err := customers.CreateCustomer(sys, c, ""); err != nil {
		return err
	}
	batch := make([]*vocdesk.Purchase, n)
	for i := range batch {
		batch[i] = &vocdesk.Purchase{TxID: fmt.Sprintf("TX-B-%07d", i), TID: fmt.Sprintf("b-%07d", i), CustomerID: c.ID, AppSlug: "bench-app",
			ItemSKU: "gems", Amount: 3300, Currency: "KRW", Method: vocdesk.MethodCard, PaidAt: time.Now().Add(-time.Hour)}
	}
	if _, err := purchases.ImportPurchases(sys, batch); err != nil {
		return err
	}
	if err := cs.UpdateRefundPolicy(sys, &vocdesk.RefundPolicy{AutoApprove: []vocdesk.AutoApproveRule{{Currency: "KRW", MaxAmount: 1 << 40, WithinDays: 30}}}); err != nil {
		return err
	}
	devCtx := vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: dev.ID, Role: vocdesk.RoleAdmin, Name: "bench key"})

	runner := &jobs.Runner{Queue: sqlstore.NewJobQueue(db), Workers: workers, Lease: time.Minute, Kinds: map[string]jobs.Kind{
		vocdesk.JobRefundExecute: (&refunds.Executor{Service: cs, Provider: payment.NewStoreLedger(sqlstore.NewProviderLedger(db), payment.Faults{Latency: latency})}).Kind(),
		vocdesk.JobSendMail:      {Handler: func(context.Context, *vocdesk.Job) error { return nil }},
	}}
	rctx, stop := context.WithCancel(ctx)
	var rwg sync.WaitGroup
	rwg.Add(1)
	go func() { defer rwg.Done(); _ = runner.Run(rctx) }()

	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conc)
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				_, err := cs.RequestCancellation(devCtx, &vocdesk.CancellationInput{TxID: batch[i].TxID, Reason: vocdesk.ReasonCustomerRequest,
					IdempotencyKey: fmt.Sprintf("bench-%d", i)})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	requested := time.Since(start)
	select {
	case err := <-errs:
		stop()
		return err
	default:
	}
	for {
		done, err := countRefunded(ctx, cs)
		if err != nil {
			stop()
			return err
		}
		if done >= n {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	total := time.Since(start)
	stop()
	rwg.Wait()
	fmt.Printf("%-8s %d refunds (request > refunded), %d clients, %d workers, provider latency %s: requests accepted in %s (%.0f/s); all refunded in %s: %.0f refunds/s end to end\n",
		engine, n, conc, workers, latency, requested.Round(time.Millisecond), float64(n)/requested.Seconds(), total.Round(time.Millisecond), float64(n)/total.Seconds())
	return nil
}

// countRefunded counts refunded requests a page at a time through the
// service (the voided feed is one entry per refund).
func countRefunded(ctx context.Context, cs *sqlstore.CancellationService) (int, error) {
	sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
	n, cursor := 0, ""
	for {
		list, next, err := cs.FindVoidedPurchases(sys, vocdesk.VoidedFilter{Cursor: cursor, Limit: 200})
		if err != nil {
			return 0, err
		}
		n += len(list)
		if next == "" {
			return n, nil
		}
		cursor = next
	}
}
