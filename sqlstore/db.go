// Package sqlstore implements vocdesk's services on SQLite (the embedded
// default, pure Go) and PostgreSQL (to scale out), through database/sql.
//
// SQL is written once, in PostgreSQL's $N placeholder style; rebind turns it
// into SQLite's ?N. Times are BIGINT unix microseconds (UTC) on both engines
// and money is BIGINT minor units beside a TEXT currency, so one code path
// reads and writes both. Tenancy is decided in scope.go and nowhere else.
package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"time"

	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers "pgx"
	_ "modernc.org/sqlite"           // registers "sqlite"
)

const (
	dialectSQLite   = "sqlite"
	dialectPostgres = "postgres"
)

// DB is an open vocdesk database.
//
// On SQLite it holds two pools, as pocketbase does: several read-only
// connections, and one write connection whose transactions begin IMMEDIATE,
// so writers queue in Go instead of failing with SQLITE_BUSY halfway through
// a transaction. On PostgreSQL both are the same pool.
type DB struct {
	read    *sql.DB
	write   *sql.DB
	dialect string

	// Now is the clock every transaction reads its time from; tests set it.
	Now func() time.Time

	// jobsWake is signalled after a commit that enqueued a job (JobQueue.Wake).
	jobsWake chan struct{}

	// group batches RecordPurchase's SQLite transactions (groupcommit.go).
	group groupCommit
	// stmts and readStmts are statements prepared once on SQLite's write
	// and read pools (stmtcache.go).
	stmts, readStmts stmtCache
	// readers lets reads run in arrival order, a few at a time (readers.go);
	// streams does the same for reads that last as long as a download
	// (beginStream). Together they have no more slots than there are read
	// connections.
	readers, streams *readerSlots
	// keyUses holds API keys' uses until they are written (apikey_use.go).
	keyUses keyUses
	// generic is PostgreSQL's pool for the desk's hot reads, whose sessions
	// plan statements generically (beginReadGeneric); nil on SQLite.
	generic *sql.DB
	// checkpoints copies SQLite's WAL into the database file beside the
	// writer (checkpoint.go); nil on PostgreSQL.
	checkpoints *checkpointer
	// auditIndex keeps the free-text indexes current after commits that
	// audited: on SQLite it adds the new audit entries to audit_text
	// (audit_text_index.go), on PostgreSQL it merges the GIN indexes'
	// pending lists (gin_clean.go).
	auditIndex *worker
	// search writes SQLite's search documents after the changes that
	// queue them, and holds searches until it has (search_later.go); nil
	// on PostgreSQL.
	search *searchIndexer
	// rules caches each developer's compiled rule set (rule_set.go).
	rules ruleCache
	// reviewPages keeps the first pages of reviews (review_page_cache.go),
	// told of changes by reviewFeed (review_page_feed.go), which listens
	// on PostgreSQL with listenConfig and polls SQLite on pollDSN.
	reviewPages  *reviewPages
	reviewFeed   reviewPageFeed
	listenConfig *pgconn.Config
	pollDSN      string
	// RuleTiming, when set, is told how long each event's rules took in
	// its transaction (the rule set's check, evaluation and actions; for
	// a creation, with its own audit entry, which the rules' writes carry
	// when some ran): bench/rules reads it to measure what rules add to a
	// creation.
	RuleTiming func(time.Duration)
}

// Open opens the database named by dsn: a file path or "sqlite:PATH" for
// SQLite, a "postgres://" or "postgresql://" URL for PostgreSQL. It does not
// migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("sqlstore: empty database name")
	}
	db := &DB{Now: time.Now, jobsWake: make(chan struct{}, 1)}
	db.group.db = db
	var err error
	if dialectOf(dsn) == dialectPostgres {
		err = db.openPostgres(dsn)
	} else {
		err = db.openSQLite(strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//"))
	}
	if err != nil {
		return nil, err
	}
	db.reviewPages = db.newReviewPages()
	if err := db.Ping(ctx); err != nil {
		db.Close()
		if db.dialect == dialectSQLite {
			return nil, explainSQLiteOpen(dsn, err)
		}
		return nil, err
	}
	if db.dialect == dialectSQLite {
		// Once the file is in WAL (Ping): its first round opens a reader.
		db.search = startSearchIndexer(db)
	}
	return db, nil
}

