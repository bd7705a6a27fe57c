package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Tx is one service call's unit of work. It rewrites placeholders for the
// engine and carries the call's "now", read once from DB.Now, so every row a
// call writes has the same time and tests can set the clock.
type Tx struct {
	tx   *sql.Tx
	pool *sql.DB   // instead of tx for a read outside a transaction on PostgreSQL (beginReadOutside)
	conn *sql.Conn // set when the transaction has a connection of its own (beginImport)
	// restoreFK: foreign keys were switched off on conn (SQLite import).
	restoreFK bool
	db        *DB
	now       time.Time
	dialect   string

	// enqueued is set when the transaction added a job, so Commit wakes
	// this process's job runners.
	enqueued bool
	// writes is set on a write transaction, whose commit tells SQLite's
	// checkpointer that the log has new pages.
	writes bool
	// audited is set when the transaction appended audit entries, so
	// Commit wakes the audit text indexer (DB.auditIndex).
	audited bool
	// searched is set when the transaction queued search documents
	// (search_later.go), so Commit wakes SQLite's search indexer.
	searched bool
	// pageChanges are the cached review pages the transaction changes,
	// dropped once it commits (review_page_cache.go).
	pageChanges []reviewPageChange

	// stmts, when set, are statements prepared once on the transaction's
	// pool, used instead of preparing each statement on every call
	// (stmtcache.go).
	stmts *stmtCache
	// slots, when set, are the reader slots (readers.go) the transaction
	// holds one of, to give back when it ends.
	slots *readerSlots
	// serial, on a read outside a transaction on PostgreSQL, runs eachRow's
	// statements without parallel workers (a search's GIN step, search.go).
	serial bool
}

// beginWrite starts a read-write transaction: on SQLite on the single write
// connection with BEGIN IMMEDIATE (the write lock is taken up front, so the
// transaction never fails half way with SQLITE_BUSY on upgrade).
func (db *DB) beginWrite(ctx context.Context) (*Tx, error) {
	if db.dialect == dialectSQLite {
		// Statements noted by earlier transactions (writeStmt), while the
		// write connection is free.
		db.stmts.prepareWanted(ctx)
	}
	tx, err := db.openWrite(ctx)
	if err == nil {
		tx.now = db.now()
	}
	return tx, err
}

// openWrite is a write transaction that does not read DB.Now, for
// background work whose writes need no clock (the audit text and search
// indexers): the demo's seeder and tests move that clock while it runs.
func (db *DB) openWrite(ctx context.Context) (*Tx, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: begin: %w", err)
	}
	return &Tx{tx: tx, db: db, dialect: db.dialect, writes: true}, nil
}

