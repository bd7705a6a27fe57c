package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/webhooks"
)

// sweep is periodic work that looks for what time alone has made due: a
// delivery that is late, an inquiry past the store's deadline. A sweep is a
// plain loop, not a durable job: a missed tick is simply the next tick's
// work, and each sweep is idempotent, so several processes on one
// PostgreSQL database may each run them.
type sweep struct {
	name  string
	every time.Duration
	run   func(ctx context.Context) (int, error)
}

// serveSweeps are the sweeps vocdesk serve runs.
//
// Continuous reconciliation: deadlines are minutes (ten by default), so a
// sweep every half minute flags a purchase within a minute of its deadline;
// each sweep reads only the purchases paid since the last one.
//
// Escalation: the store's deadline is business days, so once a minute is
// more than prompt enough; the sweep touches only candidates (a partial
// index), so an idle minute costs one index probe.
//
// Planner statistics: SQLite gathers none by itself, and a plan chosen
// without row counts can walk the wrong index; a sampled ANALYZE takes well
// under a second and the ledger's shape changes over days, not minutes.
//
// The search index: every message rewrites its inquiry's document, which
// leaves a tombstone that each search checks until the index is merged; a
// day's tombstones merge in steps that hold the writer briefly.
func serveSweeps(db *sqlstore.DB) []sweep {
	recon := sqlstore.NewReconciliationService(db)
	desk := sqlstore.NewDeskService(db)
	imap := sqlstore.NewIMAPService(db)
	social := sqlstore.NewSocialService(db)
	return []sweep{
		{"flag purchases not delivered", 30 * time.Second, func(ctx context.Context) (int, error) {
			n, err := recon.SweepUndelivered(ctx)
			return int(n), err
		}},
		{"escalate overdue inquiries", time.Minute, func(ctx context.Context) (int, error) {
			return desk.EscalateOverdue(vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor()))
		}},
		{"refresh planner statistics", 24 * time.Hour, func(ctx context.Context) (int, error) {
			return 0, db.Analyze(ctx)
		}},
		{"merge the search index", 24 * time.Hour, func(ctx context.Context) (int, error) {
			return 0, db.OptimizeSearch(ctx)
		}},
		// IMAP polls queue each other; this only restarts a chain that a
		// crash or a poll job failed for good has broken.
		{"queue IMAP polls", time.Minute, func(ctx context.Context) (int, error) {
			return 0, imap.ScheduleIMAPPolls(vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor()))
		}},
		// A social post's webhook-id guards against its replay only while
		// its timestamp is within the tolerance; after twice that (a post
		// may arrive early) webhooks.Verify refuses the replay on its own.
		{"forget old social webhook-ids", 10 * time.Minute, func(ctx context.Context) (int, error) {
			return social.PurgeWebhookIDs(vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor()), 2*webhooks.Tolerance)
		}},
	}
}

// sweeper runs sweeps until stopped.
type sweeper struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func startSweeps(logger *slog.Logger, sweeps []sweep) *sweeper {
	ctx, cancel := context.WithCancel(context.Background())
	s := &sweeper{cancel: cancel}
	for _, sw := range sweeps {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			t := time.NewTicker(sw.every)
			defer t.Stop()
			for {
				n, err := sw.run(ctx)
				switch {
				case err != nil && ctx.Err() == nil:
					logger.Error("sweep", "sweep", sw.name, "err", err)
				case n > 0:
					logger.Info("sweep", "sweep", sw.name, "count", n)
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	return s
}

// stop ends the loops and waits for sweeps in progress.
func (s *sweeper) stop() {
	s.cancel()
	s.wg.Wait()
}
