package sqlstore_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestCloseLeavesNoWAL closes SQLite databases while the search worker is in
// a round, and checks that each close removed the WAL: the last connection
// to close copies it into the file and removes it, unless a connection is
// still out. A background run cancelled by close had database/sql hand its
// connection back after close returned (2-3 of 30 closes here, and a test
// template in CI); close now lets the run end on its own.
func TestCloseLeavesNoWAL(t *testing.T) {
	ctx := context.Background()
	for i := range 40 {
		path := sqlstoretest.SQLiteFile(t) // migrated: each close is what is tested
		db, err := sqlstore.Open(ctx, path)
		must(t, err)
		must(t, db.Migrate(ctx))
		// Rows of inquiries that do not exist: each round takes 64 and
		// removes their documents, so the worker is busy when close comes.
		_, err = db.RawForTest().ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
			INSERT INTO search_pending (inquiry_id) SELECT 1000000 + i FROM n`)
		must(t, err)
		db.StopSearchIndexerForTest()
		db.StartSearchIndexerForTest()
		time.Sleep(time.Duration(i%5) * time.Millisecond)
		must(t, db.Close())
		if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
			t.Fatalf("close %d left the WAL with %d bytes", i, fi.Size())
		}
	}
}
