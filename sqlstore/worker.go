package sqlstore

import (
	"context"
	"time"
)

// worker runs a job in a goroutine of its own: when woken (notify) and
// otherwise once per idle, then pausing as long as the job asks before it
// can run again. SQLite's checkpointer and its audit text indexer are
// workers woken by commits, and so is its search indexer; the pause is
// what gathers many commits into one run.
type worker struct {
	wake chan struct{}
	// hurry cuts the pause short: someone waits for the next run (a
	// search for the documents it should find).
	hurry chan struct{}
	stop  context.CancelFunc
	done  chan struct{}
}

// startWorker starts run. run returns the pause before the next run, and
// whether to run again after it without waiting to be woken (work is left).
func startWorker(idle time.Duration, run func(ctx context.Context) (pause time.Duration, again bool)) *worker {
	ctx, stop := context.WithCancel(context.Background())
	w := &worker{wake: make(chan struct{}, 1), hurry: make(chan struct{}, 1), stop: stop, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		again := false
		for {
			if !again {
				select {
				case <-ctx.Done():
					return
				case <-w.wake:
				case <-w.hurry:
				case <-time.After(idle):
				}
			}
			// Not cancelled by close: close waits for the run to end on
			// its own. Cancelled mid-statement, database/sql rolls the
			// run's transaction back in a goroutine of its own and hands
			// its connection back after close returned, and a connection
			// still open then keeps SQLite from removing the WAL when the
			// pools close (a test template found it left).
			var pause time.Duration
			pause, again = run(context.WithoutCancel(ctx))
			select {
			case <-ctx.Done():
				return
			case <-w.hurry:
				again = true
			case <-time.After(pause):
			}
		}
	}()
	return w
}

// notify wakes the worker. It never waits, and on a nil worker (one the
// engine has none of) it does nothing.
func (w *worker) notify() {
	if w == nil {
		return
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// hasten wakes the worker and cuts its pause short, if it is in one. It
// never waits.
func (w *worker) hasten() {
	select {
	case w.hurry <- struct{}{}:
	default:
	}
}

// close stops the worker and waits for its run in progress.
func (w *worker) close() {
	w.stop()
	<-w.done
}
