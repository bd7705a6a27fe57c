package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
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
		// Each refusal has a reason and its values, for the back office's
		// report in the page's language.
		reasons := map[int]string{2: "import_txid_conflict [OLD]", 3: "import_tid_taken [old-1 OLD]",
			6: "import_customer_unknown [9999]", 7: "import_app_unknown [ghost]", 8: "purchase_txid []",
			9: "import_txid_conflict [N1]", 10: "import_row_empty []"}
		for i, want := range reasons {
			reason, args := vocdesk.ErrorReason(errs[i])
			if got := fmt.Sprint(reason, " ", args); got != want {
				t.Errorf("row %d: reason %s, want %s", i, got, want)
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

// Batches imported side by side (purchaseimport's writers on PostgreSQL)
// may share rows, and may clash on a developer's tid: each shared row is
// stored once, each tid once (the other row rejected as a conflict), and no
// batch fails, even when the engine breaks a deadlock between two of them.
// Rows are written in txid order, so two batches that list the same tids
// under txids in opposite orders take the tid index's entries crosswise.
func TestImportConcurrentBatches(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		op := asOperator()
		const rounds, pairs = 10, 50
		for r := range rounds {
			batches := make([][]*vocdesk.Purchase, 2)
			for i := range pairs {
				shared := func() *vocdesk.Purchase { // a row of each batch (ImportPurchases normalizes its rows)
					return f.purchase(fmt.Sprintf("S%02d-%03d", r, i), fmt.Sprintf("s-%02d-%03d", r, i), f.custA, f.appA, "", 1000, t0)
				}
				// A's txids rise with i, B's fall: A reaches tid i early, B late.
				batches[0] = append(batches[0], shared(), f.purchase(fmt.Sprintf("A%02d-%03d", r, i), fmt.Sprintf("t-%02d-%03d", r, i), f.custA, f.appA, "", 1000, t0))
				batches[1] = append(batches[1], shared(), f.purchase(fmt.Sprintf("B%02d-%03d", r, pairs-i), fmt.Sprintf("t-%02d-%03d", r, i), f.custB, f.appA, "", 1000, t0))
			}
			var wg sync.WaitGroup
			results := make([][]error, 2)
			for k, batch := range batches {
				wg.Go(func() {
					errs, err := f.purchases.ImportPurchases(op, batch)
					must(t, err)
					results[k] = errs
				})
			}
			wg.Wait()
			for i := 0; i < 2*pairs; i += 2 {
				for k := range 2 {
					if results[k][i] != nil {
						t.Fatalf("round %d: shared row %s rejected: %v", r, batches[k][i].TxID, results[k][i])
					}
				}
				a, b := results[0][i+1], results[1][i+1]
				if (a == nil) == (b == nil) || vocdesk.ErrorCode(errors.Join(a, b)) != vocdesk.ECONFLICT {
					t.Fatalf("round %d: tid %s: %v and %v, want one stored and one conflict", r, batches[0][i+1].TID, a, b)
				}
			}
		}
		var n int
		must(t, db.RawForTest().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM purchases WHERE tid LIKE 't-%' OR tid LIKE 's-%'`).Scan(&n))
		if want := rounds * 2 * pairs; n != want {
			t.Fatalf("stored %d purchases, want %d", n, want)
		}
	})
}
