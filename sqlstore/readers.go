package sqlstore

import (
	"context"
	"database/sql"
)

// readerSlots hands SQLite's read connections out in the order readers
// arrive. database/sql gives a freed connection to a random waiter, so
// under load (64 inbox clients on a pool of 4) an unlucky request waited
// through many rounds: p99 was six times the median. A buffered channel
// queues blocked senders first come, first served, and with as many slots
// as connections database/sql never has a waiter at all.
type readerSlots struct{ ch chan struct{} }

func newReaderSlots(n int) *readerSlots { return &readerSlots{ch: make(chan struct{}, n)} }

func (s *readerSlots) acquire(ctx context.Context) error {
	select {
	case s.ch <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *readerSlots) release() { <-s.ch }

// readRow runs a one-row read outside a transaction (a single statement
// needs no snapshot of its own) and scans it with scan. On SQLite it waits
// its turn for a reader slot like a transaction would, and uses the read
// pool's prepared statements: request authentication does this on every
// API call and page.
func (db *DB) readRow(ctx context.Context, query string, args []any, scan func(*sql.Row) error) error {
	if db.readers == nil {
		return scan(db.read.QueryRowContext(ctx, rebind(db.dialect, query), args...))
	}
	if err := db.readers.acquire(ctx); err != nil {
		return err
	}
	defer db.readers.release()
	c := &db.readStmts
	c.prepareWanted(ctx)
	if st := c.lookup(query); st != nil {
		return scan(st.QueryRowContext(ctx, args...))
	}
	return scan(db.read.QueryRowContext(ctx, rebind(db.dialect, query), args...))
}
