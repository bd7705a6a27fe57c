package sqlstore

import (
	"context"
	"database/sql"
)

// readerSlots lets reads run in the order they arrive, a fixed number at a
// time. database/sql gives a freed connection to a random waiter, so under
// load (64 inbox clients on a pool of 4) an unlucky request waited through
// many rounds: p99 was six times the median on SQLite, five times on
// PostgreSQL. A buffered channel queues blocked senders first come, first
// served, and with no more slots than connections database/sql never has a
// waiter at all. On SQLite there is a slot per core and one more; on
// PostgreSQL a few (pgReaders), because a database server on few cores
// answers a handful of busy sessions faster than dozens. Streaming
// downloads have slots of their own (DB.streams, beginStream).
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
// needs no snapshot of its own) and scans it with scan. It waits its turn
// for a reader slot like a transaction would, and on SQLite uses the read
// pool's prepared statements: request authentication does this on every
// API call and page.
func (db *DB) readRow(ctx context.Context, query string, args []any, scan func(*sql.Row) error) error {
	if err := db.readers.acquire(ctx); err != nil {
		return err
	}
	defer db.readers.release()
	if db.dialect == dialectSQLite {
		c := &db.readStmts
		c.prepareWanted(ctx)
		if st := c.lookup(query); st != nil {
			return scan(st.QueryRowContext(ctx, args...))
		}
	}
	return scan(db.read.QueryRowContext(ctx, rebind(db.dialect, query), args...))
}