// inWrite runs fn in a write transaction and commits it if fn returns nil;
// otherwise the transaction is rolled back and fn's error returned. Results
// are passed out through variables fn closes over.
func (db *DB) inWrite(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// beginRead starts a transaction for reading: one consistent snapshot across
// several statements, on the read pool.
func (db *DB) beginRead(ctx context.Context) (*Tx, error) { return db.beginReadIn(ctx, db.readers) }

// beginStream is beginRead for a read that streams a download to its
// client, in a slot of its own kind (streamReaders): it lasts as long as
// the client takes to receive it.
func (db *DB) beginStream(ctx context.Context) (*Tx, error) { return db.beginReadIn(ctx, db.streams) }

func (db *DB) beginReadIn(ctx context.Context, slots *readerSlots) (*Tx, error) {
	t, err := db.openRead(ctx, slots)
	if err == nil {
		t.now = db.now()
	}
	return t, err
}

// openRead is beginReadIn without reading DB.Now, for background work
// whose reads need no clock (the search worker, search_later.go): tests
// and the demo's seeder move that clock while it runs.
//
// On PostgreSQL the transaction is REPEATABLE READ: the default (read
// committed) gives each statement a snapshot of its own, so a page's
// statements could disagree (an inquiry and its thread, a report's
// histogram and the bucket it points to) when a commit falls between
// them. A read-only transaction at that level never fails to serialize
// and takes its one snapshot at its first statement, no dearer than read
// committed's one per statement. SQLite's read transactions are one
// snapshot already.
func (db *DB) openRead(ctx context.Context, slots *readerSlots) (*Tx, error) {
	var opts *sql.TxOptions
	if db.dialect == dialectPostgres {
		opts = &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	t := &Tx{db: db, dialect: db.dialect}
	if err := slots.acquire(ctx); err != nil {
		return nil, err
	}
	t.slots = slots
	if db.dialect == dialectSQLite {
		t.stmts = &db.readStmts
		// A slot guarantees a free connection to prepare on.
		db.readStmts.prepareWanted(ctx)
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		t.release()
		return nil, fmt.Errorf("sqlstore: begin: %w", err)
	}
	t.tx = tx
	return t, nil
}

// beginReadGeneric is beginRead for the desk's hot reads (the inbox, an
// inquiry, its thread), whose plans do not depend on the values bound: a
// walk of an index by developer and sort key, lookups by id. PostgreSQL
// keeps planning such a prepared statement on every call when it cannot
// show a generic plan is as cheap, and an inbox page spent 1.3-3 ms
// planning for 0.7 ms of execution. There the reads run on the generic
// pool, whose sessions plan each statement once (plan_cache_mode), and
// outside a transaction: each is one statement, or statements that need no
// common snapshot (the scope check before a thread, a thread's files), so
// BEGIN and ROLLBACK would be two more round trips for nothing.
func (db *DB) beginReadGeneric(ctx context.Context) (*Tx, error) {
	if db.generic == nil {
		return db.beginRead(ctx)
	}
	return db.beginReadOutside(ctx, db.generic)
}

// beginReadOne is beginRead for a read of one statement, which is its own
// snapshot, or of statements that need no common one: on PostgreSQL it runs
// on the read pool outside a transaction, without the BEGIN and ROLLBACK
// round trips (two of three for one statement), and unlike
// beginReadGeneric's its plans stay made for the values bound, as a list
// filtered by dates or an app, or a search, needs.
func (db *DB) beginReadOne(ctx context.Context) (*Tx, error) {
	if db.dialect != dialectPostgres {
		return db.beginRead(ctx)
	}
	return db.beginReadOutside(ctx, db.read)
}

// beginReadOutside is a reader's slot for statements run on pool outside a
// transaction (PostgreSQL's beginReadGeneric and beginReadOne).
func (db *DB) beginReadOutside(ctx context.Context, pool *sql.DB) (*Tx, error) {
	if err := db.readers.acquire(ctx); err != nil {
		return nil, err
	}
	return &Tx{pool: pool, slots: db.readers, db: db, now: db.now(), dialect: db.dialect}, nil
}

// Commit commits the transaction.
func (tx *Tx) Commit() error {
	if tx.tx == nil { // a read outside a transaction: nothing to commit
		tx.release()
		return nil
	}
	err := tx.tx.Commit()
	tx.release()
	// After the COMMIT, never before: a read in between would keep the
	// page as it was. A failed COMMIT may have committed all the same.
	tx.db.reviewPages.drop(tx.pageChanges)
	if err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	if tx.enqueued {
		tx.db.wakeJobs()
	}
	if tx.writes {
		tx.db.checkpoints.committed()
	}
	if tx.audited {
		tx.db.auditIndex.notify()
	}
	if tx.searched {
		tx.db.search.queued()
	}
	return nil
}

// reviewPagesChanged notes cached review pages the transaction changes:
// they are dropped when it commits.
func (tx *Tx) reviewPagesChanged(changes ...reviewPageChange) {
	tx.pageChanges = append(tx.pageChanges, changes...)
}

// Rollback aborts the transaction; after Commit it does nothing, so it is
// always deferred.
func (tx *Tx) Rollback() {
	if tx.tx != nil {
		_ = tx.tx.Rollback()
	}
	tx.release()
}

// release returns a connection of the transaction's own to the pool, and
// a reader's slot.
func (tx *Tx) release() {
	if tx.slots != nil {
		tx.slots.release()
		tx.slots = nil
	}
	if tx.conn == nil {
		return
	}
	if tx.restoreFK {
		// Not the caller's context: it may be cancelled, and the connection
		// must not go back to the pool with foreign keys off. If the pragma
		// fails the connection is discarded instead.
		if _, err := tx.conn.ExecContext(context.Background(), "PRAGMA foreign_keys = ON"); err != nil {
			_ = tx.conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	tx.conn.Close()
	tx.conn = nil
}

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.cachedStmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.run().ExecContext(ctx, rebind(tx.dialect, query), args...)
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.cachedStmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.run().QueryContext(ctx, rebind(tx.dialect, query), args...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.cachedStmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.run().QueryRowContext(ctx, rebind(tx.dialect, query), args...)
}

// run is what the statements run on: the transaction, or for a read
// outside a transaction (beginReadOutside) the pool.
func (tx *Tx) run() interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
} {
	if tx.tx == nil {
		return tx.pool
	}
	return tx.tx
}

// rebound caches rewritten statements: the set of queries is small and fixed
// (plus the import's few batch shapes), and rewriting is on every call.
var rebound sync.Map // string -> string

// rebind rewrites PostgreSQL's $N placeholders to SQLite's ?N. In SQLite $N
// would be a *named* parameter, numbered by first appearance, so "$2 ... $1"
// would silently swap its arguments; ?N is positional like PostgreSQL's $N.
// Quoted strings and identifiers are left alone.
func rebind(dialect, query string) string {
	if dialect != dialectSQLite || !strings.Contains(query, "$") {
		return query
	}
	if q, ok := rebound.Load(query); ok {
		return q.(string)
	}
	b := []byte(query)
	var quote byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '$' && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '9':
			b[i] = '?'
		}
	}
	q := string(b)
	rebound.Store(query, q)
	return q
}

// micros and fromMicros convert between time.Time and the stored BIGINT.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullMicros converts a nullable stored time.
func nullMicros(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

// preparedStmt is a statement prepared in a transaction.
type preparedStmt = sql.Stmt

func (tx *Tx) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := tx.tx.PrepareContext(ctx, rebind(tx.dialect, query))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: prepare: %w", err)
	}
	return st, nil
}
