package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// Downloads that stream (the reconciliation export) read in slots of their
// own: with every stream held by a slow client, every reader slot still
// gets a connection at once, and the slots of each kind are still bounded.
func TestStreamsBesideReaders(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		readers, streams := db.ReadersForTest()
		var ends []func()
		defer func() {
			for _, end := range ends {
				end()
			}
		}()
		hold := func(stream bool, n int) {
			t.Helper()
			type began struct {
				end func()
				err error
			}
			for range n {
				// The context lasts as long as the read: database/sql ends a
				// transaction when its context ends.
				ctx, cancel := context.WithCancel(context.Background())
				ends = append(ends, cancel)
				ch := make(chan began, 1)
				go func() {
					end, err := db.BeginReadForTest(ctx, stream)
					ch <- began{end, err}
				}()
				select {
				case b := <-ch:
					if b.err != nil {
						t.Fatalf("read %d (stream %v): %v", len(ends), stream, b.err)
					}
					ends = append(ends, b.end)
				case <-time.After(2 * time.Second):
					t.Fatalf("read %d (stream %v) waited with a slot free", len(ends), stream)
				}
			}
		}
		waits := func(stream bool) {
			t.Helper()
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			if _, err := db.BeginReadForTest(ctx, stream); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("read (stream %v) with every slot taken: %v, want it to wait", stream, err)
			}
		}
		hold(true, streams)
		waits(true)
		hold(false, readers)
		waits(false)
	})
}

// A read transaction's statements all see one snapshot, on PostgreSQL
// too, whose default (read committed) gives each statement its own: a
// commit between two statements of a page's read (an inquiry and its
// thread) must not show in the second.
func TestReadIsOneSnapshot(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		day := 0
		for _, stream := range []bool{false, true} {
			first, second, err := db.ReadTwiceForTest(ctx, stream, `SELECT COUNT(*) FROM holidays`, func() {
				day++
				_, err := db.RawForTest().ExecContext(ctx, db.RebindForTest(`INSERT INTO holidays (day, name) VALUES ($1, 'snapshot test')`),
					fmt.Sprintf("2099-01-%02d", day))
				must(t, err)
			})
			must(t, err)
			if first != second {
				t.Fatalf("stream %v: the read's second statement saw %d holidays, its first %d: a commit in between showed", stream, second, first)
			}
		}
	})
}

// SQLite readers read pages from a mapping of the file (the largest modernc
// allows), unless the DSN says otherwise; the writer does not map it.
func TestReadersMapTheFile(t *testing.T) {
	ctx := context.Background()
	mmap := func(db *sql.DB) int64 {
		t.Helper()
		var n int64
		if err := db.QueryRowContext(ctx, "PRAGMA mmap_size").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	path := filepath.Join(t.TempDir(), "map.db")
	for _, tc := range []struct {
		dsn  string
		want int64
	}{
		{path, 2147418112},
		{path + "?_pragma=mmap_size(0)", 0},
	} {
		db, err := sqlstore.Open(ctx, tc.dsn)
		if err != nil {
			t.Fatal(err)
		}
		if got := mmap(db.ReadPoolForTest()); got != tc.want {
			t.Errorf("%s: readers map %d bytes, want %d", tc.dsn, got, tc.want)
		}
		if got := mmap(db.RawForTest()); got != 0 {
			t.Errorf("%s: the writer maps %d bytes", tc.dsn, got)
		}
		db.Close()
	}
}
