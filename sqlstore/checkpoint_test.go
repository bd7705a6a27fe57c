package sqlstore_test

import (
	"os"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestCheckpointsBesideTheWriter: on SQLite, what the writer commits reaches
// the database file without the writer copying it there (its own
// checkpoint waits for 40,000 pages of WAL, far more than this writes).
func TestCheckpointsBesideTheWriter(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	raw := db.RawForTest()
	var seq int
	var name, path string
	if err := raw.QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &path); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	// Let the checkpointer copy what the migrations wrote, then write 4 MB.
	time.Sleep(500 * time.Millisecond)
	before := size()
	_, err := raw.Exec(`CREATE TABLE scratch (b BLOB)`)
	must(t, err)
	_, err = raw.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
		INSERT INTO scratch SELECT randomblob(4000) FROM n`)
	must(t, err)
	const grown = 1000 * 4000
	deadline := time.Now().Add(10 * time.Second)
	for size() < before+grown {
		if time.Now().After(deadline) {
			t.Fatalf("the database file stayed at %d bytes (from %d) with %d bytes committed", size(), before, grown)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
