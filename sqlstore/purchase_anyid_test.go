package sqlstore_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestAnyIDSearch finds purchases by each kind of id a customer quotes,
// exact match, scoped: a developer finds its own apps' purchases only,
// and another developer's customer's email finds nothing.
func TestAnyIDSearch(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		f.record(t, f.purchase("TX-ANY-1", "order-77", f.custA, f.appA, "gems", 1200, t0))
		f.record(t, f.purchase("TX-ANY-2", "order-78", f.custA, f.appA, "gems", 3300, t0.Add(time.Hour)))
		f.record(t, f.purchase("TX-ANY-3", "order-77", f.custA, f.appB, "gems", 990, t0.Add(2*time.Hour)))
		f.record(t, f.purchase("TX-ANY-4", "b-1", f.custB, f.appB, "gems", 500, t0))
		// A customer whose customer id is another's TxID-like number does
		// not confuse the search: "order-77" is a TID of both developers.
		find := func(ctx context.Context, q string) []string {
			t.Helper()
			ps, _, err := f.purchases.FindPurchases(ctx, vocdesk.PurchaseFilter{Q: q})
			must(t, err)
			var out []string
			for _, p := range ps {
				out = append(out, p.TxID)
			}
			slices.Sort(out)
			return out
		}
		op, devA, devB := asOperator(), asDeveloper(f.devA, vocdesk.RoleViewer), asDeveloper(f.devB, vocdesk.RoleAgent)
		idA := strconv.FormatInt(f.custA.ID, 10)
		for _, c := range []struct {
			ctx  context.Context
			who  string
			q    string
			want []string
		}{
			{op, "operator", "TX-ANY-3", []string{"TX-ANY-3"}},
			{op, "operator", "order-77", []string{"TX-ANY-1", "TX-ANY-3"}},
			{op, "operator", idA, []string{"TX-ANY-1", "TX-ANY-2", "TX-ANY-3"}},
			{op, "operator", "Minji.Kim@Example.com", []string{"TX-ANY-1", "TX-ANY-2", "TX-ANY-3"}},
			{op, "operator", "01012345678", []string{"TX-ANY-1", "TX-ANY-2", "TX-ANY-3"}},
			{op, "operator", "010 1234 5678", []string{"TX-ANY-1", "TX-ANY-2", "TX-ANY-3"}},
			{op, "operator", "15550100", []string{"TX-ANY-4"}},
			{devA, "developer A", "order-77", []string{"TX-ANY-1"}},
			{devA, "developer A", "010-1234-5678", []string{"TX-ANY-1", "TX-ANY-2"}},
			{devA, "developer A", "TX-ANY-3", nil},
			{devA, "developer A", "bob@example.com", nil},
			{devA, "developer A", "TX-ANY", nil},    // exact, not a prefix
			{devA, "developer A", "1234-5678", nil}, // the whole number, not its tail
			{devA, "developer A", "minji.kim", nil}, // not a part of the email
			{devB, "developer B", "minji.kim@example.com", []string{"TX-ANY-3"}},
			{devB, "developer B", "b-1", []string{"TX-ANY-4"}},
		} {
			if got := find(c.ctx, c.q); !slices.Equal(got, c.want) {
				t.Errorf("%s q=%q: %v; want %v", c.who, c.q, got, c.want)
			}
		}
		// The search composes with the other filters and pages.
		ps, next, err := f.purchases.FindPurchases(op, vocdesk.PurchaseFilter{Q: idA, Limit: 2})
		must(t, err)
		if len(ps) != 2 || ps[0].TxID != "TX-ANY-3" || next == "" {
			t.Fatalf("first page: %d %v", len(ps), next)
		}
		ps, next, err = f.purchases.FindPurchases(op, vocdesk.PurchaseFilter{Q: idA, Limit: 2, Cursor: next})
		must(t, err)
		if len(ps) != 1 || ps[0].TxID != "TX-ANY-1" || next != "" {
			t.Fatalf("second page: %+v %q", ps, next)
		}
		ps, _, err = f.purchases.FindPurchases(op, vocdesk.PurchaseFilter{Q: idA, AppSlug: f.appB.Slug})
		must(t, err)
		if len(ps) != 1 || ps[0].TxID != "TX-ANY-3" {
			t.Fatalf("q with app: %+v", ps)
		}
	})
}

// TestAnyIDSearchPlan pins each branch of the search to an index: no full
// scan of purchases or customers, for an operator and for a developer.
func TestAnyIDSearchPlan(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		for i := range 50 {
			f.record(t, f.purchase("TX-PLAN-"+strconv.Itoa(i), "p-"+strconv.Itoa(i), f.custA, f.appA, "gems", 100, time.Unix(int64(i)*3600, 0)))
		}
		ctx := context.Background()
		if db.Dialect() == "postgres" {
			// On tiny tables a sequential scan is the cheapest plan: give
			// PostgreSQL a ledger large enough to choose as it would.
			p := f.record(t, f.purchase("TX-PLAN-X", "p-x", f.custB, f.appA, "gems", 100, time.Unix(0, 0)))
			raw := db.RawForTest()
			_, err := raw.Exec(`INSERT INTO customers (email, email_key, name, phone, created_at)
				SELECT 'c' || g || '@example.com', 'c' || g || '@example.com', 'C', '010-' || g, 1 FROM generate_series(1, 20000) g`)
			must(t, err)
			_, err = raw.Exec(`INSERT INTO purchases (txid, tid, customer_id, developer_id, app_id, item_id, amount, currency, method, paid_at, created_at)
				SELECT 'TX-GEN-' || c.id, 'gen-' || c.id, c.id, $1, $2, $3, 100, 'KRW', 'card', c.id, 1
				FROM customers c WHERE c.email_key LIKE 'c%@example.com'`, p.DeveloperID, p.AppID, p.ItemID)
			must(t, err)
			_, err = raw.Exec(`ANALYZE`)
			must(t, err)
		}
		for _, a := range []*vocdesk.Actor{vocdesk.SystemActor(), vocdesk.ActorFromContext(asDeveloper(f.devA, vocdesk.RoleViewer))} {
			plan, err := db.ExplainPurchasesForTest(ctx, a, vocdesk.PurchaseFilter{Q: "010-1234-5678"})
			must(t, err)
			t.Logf("%s plan:\n%s", a.Realm, plan)
			if !strings.Contains(plan, "customers_phone_digits") {
				t.Errorf("the phone branch does not use customers_phone_digits:\n%s", plan)
			}
			if db.Dialect() == "postgres" && strings.Contains(plan, "Seq Scan on purchases") {
				t.Errorf("a sequential scan of purchases:\n%s", plan)
			}
			if db.Dialect() == "sqlite" {
				// The search's ids drive: not the developer's paid_at order.
				if !strings.HasPrefix(plan, "SEARCH p USING INTEGER PRIMARY KEY") {
					t.Errorf("the search does not start from the ids it found:\n%s", plan)
				}
				for _, line := range strings.Split(plan, "\n") {
					if strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "INDEX") && !strings.Contains(line, "SUBQUERY") && !strings.Contains(line, "CONSTANT") {
						t.Errorf("a full scan: %q in\n%s", line, plan)
					}
				}
			}
		}
	})
}
