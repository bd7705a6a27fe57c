package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// Statement reuse on SQLite. modernc.org/sqlite prepares (parses and plans)
// every statement on every call: a fifth of a small write's CPU, and of an
// inbox page's. Transactions on SQLite instead use statements prepared once
// on their pool: sql.Tx.StmtContext reuses a pool-level statement already
// prepared on the transaction's connection, and prepares it there once when
// it is not.
//
// A statement is prepared on the pool, which needs a free connection, so a
// query first seen inside a transaction runs unprepared and is noted; it is
// prepared before a later transaction begins, when a connection is sure to
// be free: the next group commit's leader on the write pool (its only
// connection), a reader holding a slot on the read pool (readers.go). The
// inbox's filters make a few hundred shapes at most; max bounds the cache,
// and past it queries simply run unprepared.
const (
	maxWriteStmts = 64
	maxReadStmts  = 512
)

type stmtCache struct {
	pool   *sql.DB
	max    int
	stmts  sync.Map // query (as written) -> *sql.Stmt
	mu     sync.Mutex
	wanted map[string]bool
	n      int
}

// cachedStmt returns query's cached statement bound to tx, or nil (and notes
// the query for preparing) when there is none or tx does not use a cache.
func (tx *Tx) cachedStmt(ctx context.Context, query string) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	if st := tx.stmts.lookup(query); st != nil {
		return tx.tx.StmtContext(ctx, st)
	}
	return nil
}

// lookup returns query's statement, or nil after noting it for preparing.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	if st, ok := c.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	c.mu.Lock()
	if c.n < c.max {
		if c.wanted == nil {
			c.wanted = map[string]bool{}
		}
		c.wanted[query] = true
	}
	c.mu.Unlock()
	return nil
}

// prepareWanted prepares the noted queries on the pool. The caller must not
// hold the pool's last free connection. A query that fails to prepare is
// dropped; it keeps running unprepared. The lock is not held while
// preparing: a prepare waits for the pool's connection, and the
// transaction holding it may be noting a query of its own (lookup).
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	if len(c.wanted) == 0 {
		c.mu.Unlock()
		return
	}
	qs := make([]string, 0, len(c.wanted))
	for q := range c.wanted {
		qs = append(qs, q)
		c.n++
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, q := range qs {
		if _, ok := c.stmts.Load(q); ok {
			continue
		}
		st, err := c.pool.PrepareContext(ctx, rebind(dialectSQLite, q))
		if err != nil {
			continue
		}
		if _, loaded := c.stmts.LoadOrStore(q, st); loaded {
			st.Close() // another caller prepared it meanwhile
		}
	}
}

// writeStmt is cachedStmt for a statement a write transaction without a
// cache of its own (inWrite) runs on every event of a kind, on SQLite: it
// is prepared once on the write pool, at the start of a later write
// transaction (beginWrite), and used from then on. Rules' statements use it
// (rule_run.go): preparing the round-robin statement was 0.28 ms of a
// creation's 0.8 ms of rules (bench/rules, SQLite, load 9 on 2 cores).
func (tx *Tx) writeStmt(ctx context.Context, query string) *sql.Stmt {
	if tx.stmts != nil {
		return tx.cachedStmt(ctx, query)
	}
	if tx.dialect != dialectSQLite || tx.tx == nil || tx.conn != nil {
		return nil
	}
	if st := tx.db.stmts.lookup(query); st != nil {
		return tx.tx.StmtContext(ctx, st)
	}
	return nil
}

// execOnce, queryOnce and queryRowOnce are exec, query and queryRow with
// writeStmt's statements.
func (tx *Tx) execOnce(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.writeStmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.run().ExecContext(ctx, rebind(tx.dialect, query), args...)
}

func (tx *Tx) queryOnce(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.writeStmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.run().QueryContext(ctx, rebind(tx.dialect, query), args...)
}

func (tx *Tx) queryRowOnce(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.writeStmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.run().QueryRowContext(ctx, rebind(tx.dialect, query), args...)
}

func (c *stmtCache) close() error {
	var errs []error
	c.stmts.Range(func(_, st any) bool {
		errs = append(errs, st.(*sql.Stmt).Close())
		return true
	})
	return errors.Join(errs...)
}
