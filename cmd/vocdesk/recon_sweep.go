package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore"
)

// reconSweepEvery is how often continuous mode looks for paid purchases
// whose delivery is late. Deadlines are minutes (ten by default), so a
// sweep every half minute flags a purchase within a minute of its deadline;
// each sweep reads only the purchases paid since the last one.
const reconSweepEvery = 30 * time.Second

// reconSweep runs continuous mode's periodic sweep. It is a plain loop, not
// a durable job: a missed tick is simply the next tick's work, and the
// sweep is idempotent, so several processes on one PostgreSQL database may
// each run it.
type reconSweep struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func startReconSweep(db *sqlstore.DB, logger *slog.Logger) *reconSweep {
	svc := sqlstore.NewReconciliationService(db)
	ctx, cancel := context.WithCancel(context.Background())
	rs := &reconSweep{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(rs.done)
		t := time.NewTicker(reconSweepEvery)
		defer t.Stop()
		for {
			n, err := svc.SweepUndelivered(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				logger.Error("reconciliation sweep", "err", err)
			case n > 0:
				logger.Info("flagged purchases not delivered", "count", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return rs
}

// stop ends the loop and waits for a sweep in progress.
func (rs *reconSweep) stop() {
	rs.cancel()
	<-rs.done
}
