package sqlstore_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestLedgerReferences holds the database itself to the ledger's
// references, below vocdesk's own checks: SQLite through its foreign keys,
// PostgreSQL through the statement trigger of migrations 00053 and 00055
// and its refusal to delete what purchases refer to.
func TestLedgerReferences(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		p := f.record(t, f.purchase("TX-REF-1", "r1", f.custA, f.appA, "gems", 1200, t0))
		raw := db.RawForTest()
		insert := db.RebindForTest(`INSERT INTO purchases
			(txid, tid, customer_id, developer_id, app_id, item_id, amount, currency, method, paid_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, 100, 'KRW', 'card', 1, 1)`)
		refused := func(what string, err error) {
			t.Helper()
			if err == nil {
				t.Fatalf("%s: the database took it", what)
			}
		}
		_, err := raw.Exec(insert, "TX-REF-2", "r2", 424242, p.DeveloperID, p.AppID, p.ItemID)
		refused("an unknown customer", err)
		_, err = raw.Exec(insert, "TX-REF-2", "r2", f.custA.ID, p.DeveloperID, p.AppID, 424242)
		refused("an unknown item", err)
		_, err = raw.Exec(db.RebindForTest(`DELETE FROM customers WHERE id = $1`), f.custA.ID)
		refused("deleting a customer who bought", err)
		_, err = raw.Exec(db.RebindForTest(`DELETE FROM items WHERE id = $1`), p.ItemID)
		refused("deleting an item bought", err)

		if db.Dialect() != "postgres" {
			return
		}
		// The trigger also holds the item to its app and the app to its
		// developer, which four separate keys never did.
		_, err = raw.Exec(insert, "TX-REF-2", "r2", f.custA.ID, f.devB.ID, p.AppID, p.ItemID)
		if err == nil || !strings.Contains(err.Error(), "TX-REF-2") {
			t.Fatalf("an app of another developer: %v", err)
		}
		// One bad row refuses the whole statement.
		_, err = raw.Exec(`INSERT INTO purchases
			(txid, tid, customer_id, developer_id, app_id, item_id, amount, currency, method, paid_at, created_at)
			VALUES ('TX-REF-3', 'r3', $1, $2, $3, $4, 100, 'KRW', 'card', 1, 1),
			       ('TX-REF-4', 'r4', 424242, $2, $3, $4, 100, 'KRW', 'card', 1, 1)`, f.custA.ID, p.DeveloperID, p.AppID, p.ItemID)
		// It names the row, though the check looks customers up once each.
		if err == nil || !strings.Contains(err.Error(), "purchase TX-REF-4: customer 424242 does not exist") {
			t.Fatalf("a batch with one unknown customer: %v", err)
		}
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM purchases WHERE txid IN ('TX-REF-3', 'TX-REF-4')`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("the refused batch left %d rows (%v)", n, err)
		}
		_, err = raw.Exec(`UPDATE purchases SET customer_id = $1 WHERE id = $2`, f.custB.ID, p.ID)
		refused("moving a purchase to another customer", err)
		// A customer with no purchases is kept too: no parent is deleted, so
		// no insert needs to lock one.
		_, err = raw.Exec(`DELETE FROM customers WHERE id = $1`, f.custB.ID)
		refused("deleting a customer", err)
		_, err = raw.Exec(`TRUNCATE apps CASCADE`)
		refused("truncating apps", err)
		// A refund's update of the same row still goes through.
		if _, err := raw.Exec(`UPDATE purchases SET refunded = 100, status = 'partially_refunded' WHERE id = $1`, p.ID); err != nil {
			t.Fatalf("a refund's update: %v", err)
		}
		// Down gives the four keys back over the same rows, and up again.
		ctx := t.Context()
		must(t, db.MigrateDownToForTest(ctx, 52))
		_, err = raw.Exec(insert, "TX-REF-5", "r5", 424242, p.DeveloperID, p.AppID, p.ItemID)
		if err == nil || !strings.Contains(err.Error(), "purchases_customer_id_fkey") {
			t.Fatalf("after down, an unknown customer: %v", err)
		}
		must(t, db.Migrate(ctx))
		_, err = raw.Exec(insert, "TX-REF-5", "r5", 424242, p.DeveloperID, p.AppID, p.ItemID)
		if err == nil || !strings.Contains(err.Error(), "customer 424242 does not exist") {
			t.Fatalf("after up again, an unknown customer: %v", err)
		}
	})
}

// TestIdentifiersCompareAsBytes: txids and tids sort byte by byte on both
// engines (SQLite's BINARY; on PostgreSQL the "C" collation of migration
// 00057 on every column compared with them), whatever the server's locale.
// Under en_US.UTF-8 "a-1" would sort before "B-1".
func TestIdentifiersCompareAsBytes(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		for _, id := range []string{"a-1", "B-1", "_-1"} {
			f.record(t, f.purchase("TX-"+id, id, f.custA, f.appA, "gems", 1200, t0))
		}
		raw := db.RawForTest()
		for _, col := range []string{"txid", "tid"} {
			got := queryStrings(t, raw, `SELECT `+col+` FROM purchases WHERE txid LIKE 'TX-%' ORDER BY `+col)
			if want := "B-1 _-1 a-1"; strings.ReplaceAll(strings.Join(got, " "), "TX-", "") != want {
				t.Errorf("ORDER BY %s: %q, want %s", col, got, want)
			}
		}
		if db.Dialect() != "postgres" {
			return
		}
		local := queryStrings(t, raw, `SELECT table_name || '.' || column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND column_name IN ('txid', 'tid', 'purchase_txid')
			AND COALESCE(collation_name, '') <> 'C' ORDER BY 1`)
		if len(local) > 0 {
			t.Errorf("identifier columns under the locale's collation: %v", local)
		}
	})
}

// queryStrings runs a query of one text column and returns its values.
func queryStrings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		must(t, rows.Scan(&s))
		out = append(out, s)
	}
	must(t, rows.Err())
	return out
}
