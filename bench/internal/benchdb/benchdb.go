// Package benchdb gives the benchmarks a fresh, empty database.
package benchdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"github.com/vocdesk/vocdesk/sqlstore"
)

// Fresh returns the DSN of a new database for engine ("sqlite" or
// "postgres") and a cleanup that removes it: an SQLite file in a temp dir,
// or a new schema named name_<random> on the PostgreSQL server at pgURL.
func Fresh(engine, pgURL, name string) (string, func(), error) {
	if engine == "sqlite" {
		dir, err := os.MkdirTemp("", "bench-"+name)
		if err != nil {
			return "", nil, err
		}
		return filepath.Join(dir, "bench.db"), func() { os.RemoveAll(dir) }, nil
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "bench_" + name + "_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", pgURL)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, err := url.Parse(pgURL)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() }, nil
}

// Open is Fresh, opened and migrated: the database a benchmark runs on, and
// a cleanup that closes and removes it.
func Open(ctx context.Context, engine, pgURL, name string) (*sqlstore.DB, func(), error) {
	dsn, drop, err := Fresh(engine, pgURL, name)
	if err != nil {
		return nil, nil, err
	}
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		drop()
		return nil, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		drop()
		return nil, nil, err
	}
	return db, func() { db.Close(); drop() }, nil
}
