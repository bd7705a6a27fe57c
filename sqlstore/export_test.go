package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// Exports for the external test package, compiled only into tests.

// RawForTest is the write pool, for checks the services do not offer.
func (db *DB) RawForTest() *sql.DB { return db.write }

// RebindForTest rewrites placeholders for the engine.
func (db *DB) RebindForTest(q string) string { return rebind(db.dialect, q) }

// ExplainPurchasesForTest returns the engine's plan for FindPurchases'
// query, one line per plan row.
func (db *DB) ExplainPurchasesForTest(ctx context.Context, a *vocdesk.Actor, f vocdesk.PurchaseFilter) (string, error) {
	q, args, _, err := purchaseQuery(db.dialect, a, f)
	if err != nil {
		return "", err
	}
	prefix := "EXPLAIN "
	if db.dialect == dialectSQLite {
		prefix = "EXPLAIN QUERY PLAN "
	}
	rows, err := db.read.QueryContext(ctx, rebind(db.dialect, prefix+q), args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		lines = append(lines, strings.TrimSpace(toString(vals[len(vals)-1])))
	}
	return strings.Join(lines, "\n"), rows.Err()
}

func toString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}

// MigrateDownToForTest undoes the migrations above version, for tests of a
// migration's backfill (Migrate then applies them again).
func (db *DB) MigrateDownToForTest(ctx context.Context, version int64) error {
	p, err := db.migrations(ctx)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

// ReadersForTest returns how many reads and streaming reads run at a time.
func (db *DB) ReadersForTest() (readers, streams int) { return cap(db.readers.ch), cap(db.streams.ch) }

// BeginReadForTest starts a read transaction as the services do (a
// streaming one with stream) and returns its end.
func (db *DB) BeginReadForTest(ctx context.Context, stream bool) (func(), error) {
	begin := db.beginRead
	if stream {
		begin = db.beginStream
	}
	tx, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	return tx.Rollback, nil
}

// ReadTwiceForTest runs query (one integer) twice in one read transaction
// as the services begin it (a streaming one with stream), calling between
// in between.
func (db *DB) ReadTwiceForTest(ctx context.Context, stream bool, query string, between func()) (first, second int64, err error) {
	begin := db.beginRead
	if stream {
		begin = db.beginStream
	}
	tx, err := begin(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	if err := tx.queryRow(ctx, query).Scan(&first); err != nil {
		return 0, 0, err
	}
	between()
	err = tx.queryRow(ctx, query).Scan(&second)
	return first, second, err
}

// WriteKeyUsesForTest writes the API key uses not written yet, as Close does.
func (db *DB) WriteKeyUsesForTest(ctx context.Context) error {
	return db.writeKeyUses(ctx, db.keyUses.take(db.now()))
}

// ReadPoolForTest is the read pool.
func (db *DB) ReadPoolForTest() *sql.DB { return db.read }

// ReceiveMailRacedForTest runs the mail intake with its decision made ahead
// (as on SQLite) and between called after that decision and before the
// storing transaction: another delivery racing this one.
func ReceiveMailRacedForTest(ctx context.Context, db *DB, m *vocdesk.InboundMail, decide vocdesk.MailDecider, between func()) (*vocdesk.MailMessage, error) {
	pre := db.preDecide(ctx, m, decide)
	between()
	return storeMail(ctx, db, m, decide, nil, pre)
}

// NewDirectReportServiceForTest is the reports read from inquiry_stats
// alone, never from the daily counters, to compare with.
func NewDirectReportServiceForTest(db *DB) vocdesk.ReportService {
	return &ReportService{db: db, direct: true}
}

// RedoMigrationForTest rolls the schema back to just before version and
// migrates it up again, running version's backfill over the data there is.
func (db *DB) RedoMigrationForTest(ctx context.Context, version int64) error {
	p, err := db.migrations(ctx)
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version-1); err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// StoredRawForTest returns mail id's raw message as stored, with the notes
// of what was cut out of it ("" when nothing was, or before migration 146).
func (db *DB) StoredRawForTest(ctx context.Context, id int64) (raw []byte, cuts string, err error) {
	q := `SELECT raw, cuts FROM mail_raw WHERE mail_id = $1`
	var n int
	if err := db.read.QueryRowContext(ctx, rebind(db.dialect, `SELECT COUNT(*) FROM mail_raw WHERE mail_id = $1 AND cuts IS NOT NULL`), id).Scan(&n); err != nil {
		q = `SELECT raw, '' FROM mail_raw WHERE mail_id = $1`
	}
	err = db.read.QueryRowContext(ctx, rebind(db.dialect, q), id).Scan(&raw, &cuts)
	return raw, cuts, err
}

// StopSearchIndexerForTest stops SQLite's search worker, as if the process
// had ended with documents queued; StartSearchIndexerForTest starts one as
// a new process does.
func (db *DB) StopSearchIndexerForTest() {
	db.search.close()
	db.search = nil
}

func (db *DB) StartSearchIndexerForTest() { db.search = startSearchIndexer(db) }

// CleanGINForTest merges PostgreSQL's GIN pending lists now and says how
// many indexes it found.
func (db *DB) CleanGINForTest(ctx context.Context) (int, error) { return db.cleanGIN(ctx) }
