package sqlstore_test

import (
	"context"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestAnalyze gathers statistics on both engines; on SQLite the row
// estimates stay and the sampled key values go.
func TestAnalyze(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		gen := market(t, db, false)
		svc := sqlstore.NewPurchaseService(db)
		var batch []*vocdesk.Purchase
		for i := range 500 {
			batch = append(batch, gen(i))
		}
		if _, err := svc.ImportPurchases(asOperator(), batch); err != nil {
			t.Fatal(err)
		}
		for range 2 { // again on gathered statistics
			if err := db.Analyze(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if db.Dialect() != "sqlite" {
			return
		}
		var stat1, stat4 int
		if err := db.RawForTest().QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'purchases'`).Scan(&stat1); err != nil {
			t.Fatal(err)
		}
		if err := db.RawForTest().QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat4`).Scan(&stat4); err != nil {
			t.Fatal(err)
		}
		if stat1 == 0 || stat4 != 0 {
			t.Errorf("sqlite_stat1 rows for purchases = %d (want some), sqlite_stat4 rows = %d (want 0)", stat1, stat4)
		}
	})
}
