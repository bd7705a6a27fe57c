package sqlstoretest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore"
)

// migrated holds the bytes of a migrated, empty SQLite database, made once
// per test process. Migrating from nothing costs more than a second under
// the race detector and hundreds of tests each want a fresh database;
// writing a copy costs a millisecond. It is package state (the one place
// here that is) because what it caches is the test process's, and it never
// changes once made.
var migrated struct {
	once sync.Once
	file []byte
	err  error
}

// sqliteTemplate returns the migrated database's bytes, making them on the
// first call.
func sqliteTemplate(tb testing.TB) []byte {
	tb.Helper()
	migrated.once.Do(func() { migrated.file, migrated.err = makeSQLiteTemplate() })
	if migrated.err != nil {
		tb.Fatalf("sqlstoretest: template: %v", migrated.err)
	}
	return migrated.file
}

// makeSQLiteTemplate migrates a database in a scratch dir and reads it back
// whole. Closing the last connection checkpoints the WAL into the main file
// and removes it, so the one file is the whole database; a WAL left behind
// would mean it is not, and is an error rather than a silently older copy.
func makeSQLiteTemplate() ([]byte, error) {
	dir, err := os.MkdirTemp("", "vocdesk-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "vocdesk.db")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("%s-wal left with %d bytes after close", path, fi.Size())
	}
	return os.ReadFile(path)
}
