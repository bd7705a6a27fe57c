// Package jobs runs durable background work from a vocdesk.JobQueue:
// sending mail, executing refunds, delivering webhooks. Jobs run at least
// once; each kind's handler is idempotent, so a crash between doing the work
// and marking it done costs a repeat, never a loss.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/vocdesk/vocdesk"
)

// Handler does one job. A nil error completes it; an error wrapped with
// Permanent fails it for good; any other error retries it after a backoff.
type Handler func(ctx context.Context, j *vocdesk.Job) error

// Kind is how the runner treats one job kind.
type Kind struct {
	Handler Handler
	// MaxAttempts before the job is failed for good; 0 means 25.
	MaxAttempts int
	// Backoff gives the wait before attempt n+1 after attempt n failed;
	// nil means Exponential(time.Second, time.Hour).
	Backoff func(attempt int) time.Duration
	// Timeout bounds one attempt; 0 means one minute. It must stay well
	// under the runner's Lease.
	Timeout time.Duration
}

// Runner claims due jobs and runs their handlers on a bounded number of
// goroutines until its context ends.
type Runner struct {
	Queue   vocdesk.JobQueue
	Kinds   map[string]Kind
	Workers int           // concurrent handlers; 0 means 4
	Lease   time.Duration // how long a claim holds before another may take the job; 0 means 5 minutes
	Poll    time.Duration // how often to look for due jobs when not woken; 0 means one second
	Logger  *slog.Logger
	Now     func() time.Time

	// Done, when set, is called after each attempt with its outcome:
	// "completed", "retried" or "failed" (for metrics).
	Done func(kind, outcome string)
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that retrying cannot fix.
func Permanent(err error) error { return permanentError{err} }

// Exponential returns a backoff that doubles from base up to max, with up to
// 20% jitter so that jobs failed together do not retry together.
func Exponential(base, max time.Duration) func(int) time.Duration {
	return func(attempt int) time.Duration {
		d := base
		for i := 1; i < attempt && d < max; i++ {
			d *= 2
		}
		d = min(d, max)
		return d + time.Duration(rand.Int64N(int64(d)/5+1))
	}
}

// Run works until ctx is done, then waits for running handlers to finish
// (they see ctx's cancellation) and returns nil.
func (r *Runner) Run(ctx context.Context) error {
	if r.Queue == nil || len(r.Kinds) == 0 {
		return errors.New("jobs: runner needs a queue and at least one kind")
	}
	workers, lease, poll := orDefault(r.Workers, 4), orDefault(r.Lease, 5*time.Minute), orDefault(r.Poll, time.Second)
	logger := r.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	kinds := make([]string, 0, len(r.Kinds))
	for k := range r.Kinds {
		kinds = append(kinds, k)
	}
	// sem holds a token per running handler; finished wakes the loop when
	// one returns, so a free worker looks for more work at once.
	sem := make(chan struct{}, workers)
	finished := make(chan struct{}, 1)
	var wg sync.WaitGroup
	defer wg.Wait()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-r.Queue.Wake():
		case <-finished:
		}
		n := workers - len(sem)
		if n == 0 {
			timer.Reset(poll)
			continue
		}
		jobs, err := r.Queue.Claim(ctx, kinds, n, lease)
		if err != nil && ctx.Err() == nil {
			logger.Error("jobs: claim", "err", err)
		}
		for _, j := range jobs {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.run(ctx, logger, j)
				<-sem
				select {
				case finished <- struct{}{}:
				default:
				}
			}()
		}
		if len(jobs) == n {
			timer.Reset(0) // there may be more due right now
		} else {
			timer.Reset(poll)
		}
	}
}

func (r *Runner) run(ctx context.Context, logger *slog.Logger, j *vocdesk.Job) {
	k := r.Kinds[j.Kind]
	actx, cancel := context.WithTimeout(ctx, orDefault(k.Timeout, time.Minute))
	err := safeCall(actx, k.Handler, j)
	cancel()
	if ctx.Err() != nil {
		// Shutting down: leave the job claimed; its lease runs out and
		// another process (or this one, restarted) takes it over.
		return
	}
	outcome := "completed"
	var perm permanentError
	switch {
	case err == nil:
		err = r.Queue.Complete(ctx, j)
	case errors.As(err, &perm) || j.Attempt >= orDefault(k.MaxAttempts, 25):
		outcome = "failed"
		logger.Error("jobs: failed for good", "kind", j.Kind, "job", j.ID, "attempt", j.Attempt, "err", err)
		err = r.Queue.Fail(ctx, j, err.Error())
	default:
		outcome = "retried"
		backoff := k.Backoff
		if backoff == nil {
			backoff = Exponential(time.Second, time.Hour)
		}
		now := time.Now
		if r.Now != nil {
			now = r.Now
		}
		logger.Warn("jobs: will retry", "kind", j.Kind, "job", j.ID, "attempt", j.Attempt, "err", err)
		err = r.Queue.Retry(ctx, j, now().Add(backoff(j.Attempt)), err.Error())
	}
	if err != nil {
		logger.Error("jobs: record outcome", "kind", j.Kind, "job", j.ID, "err", err)
	}
	if r.Done != nil {
		r.Done(j.Kind, outcome)
	}
}

// safeCall runs h, turning a panic into an error so that one bad job cannot
// take the process down.
func safeCall(ctx context.Context, h Handler, j *vocdesk.Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("jobs: handler panicked: %v", p)
		}
	}()
	return h(ctx, j)
}

func orDefault[T int | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}
