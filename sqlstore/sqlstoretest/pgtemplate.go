package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vocdesk/vocdesk/sqlstore"
)

// pgTemplates holds, per server URL, the name of a migrated, empty
// PostgreSQL database that tests copy (CREATE DATABASE ... TEMPLATE), made
// at most once per test process. Migrating a schema from nothing costs a
// second or more (150 migrations, each its own transaction and round
// trips); copying a database of the same shape costs about a seventh of
// that, and every storage, web and browser test wants a fresh one. Package
// state for the same reason as the SQLite template's (template.go).
var pgTemplates struct {
	mu    sync.Mutex
	names map[string]string
}

// newPostgresDatabase creates a migrated, empty database on the server at
// baseURL, a copy of the template, and returns a URL for it. The database
// is dropped in tb.Cleanup, ending any connection still open to it.
//
// A role that may not create databases (a shared server's test account)
// gets an empty schema of its own instead (NewPostgresSchema), which the
// caller migrates: slower, never refused.
func newPostgresDatabase(tb testing.TB, baseURL string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := sql.Open("pgx", baseURL)
	if err != nil {
		tb.Fatalf("sqlstoretest: %v", err)
	}
	name := "test_" + randomHex(8)
	template, err := pgTemplate(ctx, admin, baseURL)
	if err == nil {
		_, err = admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template)
	}
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "42501" { // insufficient_privilege
		admin.Close()
		dsn, _ := NewPostgresSchema(tb, baseURL)
		return dsn
	}
	if err != nil {
		admin.Close()
		tb.Fatalf("sqlstoretest: copy the migrated template: %v", err)
	}
	dropAtCleanup(tb, admin, "DROP DATABASE "+name+" WITH (FORCE)")
	dsn, err := testURL(baseURL, name, "")
	if err != nil {
		tb.Fatalf("sqlstoretest: %s: %v", EnvPostgres, err)
	}
	return dsn
}

// pgTemplate returns the name of the template database for this build's
// migrations on the server at baseURL, making it if no process has yet.
func pgTemplate(ctx context.Context, admin *sql.DB, baseURL string) (string, error) {
	pgTemplates.mu.Lock()
	defer pgTemplates.mu.Unlock()
	if name, ok := pgTemplates.names[baseURL]; ok {
		return name, nil
	}
	name, err := makePGTemplate(ctx, admin, baseURL)
	if err != nil {
		return "", err // not kept: a refusal is asked again, a statement or two
	}
	if pgTemplates.names == nil {
		pgTemplates.names = map[string]string{}
	}
	pgTemplates.names[baseURL] = name
	return name, nil
}

// makePGTemplate finds or makes the template. Its name holds the digest of
// the migrations (sqlstore.MigrationsDigest), so test processes of one
// build share it, across runs too, and a build whose migrations differ
// makes its own. It is migrated under a name of its own and renamed when
// done: a template under the shared name is always whole, even if a
// process dies while making one, and of two processes making it at once
// the second to rename drops its copy and uses the first's.
func makePGTemplate(ctx context.Context, admin *sql.DB, baseURL string) (string, error) {
	digest, err := sqlstore.MigrationsDigest(baseURL)
	if err != nil {
		return "", err
	}
	name := "vocdesk_template_" + digest[:16]
	var found int
	err = admin.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&found)
	if err != nil || found == 1 {
		return name, err
	}

	building := name + "_" + randomHex(4)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	if err := migrateDatabase(ctx, baseURL, building); err != nil {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
		return "", err
	}
	// RENAME waits (as CREATE DATABASE ... TEMPLATE does) for the closed
	// pool's server processes to exit.
	_, err = admin.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name)
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "42P04" { // duplicate_database
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
		return name, nil
	}
	if err != nil {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
		return "", err
	}
	return name, nil
}

// migrateDatabase migrates the database named name on the server at
// baseURL and closes every connection to it.
func migrateDatabase(ctx context.Context, baseURL, name string) error {
	dsn, err := testURL(baseURL, name, "")
	if err != nil {
		return err
	}
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return fmt.Errorf("migrate: %w", err)
	}
	return db.Close()
}

// randomHex is n random bytes in lower-case hex: a name no other test
// process picks.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// dropAtCleanup runs drop on admin when the test ends, then closes admin.
func dropAtCleanup(tb testing.TB, admin *sql.DB, drop string) {
	tb.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, drop); err != nil {
			tb.Errorf("sqlstoretest: %s: %v", drop, err)
		}
	})
}
