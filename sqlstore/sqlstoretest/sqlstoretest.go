// Package sqlstoretest opens real, migrated, empty vocdesk databases for
// tests: SQLite in a temp dir always, and PostgreSQL when
// VOCDESK_TEST_POSTGRES holds a URL, each test in a database of its own.
package sqlstoretest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore"
)

// EnvPostgres names the variable that holds a PostgreSQL URL for tests.
const EnvPostgres = "VOCDESK_TEST_POSTGRES"

// Open returns a migrated, empty database closed at the end of the test: an
// SQLite file in a temp dir, or, when VOCDESK_TEST_POSTGRES is set, a fresh
// PostgreSQL database dropped at the end of the test.
func Open(tb testing.TB) *sqlstore.DB {
	tb.Helper()
	if u := os.Getenv(EnvPostgres); u != "" {
		return OpenPostgres(tb, u)
	}
	return OpenSQLite(tb)
}

// OpenSQLite returns a migrated, empty SQLite database in a temp dir: a
// copy of the process's migrated template (template.go), which Migrate then
// finds current.
func OpenSQLite(tb testing.TB) *sqlstore.DB {
	tb.Helper()
	return open(tb, SQLiteFile(tb))
}

// SQLiteFile writes a copy of the process's migrated template to a new
// file in a temp dir and returns its path, for tests that open and close
// the database themselves.
func SQLiteFile(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "vocdesk.db")
	if err := os.WriteFile(path, sqliteTemplate(tb), 0o600); err != nil {
		tb.Fatalf("sqlstoretest: %v", err)
	}
	return path
}

// OpenPostgres returns a migrated, empty database of its own on the
// PostgreSQL server at baseURL (a copy of a migrated template,
// pgtemplate.go), dropped in tb.Cleanup.
func OpenPostgres(tb testing.TB, baseURL string) *sqlstore.DB {
	tb.Helper()
	return open(tb, newPostgresDatabase(tb, baseURL))
}

// NewPostgresSchema creates an empty schema with a random name in the
// database at baseURL and returns a URL whose connections use it (through
// search_path) and the schema's name. The schema is dropped in tb.Cleanup.
// Tests that open the database themselves (several processes, migrations)
// use it directly.
func NewPostgresSchema(tb testing.TB, baseURL string) (dsn, schema string) {
	tb.Helper()
	schema = "test_" + randomHex(8)

	admin, err := sql.Open("pgx", baseURL)
	if err != nil {
		tb.Fatalf("sqlstoretest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		tb.Fatalf("sqlstoretest: create schema: %v", err)
	}
	dropAtCleanup(tb, admin, "DROP SCHEMA "+schema+" CASCADE")

	dsn, err = testURL(baseURL, "", schema)
	if err != nil {
		tb.Fatalf("sqlstoretest: %s: %v", EnvPostgres, err)
	}
	return dsn, schema
}

// testURL is baseURL for a test's connections: to database instead of its
// own when not "", with search_path set to schema when not "".
func testURL(baseURL, database, schema string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", err
	}
	if database != "" {
		u.Path = "/" + database
	}
	q := u.Query()
	if schema != "" {
		q.Set("search_path", schema)
	}
	// A commit need not wait for the WAL's flush: the tests stop vocdesk's
	// processes, never the server, and a committed transaction is visible
	// to every later one either way. Migrating a schema takes half as long.
	if !q.Has("synchronous_commit") {
		q.Set("synchronous_commit", "off")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func open(tb testing.TB, dsn string) *sqlstore.DB {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("sqlstoretest: open: %v", err)
	}
	// Cleanups run last-in first-out: the pools close before the schema
	// they use is dropped.
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("sqlstoretest: migrate: %v", err)
	}
	return db
}

// Engines runs fn as the subtest "sqlite" and, when VOCDESK_TEST_POSTGRES is
// set, as the subtest "postgres", each with a migrated, empty database: one
// suite, both engines. The two run side by side (t.Parallel), once the
// calling test's function has returned: SQLite's work is the process's
// CPU, PostgreSQL's mostly waiting on the server, so together they take
// little longer than one. fn must not share mutable state between them.
func Engines(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, OpenSQLite(t))
	})
	if u := os.Getenv(EnvPostgres); u != "" {
		t.Run("postgres", func(t *testing.T) {
			t.Parallel()
			fn(t, OpenPostgres(t, u))
		})
	}
}

// EnginesInTurn is Engines with the two subtests one after the other, for
// an fn that carries state from one engine's run to the next's or shares
// it between them (a table of scenarios whose closures keep a token or an
// id for the scenarios after them).
func EnginesInTurn(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	if u := os.Getenv(EnvPostgres); u != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t, u)) })
	}
}
