package sqlstore_test

import (
	"context"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestCleanGIN checks that PostgreSQL's GIN cleaner finds the three indexes
// whose pending lists it merges (a renamed index would be skipped without a
// word), on a database with writes waiting in them.
func TestCleanGIN(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Dialect() != "postgres" {
			t.Skip("SQLite has no GIN indexes")
		}
		f := newDeskFixture(t, db)
		f.ask(t, f.custA, "TXA1", "", "환불 요청", "결제했는데 아이템이 오지 않았어요")
		n, err := db.CleanGINForTest(context.Background())
		must(t, err)
		if n != 3 {
			t.Fatalf("found %d of the 3 GIN indexes", n)
		}
	})
}
