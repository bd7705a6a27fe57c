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
// dropped; it keeps running unprepared.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q := range c.wanted {
		delete(c.wanted, q)
		c.n++
		st, err := c.pool.PrepareContext(ctx, rebind(dialectSQLite, q))
		if err != nil {
			continue
		}
		c.stmts.Store(q, st)
	}
}

func (c *stmtCache) close() error {
	var errs []error
	c.stmts.Range(func(_, st any) bool {
		errs = append(errs, st.(*sql.Stmt).Close())
		return true
	})
	return errors.Join(errs...)
}
