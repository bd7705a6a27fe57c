package sqlstore_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// The My Page and console lists must be index range scans, not sorts of
// every row the actor has: checked on the engine's own plan. SQLite plans
// by the schema alone; PostgreSQL plans by statistics, so on PostgreSQL the
// table first gets rows spread as in a marketplace (many customers, many
// developers) and ANALYZE, and the plan is the one a real database gets.
func TestFindPurchasesUsesIndexes(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		// What a plan must not do, per engine: sort rows, or read them all.
		sorts, scans := regexp.MustCompile(`TEMP B-TREE`), regexp.MustCompile(`SCAN p\b`)
		if db.Dialect() == "postgres" {
			fillForPlans(t, db, f)
			sorts, scans = regexp.MustCompile(`\bSort\s+\(`), regexp.MustCompile(`Seq Scan on purchases`)
		}
		for _, c := range []struct {
			actor *vocdesk.Actor
			index string
		}{
			{vocdesk.ActorFromContext(asCustomer(f.custA)), "purchases_customer"},
			{vocdesk.ActorFromContext(asDeveloper(f.devA, vocdesk.RoleViewer)), "purchases_developer"},
		} {
			for _, cursor := range []string{"", "MTc3MjM1NTYwMDAwMDAwMC4xMA"} {
				plan, err := db.ExplainPurchasesForTest(ctx, c.actor, vocdesk.PurchaseFilter{Cursor: cursor})
				must(t, err)
				if !strings.Contains(plan, c.index) || sorts.MatchString(plan) || scans.MatchString(plan) {
					t.Errorf("plan for %s (cursor %q):\n%s", c.index, cursor, plan)
				}
			}
		}
		// An operator's tid search and any-id search probe purchases_tid
		// once, not UNIQUE (developer_id, tid) once per developer.
		for _, f := range []vocdesk.PurchaseFilter{{TID: "o-1"}, {Q: "o-1"}} {
			plan, err := db.ExplainPurchasesForTest(ctx, vocdesk.SystemActor(), f)
			must(t, err)
			if scans.MatchString(plan) || !strings.Contains(plan, "purchases_tid") {
				t.Errorf("operator search %+v does not probe purchases_tid:\n%s", f, plan)
			}
		}
	})
}

// fillForPlans gives a PostgreSQL database 40,000 purchases of 500
// customers and 20 developers (the fixture's among them) and its
// statistics. Rows go in with one INSERT ... SELECT: through the service
// this would take most of the test's time.
func fillForPlans(t *testing.T, db *sqlstore.DB, f *fixture) {
	t.Helper()
	ctx := context.Background()
	// One purchase per developer makes its app and item.
	f.record(t, f.purchase("PLAN-A", "plan-a", f.custA, f.appA, "gems", 1000, t0))
	f.record(t, f.purchase("PLAN-B", "plan-b", f.custB, f.appB, "gems", 1000, t0))
	for i := range 18 {
		d := &vocdesk.Developer{Slug: fmt.Sprintf("plan-%d", i), Name: "Plan", Email: fmt.Sprintf("plan-%d@dev.example", i)}
		must(t, f.devs.CreateDeveloper(asOperator(), d))
		a := &vocdesk.App{DeveloperSlug: d.Slug, Slug: d.Slug + "-app", Name: "Plan app"}
		must(t, f.devs.CreateApp(asOperator(), a))
		f.record(t, f.purchase("PLAN-"+d.Slug, "plan", f.custB, a, "gems", 1000, t0))
	}
	raw := db.RawForTest()
	for _, q := range []string{
		`INSERT INTO customers (email, email_key, name, created_at)
			SELECT 'plan' || g || '@example.com', 'plan' || g || '@example.com', 'Plan', 0 FROM generate_series(1, 498) g`,
		`WITH seeds AS (SELECT row_number() OVER (ORDER BY developer_id) - 1 AS k, developer_id, app_id, item_id FROM purchases),
			ns AS (SELECT count(*) AS n FROM seeds),
			cs AS (SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM customers),
			nc AS (SELECT count(*) AS n FROM cs)
		INSERT INTO purchases (txid, tid, customer_id, developer_id, app_id, item_id, amount, currency, method, paid_at, created_at)
			SELECT 'PLAN' || g, 'plan' || g, cs.id, s.developer_id, s.app_id, s.item_id, 1000, 'KRW', 'card',
				1772355600000000 - g * 60000000, 1772355600000000
			FROM generate_series(1::bigint, 40000) g CROSS JOIN ns CROSS JOIN nc
			JOIN seeds s ON s.k = g % ns.n JOIN cs ON cs.k = (g / ns.n) % nc.n`,
		`ANALYZE customers`, `ANALYZE developers`, `ANALYZE apps`, `ANALYZE items`,
		`ANALYZE purchases`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("fill for plans: %v\n%s", err, q)
		}
	}
	var n int
	must(t, raw.QueryRowContext(ctx, `SELECT count(*) FROM purchases WHERE customer_id = $1`, f.custA.ID).Scan(&n))
	if n < 10 {
		t.Fatalf("customer A has %d purchases; the plan would say little", n)
	}
}
