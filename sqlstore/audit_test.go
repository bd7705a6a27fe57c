package sqlstore_test

import (
	"context"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestAuditTrail(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		op := asOperator()
		f.record(t, f.purchase("T1", "o-1", f.custA, f.appA, "", 1200, t0))
		// A repeat writes nothing, so it is not audited either.
		_, err := f.purchases.RecordPurchase(op, f.purchase("T1", "o-1", f.custA, f.appA, "", 1200, t0))
		must(t, err)
		_, err = f.purchases.ImportPurchases(op, []*vocdesk.Purchase{f.purchase("T2", "o-2", f.custA, f.appA, "", 1, t0), f.purchase("T3", "o-3", f.custA, f.appA, "", 1, t0)})
		must(t, err)
		k := &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, DeveloperSlug: "dev-a"}
		_, err = f.auth.CreateAPIKey(op, k)
		must(t, err)
		must(t, f.auth.RevokeAPIKey(op, k.ID))
		must(t, f.devs.CreateMember(op, "dev-a", &vocdesk.Member{Email: "m@dev-a.example", Name: "M", Role: vocdesk.RoleAgent}, ""))

		raw := db.RawForTest()
		ctx := context.Background()
		counts := map[string]int{}
		rows, err := raw.QueryContext(ctx, `SELECT action, actor_realm, actor_name FROM audit_log`)
		must(t, err)
		for rows.Next() {
			var action, realm, name string
			must(t, rows.Scan(&action, &realm, &name))
			if realm != "operator" || name != "system" {
				t.Errorf("%s by %s %s", action, realm, name)
			}
			counts[action]++
		}
		must(t, rows.Err())
		rows.Close()
		want := map[string]int{"developer.created": 2, "app.created": 2, "customer.created": 2, "purchase.recorded": 1,
			"purchases.imported": 1, "api_key.created": 1, "api_key.revoked": 1, "member.created": 1}
		for action, n := range want {
			if counts[action] != n {
				t.Errorf("%d %s rows, want %d (all: %v)", counts[action], action, n, counts)
			}
		}
		var after string
		must(t, raw.QueryRowContext(ctx, db.RebindForTest(`SELECT after_json FROM audit_log WHERE action = $1`), "purchase.recorded").Scan(&after))
		if !contains(after, `"TxID":"T1"`) || !contains(after, `"Amount":1200`) {
			t.Errorf("purchase.recorded after = %s", after)
		}

		for _, q := range []string{`UPDATE audit_log SET action = 'forged'`, `DELETE FROM audit_log`} {
			if _, err := raw.ExecContext(ctx, q); err == nil {
				t.Errorf("%s was allowed", q)
			} else if !contains(err.Error(), "append-only") {
				t.Errorf("%s: %v", q, err)
			}
		}
		var n int
		must(t, raw.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`).Scan(&n))
		if n != 11 {
			t.Errorf("%d audit rows after the refused changes, want 11", n)
		}
	})
}

func contains(s, sub string) bool { return len(sub) == 0 || indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
