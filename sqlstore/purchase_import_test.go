package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestImportPurchases(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		op := asOperator()
		stored := f.record(t, f.purchase("OLD", "old-1", f.custA, f.appA, "", 1000, t0))
		_ = stored

		batch := []*vocdesk.Purchase{
			0:  f.purchase("N1", "n-1", f.custA, f.appA, "gems", 1200, t0),
			1:  f.purchase("OLD", "old-1", f.custA, f.appA, "", 1000, t0),                // stored, same: fine
			2:  f.purchase("OLD", "old-1", f.custA, f.appA, "", 9999, t0),                // stored, other values
			3:  f.purchase("N2", "old-1", f.custB, f.appA, "", 500, t0),                  // tid of developer A reused
			4:  f.purchase("N3", "old-1", f.custB, f.appB, "", 500, t0),                  // same tid, developer B: fine
			5:  f.purchase("N1", "n-1", f.custA, f.appA, "gems", 1200, t0),               // repeat within the batch: fine
			6:  f.purchase("N4", "n-4", &vocdesk.Customer{ID: 9999}, f.appA, "", 1, t0),  // unknown customer
			7:  f.purchase("N5", "n-5", f.custA, &vocdesk.App{Slug: "ghost"}, "", 1, t0), // unknown app
			8:  f.purchase("", "n-6", f.custA, f.appA, "", 1, t0),                        // invalid
			9:  f.purchase("N1", "n-1", f.custA, f.appA, "gems", 1201, t0),               // within the batch, other values
			10: nil,
		}
		errs, err := f.purchases.ImportPurchases(op, batch)
		must(t, err)
		want := []string{"", "", vocdesk.ECONFLICT, vocdesk.ECONFLICT, "", "", vocdesk.EINVALID, vocdesk.EINVALID, vocdesk.EINVALID, vocdesk.ECONFLICT, vocdesk.EINVALID}
		for i, code := range want {
			if got := vocdesk.ErrorCode(errs[i]); got != code {
				t.Errorf("row %d: code %q (%v), want %q", i, got, errs[i], code)
			}
		}
		list, _, err := f.purchases.FindPurchases(op, vocdesk.PurchaseFilter{})
		must(t, err)
		if len(list) != 3 {
			t.Fatalf("stored %v, want OLD, N1, N3", txids(list))
		}
		n1, err := f.purchases.FindPurchaseByTxID(op, "N1")
		must(t, err)
		if n1.Amount != 1200 || n1.ItemSKU != "gems" || n1.ItemName != "gems" || n1.Status != vocdesk.PurchasePaid {
			t.Fatalf("N1 stored as %+v", n1)
		}

		// Re-running the whole import is harmless.
		errs, err = f.purchases.ImportPurchases(op, batch[:2])
		must(t, err)
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("re-run: %v", errs)
		}
		// Developers and customers cannot import.
		_, err = f.purchases.ImportPurchases(asDeveloper(f.devA, vocdesk.RoleOwner), batch[:1])
		wantCode(t, err, vocdesk.ENOTFOUND)

		// A batch larger than one statement.
		big := make([]*vocdesk.Purchase, 4500)
		for i := range big {
			big[i] = f.purchase(txid(i), txid(i), f.custB, f.appB, "", 100, t0.Add(time.Duration(i)*time.Second))
		}
		errs, err = f.purchases.ImportPurchases(op, big)
		must(t, err)
		for i, e := range errs {
			if e != nil {
				t.Fatalf("big row %d: %v", i, e)
			}
		}
		var count int
		cursor := ""
		for {
			page, next, err := f.purchases.FindPurchases(asDeveloper(f.devB, vocdesk.RoleOwner), vocdesk.PurchaseFilter{Cursor: cursor, Limit: 200})
			must(t, err)
			count += len(page)
			if next == "" {
				break
			}
			cursor = next
		}
		if count != 4501 {
			t.Fatalf("developer B has %d purchases, want 4501", count)
		}

		// On SQLite the import switches foreign keys off on its connection;
		// they must be on again for everyone after it.
		if _, err := db.RawForTest().ExecContext(context.Background(),
			`INSERT INTO items (app_id, sku, name, created_at) VALUES (987654, 'x', 'x', 0)`); err == nil {
			t.Fatal("foreign keys are off after an import")
		}
	})
}
