package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
)

// Migrations live in one folder per dialect, numbered so that later issues
// can add theirs without renumbering: the foundation holds 00001-00009 and
// each later part takes a decade of its own (jobs 00010, the desk 00020,
// refunds 00030, ...).
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationsFS embed.FS

// Migrate applies every pending migration, each in its own transaction. It is
// idempotent, and safe when several processes start at once: on PostgreSQL a
// session advisory lock serialises them; on SQLite the loser of a race finds
// the migration applied and retries.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.migrations(ctx)
	if err != nil {
		return err
	}
	// SQLite has no session lock to share between processes, but every
	// migration runs in a BEGIN IMMEDIATE transaction: two processes racing
	// apply it one after the other, and the second fails (the tables exist).
	// Running Up again then finds it applied.
	for attempt := 0; ; attempt++ {
		_, err = p.Up(ctx)
		if err == nil || db.dialect == dialectPostgres || attempt == 4 {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 20 * time.Millisecond):
		}
	}
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	// The search worker's first round may have found no queue to read.
	db.search.wake()
	return nil
}

// MigrationsDigest is a digest of every migration this build holds for the
// engine of dsn (its SQL files, and the versions of those written in Go):
// two builds with the same digest migrate an empty database to the same
// schema. Tests name the migrated database they copy by it.
func MigrationsDigest(dsn string) (string, error) {
	dialect := dialectOf(dsn)
	sub, err := fs.Sub(migrationsFS, "migrations/"+dialect)
	if err != nil {
		return "", fmt.Errorf("sqlstore: migrations: %w", err)
	}
	h := sha256.New()
	// fs.WalkDir visits names in lexical order, so the digest is stable.
	err = fs.WalkDir(sub, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("sqlstore: migrations: %w", err)
	}
	for _, m := range (&DB{dialect: dialect}).goMigrations() {
		fmt.Fprintf(h, "go %d\n", m.Version)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// migrations is goose's provider for the engine's migrations, holding
// PostgreSQL's advisory lock (lockID) while it changes the schema.
func (db *DB) migrations(ctx context.Context) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationsFS, "migrations/"+db.dialect)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations: %w", err)
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(db.goMigrations()...)}
	dialect := goose.DialectSQLite3
	if db.dialect == dialectPostgres {
		dialect = goose.DialectPostgres
		id, err := db.lockID(ctx)
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(advisoryLock(id)))
	}
	p, err := goose.NewProvider(dialect, db.write, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations: %w", err)
	}
	return p, nil
}

// lockID names the advisory lock after the current schema, so processes
// migrating the same schema queue while tests in schemas of their own do not.
func (db *DB) lockID(ctx context.Context) (int64, error) {
	var schema string
	if err := db.write.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return 0, fmt.Errorf("sqlstore: current schema: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("vocdesk migrations " + schema))
	return int64(h.Sum64()), nil
}

// advisoryLock is goose's SessionLocker as a blocking pg_advisory_lock:
// goose's own polls every few seconds, which slows every start that waits.
type advisoryLock int64

func (l advisoryLock) SessionLock(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", int64(l)); err != nil {
		return fmt.Errorf("sqlstore: migration lock: %w", err)
	}
	return nil
}

func (l advisoryLock) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", int64(l)); err != nil {
		return fmt.Errorf("sqlstore: migration unlock: %w", err)
	}
	return nil
}
