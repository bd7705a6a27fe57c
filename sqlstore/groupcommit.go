package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// groupCommit batches concurrent small write transactions on SQLite into one
// transaction and one COMMIT (one WAL sync), the cost that dominates a
// single-row write. It is a leader/follower scheme, no goroutine of its own:
//
//   - A caller queues its work. If no batch is being run it becomes the
//     leader; otherwise it waits.
//   - The leader takes everything queued, runs it in one BEGIN IMMEDIATE
//     transaction, each call inside its own SAVEPOINT (a call that fails is
//     rolled back to its savepoint and the others keep their work), COMMITs,
//     and hands every call its answer only then: nobody hears "done" before
//     the shared COMMIT succeeded, and if it fails everyone hears the error.
//   - It then passes the lead to the first call queued meanwhile, so each
//     leader runs one batch and no caller waits on others' batches forever.
//
// Calls in a batch run one after another in queue order on one connection,
// so each sees the writes of those before it exactly as if run serially.
type groupCommit struct {
	db *DB

	mu      sync.Mutex
	queue   []*groupCall
	running bool // a leader holds the lead
}

type groupCall struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *Tx) error
	done chan error // buffered: the answer, or errLead
}

// errLead tells a waiting call that it is the next leader.
var errLead = errors.New("sqlstore: lead the next batch")

// maxGroup bounds a batch, so one COMMIT never waits on an unbounded queue.
const maxGroup = 256

// run runs fn in a write transaction shared with concurrent callers and
// returns once that transaction committed (nil) or fn's work was undone
// (fn's error, or the batch's begin/commit error). fn must not commit or
// roll back tx.
func (g *groupCommit) run(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	c := &groupCall{ctx: ctx, fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, c)
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if !lead {
		// Wait regardless of ctx: once queued, the work may be committed,
		// and the caller must not be told otherwise. (A cancelled ctx makes
		// the call's own statements fail, so it does not wait long.)
		if err := <-c.done; err != errLead {
			return err
		}
	}
	g.lead()
	return <-c.done
}

// lead runs one batch, then passes the lead on or gives it up.
func (g *groupCommit) lead() {
	g.mu.Lock()
	n := min(len(g.queue), maxGroup)
	batch := g.queue[:n:n]
	g.queue = g.queue[n:]
	g.mu.Unlock()

	errs := g.runBatch(batch)
	for i, c := range batch {
		c.done <- errs[i]
	}

	g.mu.Lock()
	if len(g.queue) > 0 {
		g.queue[0].done <- errLead
	} else {
		g.running = false
	}
	g.mu.Unlock()
}

// runBatch runs the calls in one transaction and returns each call's answer.
func (g *groupCommit) runBatch(batch []*groupCall) []error {
	errs := make([]error, len(batch))
	fail := func(err error) []error {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs
	}
	// Not the leader's context: the batch is everyone's, and a cancelled
	// leader must not roll the others back.
	bctx := context.WithoutCancel(batch[0].ctx)
	g.db.stmts.prepareWanted(bctx)
	tx, err := g.db.beginWrite(bctx)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	tx.stmts = &g.db.stmts
	enqueued, audited, searched := false, false, false
	for i, c := range batch {
		if err := c.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := tx.exec(bctx, "SAVEPOINT call"); err != nil {
			return fail(fmt.Errorf("sqlstore: savepoint: %w", err))
		}
		// A Tx of the call's own: its own clock reading, as if it had begun
		// a transaction of its own.
		call := &Tx{tx: tx.tx, db: g.db, now: g.db.now(), dialect: g.db.dialect, stmts: &g.db.stmts}
		if errs[i] = c.fn(c.ctx, call); errs[i] != nil {
			// Undo this call's work only. If even that fails (SQLite may
			// have rolled the whole transaction back, on I/O errors or a
			// full disk), nobody's work is safe: fail the batch.
			if _, err := tx.exec(bctx, "ROLLBACK TO call"); err != nil {
				return fail(fmt.Errorf("sqlstore: rollback to savepoint: %w", err))
			}
		}
		if _, err := tx.exec(bctx, "RELEASE call"); err != nil {
			return fail(fmt.Errorf("sqlstore: release savepoint: %w", err))
		}
		enqueued = enqueued || (errs[i] == nil && call.enqueued)
		audited = audited || (errs[i] == nil && call.audited)
		searched = searched || (errs[i] == nil && call.searched)
		if errs[i] == nil {
			tx.pageChanges = append(tx.pageChanges, call.pageChanges...)
		}
	}
	tx.enqueued, tx.audited, tx.searched = enqueued, audited, searched
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return errs
}

// writeGrouped runs fn in a write transaction and commits it: on SQLite in a
// transaction shared with concurrent callers (groupCommit), on PostgreSQL in
// one of its own, as concurrent transactions there commit in parallel.
func (db *DB) writeGrouped(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	if db.dialect == dialectSQLite {
		return db.group.run(ctx, fn)
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}