// dialectOf says which engine a database name is for.
func dialectOf(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return dialectPostgres
	}
	return dialectSQLite
}

// pgReaders is how many reads a process runs on PostgreSQL at a time; the
// others wait their turn (readers.go). At 64 concurrent inbox clients on a
// 2-core machine, 8 at a time answered a fifth faster, with a third of the
// p99, than 16 (and 32 on a random handout had a p99 five times the
// median); 4 was no better than 8. It is also the generic pool's size.
const pgReaders = 8

// streamReaders is how many reads that stream a download (beginStream) run
// at a time, beside the readers: a slow client holds its read for as long
// as it takes to receive the file, and must not hold up everyone's pages.
const streamReaders = 2

func (db *DB) openPostgres(dsn string) error {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("sqlstore: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(16)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		pool.Close()
		return fmt.Errorf("sqlstore: open postgres: %w", err)
	}
	db.listenConfig = cfg.Config.Copy()
	cfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	generic := stdlib.OpenDB(*cfg)
	generic.SetMaxOpenConns(pgReaders)
	generic.SetMaxIdleConns(pgReaders)
	generic.SetConnMaxIdleTime(5 * time.Minute)
	db.read, db.write, db.generic, db.dialect = pool, pool, generic, dialectPostgres
	db.readers, db.streams = newReaderSlots(pgReaders), newReaderSlots(streamReaders)
	db.auditIndex = startGINCleaner(db)
	return nil
}

func (db *DB) openSQLite(path string) error {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file::memory:") {
		// Two pools on one in-memory database would be two databases.
		return errors.New("sqlstore: SQLite needs a file path (in-memory databases are not supported)")
	}
	path, query, _ := strings.Cut(path, "?")
	params, err := url.ParseQuery(query)
	if err != nil {
		return fmt.Errorf("sqlstore: sqlite dsn: %w", err)
	}
	// busy_timeout goes first (the driver orders it so), then WAL so readers
	// never block the writer, NORMAL sync (safe in WAL: a crash loses at most
	// the last commits, never corrupts), and foreign keys, which SQLite leaves
	// off by default.
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(ON)"} {
		params.Add("_pragma", p)
	}
	// The writer gets a large page cache (64 MiB): a big import touches
	// index pages all over the file, and with SQLite's 2 MiB default it
	// spends its time spilling and re-reading them. Temporary files live in
	// memory: a multi-row INSERT keeps a statement journal of every page it
	// touches, and writing it to a temporary file was a seventh of an
	// import's time. The WAL is copied back into the database by the
	// checkpointer (checkpoint.go); the writer does it itself only once the
	// WAL has 40,000 pages (160 MB), where an import's batches, which
	// follow each other with no pause for the WAL to start over, take it:
	// by then the checkpointer has copied all but the last batch. Before,
	// with no checkpointer and the writer copying every 10,000 pages, an
	// import was 5-11% slower (median 9%, 5 alternating runs of 1M rows;
	// the writer at 10,000 beside the checkpointer: 3%). The WAL file
	// keeps the largest size it grew to (about 160 MB after a large import)
	// and is reused from its start; cutting it back each time it starts
	// over (journal_size_limit) made imports slower again.
	wparams := cloneValues(params)
	wparams.Set("_txlock", "immediate")
	wparams.Add("_pragma", "cache_size(-65536)")
	wparams.Add("_pragma", "temp_store(MEMORY)")
	wparams.Add("_pragma", "wal_autocheckpoint(40000)")
	write, err := sql.Open("sqlite", path+"?"+wparams.Encode())
	if err != nil {
		return fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	// Readers map the file (the first 2 GiB, modernc's build's limit) and
	// read pages from the mapping: a read from the file is a system call
	// and a copy into the page cache, and every commit empties every
	// reader's page cache. At 64 clients on 2 cores the inbox answered
	// 1.3-1.9 times as many pages with it, read-only or with 50 writes a
	// second, the inquiry view 1.4-1.5 times. A DSN's own mmap_size wins. An
	// I/O error on a mapped page ends the process (SIGBUS) instead of
	// failing the read: fine on a local disk, the only kind SQLite's WAL
	// supports anyway.
	rparams := cloneValues(params)
	rparams.Add("_pragma", "query_only(1)")
	rparams.Add("_pragma", "cache_size(-16384)")
	if !slices.ContainsFunc(params["_pragma"], func(p string) bool { return strings.HasPrefix(strings.ToLower(p), "mmap_size") }) {
		rparams.Add("_pragma", "mmap_size(2147418112)")
	}
	read, err := sql.Open("sqlite", path+"?"+rparams.Encode())
	if err != nil {
		write.Close()
		return fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	// A reader per core, and one more: SQLite runs in the caller's
	// goroutine, so readers beyond the cores only contend for the CPU and
	// for modernc's mutexes, while the one more keeps the cores busy when a
	// reader waits for a page from the file. At 64 clients on 2 cores, 3
	// readers answered 5-15% more inbox pages per second than 4, and as
	// many inquiry views (2 readers: the inbox as fast as 3, the view a
	// third slower).
	n := runtime.NumCPU() + 1
	read.SetMaxOpenConns(n + streamReaders)
	read.SetMaxIdleConns(n + streamReaders)
	read.SetConnMaxIdleTime(0)
	// The checkpointer's one connection is a reader's: a checkpoint
	// writes the database file but is no write transaction.
	ckpt, err := sql.Open("sqlite", path+"?"+rparams.Encode())
	if err != nil {
		write.Close()
		read.Close()
		return fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	ckpt.SetMaxOpenConns(1)
	ckpt.SetMaxIdleConns(1)
	ckpt.SetConnMaxIdleTime(0)
	db.checkpoints = startCheckpointer(ckpt)
	db.pollDSN = path + "?" + rparams.Encode()
	db.read, db.write, db.dialect = read, write, dialectSQLite
	db.stmts.pool, db.readStmts.pool = write, read
	db.stmts.max, db.readStmts.max = maxWriteStmts, maxReadStmts
	db.readers, db.streams = newReaderSlots(n), newReaderSlots(streamReaders)
	db.auditIndex = startAuditIndexer(db)
	return nil
}

func cloneValues(v url.Values) url.Values {
	c := make(url.Values, len(v))
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// Dialect names the engine: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect }

// Ping checks that the database answers; it backs /readyz.
func (db *DB) Ping(ctx context.Context) error {
	// The write pool first: on a new SQLite file it is the connection that
	// switches the file to WAL before readers open it.
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: ping: %w", err)
	}
	if db.read != db.write {
		if err := db.read.PingContext(ctx); err != nil {
			return fmt.Errorf("sqlstore: ping: %w", err)
		}
	}
	return nil
}

// Close closes the pools.
func (db *DB) Close() error {
	var errs []error
	db.reviewFeed.stop()
	if db.write != nil {
		errs = append(errs, db.writeKeyUses(context.Background(), db.keyUses.take(db.now())))
	}
	if db.auditIndex != nil {
		db.auditIndex.close()
	}
	db.search.close()
	if db.checkpoints != nil {
		errs = append(errs, db.checkpoints.close())
	}
	if db.read != nil && db.read != db.write {
		errs = append(errs, db.read.Close())
	}
	if db.generic != nil {
		errs = append(errs, db.generic.Close())
	}
	errs = append(errs, db.stmts.close(), db.readStmts.close())
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	return errors.Join(errs...)
}

// now is the current time as stored: UTC, truncated to microseconds.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }
