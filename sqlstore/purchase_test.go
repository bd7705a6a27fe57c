package sqlstore_test

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestRecordPurchase(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		op := asOperator()
		p := f.record(t, f.purchase("T1", "order-1", f.custA, f.appA, "gems-100", 1200, t0.Add(123456789*time.Nanosecond)))
		if p.ID == 0 || p.DeveloperSlug != "dev-a" || p.ItemName != "gems-100" || p.Status != vocdesk.PurchasePaid || p.AppName != "App A" {
			t.Fatalf("recorded %+v", p)
		}

		// The same order again: the stored purchase, not created.
		again := f.purchase("T1", "order-1", f.custA, f.appA, "gems-100", 1200, t0.Add(123456789*time.Nanosecond))
		created, err := f.purchases.RecordPurchase(op, again)
		if err != nil || created || again.ID != p.ID {
			t.Fatalf("repeat: created=%v err=%v id=%d want %d", created, err, again.ID, p.ID)
		}
		// Other values under the known txid.
		_, err = f.purchases.RecordPurchase(op, f.purchase("T1", "order-1", f.custA, f.appA, "gems-100", 1300, t0))
		wantCode(t, err, vocdesk.ECONFLICT)
		// The developer's tid again under another txid.
		_, err = f.purchases.RecordPurchase(op, f.purchase("T2", "order-1", f.custB, f.appA, "", 500, t0))
		wantCode(t, err, vocdesk.ECONFLICT)
		if msg := vocdesk.ErrorMessage(err); msg == "" || !strings.Contains(msg, "order-1") {
			t.Fatalf("tid conflict message %q does not name the tid", msg)
		}
		// The same tid at another developer is fine.
		f.record(t, f.purchase("T3", "order-1", f.custB, f.appB, "", 500, t0))

		_, err = f.purchases.RecordPurchase(op, f.purchase("T4", "o4", &vocdesk.Customer{ID: 424242}, f.appA, "", 500, t0))
		wantCode(t, err, vocdesk.EINVALID)
		_, err = f.purchases.RecordPurchase(op, f.purchase("T4", "o4", f.custA, &vocdesk.App{Slug: "nope"}, "", 500, t0))
		wantCode(t, err, vocdesk.EINVALID)
		_, err = f.purchases.RecordPurchase(op, f.purchase("T4", "o4", f.custA, f.appA, "", 0, t0))
		wantCode(t, err, vocdesk.EINVALID)
		_, err = f.purchases.RecordPurchase(asDeveloper(f.devA, vocdesk.RoleOwner), f.purchase("T5", "o5", f.custA, f.appA, "", 500, t0))
		wantCode(t, err, vocdesk.ENOTFOUND)

		// Tenancy on reads.
		got, err := f.purchases.FindPurchaseByTxID(asCustomer(f.custA), "T1")
		if err != nil || got.ID != p.ID || !got.PaidAt.Equal(p.PaidAt) || got.ItemSKU != "gems-100" {
			t.Fatalf("customer A reads own purchase: %+v %v", got, err)
		}
		_, err = f.purchases.FindPurchaseByTxID(asCustomer(f.custB), "T1")
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = f.purchases.FindPurchaseByTxID(asDeveloper(f.devB, vocdesk.RoleOwner), "T1")
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = f.purchases.FindPurchaseByTxID(asDeveloper(f.devA, vocdesk.RoleViewer), "T1")
		must(t, err)
		_, err = f.purchases.FindPurchaseByTxID(asOperator(), "nope")
		wantCode(t, err, vocdesk.ENOTFOUND)

		list, _, err := f.purchases.FindPurchases(asDeveloper(f.devB, vocdesk.RoleOwner), vocdesk.PurchaseFilter{})
		must(t, err)
		if len(list) != 1 || list[0].TxID != "T3" {
			t.Fatalf("developer B lists %v", txids(list))
		}
		list, _, err = f.purchases.FindPurchases(asCustomer(f.custB), vocdesk.PurchaseFilter{})
		must(t, err)
		if len(list) != 1 || list[0].TxID != "T3" {
			t.Fatalf("customer B lists %v", txids(list))
		}
		list, _, err = f.purchases.FindPurchases(asDeveloper(f.devB, vocdesk.RoleOwner), vocdesk.PurchaseFilter{TxID: "T1"})
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("developer B finds A's purchase by txid")
		}
		list, _, err = f.purchases.FindPurchases(op, vocdesk.PurchaseFilter{TID: "order-1"})
		must(t, err)
		if len(list) != 2 {
			t.Fatalf("operator by tid: %v", txids(list))
		}
		list, _, err = f.purchases.FindPurchases(op, vocdesk.PurchaseFilter{AppSlug: "app-b", CustomerID: f.custB.ID})
		must(t, err)
		if len(list) != 1 || list[0].TxID != "T3" {
			t.Fatalf("operator by app and customer: %v", txids(list))
		}
	})
}

func TestRecordPurchaseConcurrent(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		var wg sync.WaitGroup
		var mu sync.Mutex
		createdN, ids := 0, map[int64]bool{}
		for range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := f.purchase("RACE", "race-1", f.custA, f.appA, "new-sku", 990, t0)
				created, err := f.purchases.RecordPurchase(asOperator(), p)
				if err != nil {
					t.Errorf("RecordPurchase: %v", err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if created {
					createdN++
				}
				ids[p.ID] = true
			}()
		}
		wg.Wait()
		if createdN != 1 || len(ids) != 1 {
			t.Fatalf("created %d times, ids %v", createdN, ids)
		}
		list, _, err := f.purchases.FindPurchases(asOperator(), vocdesk.PurchaseFilter{TxID: "RACE"})
		must(t, err)
		if len(list) != 1 {
			t.Fatalf("%d rows", len(list))
		}
	})
}

func TestFindPurchasesPagination(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		const n = 237
		batch := make([]*vocdesk.Purchase, n)
		for i := range batch {
			cust, app := f.custA, f.appA
			if i%3 == 0 {
				cust, app = f.custB, f.appB
			}
			// Several purchases share a paid_at, so the id breaks ties.
			batch[i] = f.purchase(txid(i), txid(i), cust, app, "", int64(100+i), t0.Add(time.Duration(i/4)*time.Minute))
		}
		errs, err := f.purchases.ImportPurchases(asOperator(), batch)
		must(t, err)
		for i, e := range errs {
			if e != nil {
				t.Fatalf("row %d: %v", i, e)
			}
		}
		check := func(name string, list func(cursor string) ([]*vocdesk.Purchase, string, error), want int) {
			t.Helper()
			seen := map[string]bool{}
			var last *vocdesk.Purchase
			cursor, pages := "", 0
			for {
				page, next, err := list(cursor)
				must(t, err)
				pages++
				for _, p := range page {
					if seen[p.TxID] {
						t.Fatalf("%s: %s twice", name, p.TxID)
					}
					seen[p.TxID] = true
					if last != nil && (p.PaidAt.After(last.PaidAt) || (p.PaidAt.Equal(last.PaidAt) && p.ID > last.ID)) {
						t.Fatalf("%s: %s after %s out of order", name, p.TxID, last.TxID)
					}
					last = p
				}
				if next == "" {
					break
				}
				cursor = next
			}
			if len(seen) != want {
				t.Fatalf("%s: walked %d rows in %d pages, want %d", name, len(seen), pages, want)
			}
		}
		check("operator", func(c string) ([]*vocdesk.Purchase, string, error) {
			return f.purchases.FindPurchases(asOperator(), vocdesk.PurchaseFilter{Cursor: c, Limit: 20})
		}, n)
		check("customer A", func(c string) ([]*vocdesk.Purchase, string, error) {
			return f.purchases.FindPurchases(asCustomer(f.custA), vocdesk.PurchaseFilter{Cursor: c, Limit: 7})
		}, n-(n+2)/3)
		check("developer B", func(c string) ([]*vocdesk.Purchase, string, error) {
			return f.purchases.FindPurchases(asDeveloper(f.devB, vocdesk.RoleViewer), vocdesk.PurchaseFilter{Cursor: c})
		}, (n+2)/3)
		check("date range", func(c string) ([]*vocdesk.Purchase, string, error) {
			return f.purchases.FindPurchases(asOperator(), vocdesk.PurchaseFilter{Cursor: c, Limit: 3,
				From: t0.Add(10 * time.Minute), To: t0.Add(20 * time.Minute)})
		}, 40)

		page, next, err := f.purchases.FindPurchases(asOperator(), vocdesk.PurchaseFilter{Limit: 1000})
		must(t, err)
		if len(page) != 200 || next == "" {
			t.Fatalf("limit is not capped at 200: %d rows, next %q", len(page), next)
		}
		_, _, err = f.purchases.FindPurchases(asOperator(), vocdesk.PurchaseFilter{Cursor: "garbage!"})
		wantCode(t, err, vocdesk.EINVALID)
	})
}

func txids(list []*vocdesk.Purchase) []string {
	s := make([]string, len(list))
	for i, p := range list {
		s[i] = p.TxID
	}
	return s
}

// TestRecordPurchaseGroupedMix runs good, replayed, conflicting and invalid
// calls all at once (on SQLite they share group commits) and checks each
// gets the answer it would get alone, that a failed call leaves nothing
// behind, and that what RecordPurchase fills in is what a read returns.
func TestRecordPurchaseGroupedMix(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		const n = 20
		base := make([]*vocdesk.Purchase, n)
		for i := range base {
			base[i] = f.record(t, f.purchase(fmt.Sprintf("B%d", i), fmt.Sprintf("base-%d", i), f.custA, f.appA, "gems-100", 1000, t0))
		}
		type call struct {
			p       *vocdesk.Purchase
			created bool
			code    string // "" for success
			baseID  int64  // replays: the stored id
		}
		var calls []*call
		for i := range n {
			calls = append(calls,
				&call{p: f.purchase(fmt.Sprintf("N%d", i), fmt.Sprintf("new-%d", i), f.custB, f.appB, "pass-month", 2500, t0.Add(time.Duration(i)*time.Second)), created: true},
				&call{p: f.purchase(fmt.Sprintf("B%d", i), fmt.Sprintf("base-%d", i), f.custA, f.appA, "gems-100", 1000, t0), baseID: base[i].ID},
				&call{p: f.purchase(fmt.Sprintf("B%d", i), fmt.Sprintf("base-%d", i), f.custA, f.appA, "gems-100", 1001, t0), code: vocdesk.ECONFLICT},
				&call{p: f.purchase(fmt.Sprintf("X%d", i), fmt.Sprintf("base-%d", i), f.custA, f.appA, "", 500, t0), code: vocdesk.ECONFLICT},
				// Creates an item, then fails on the customer: the item
				// must be rolled back with it.
				&call{p: f.purchase(fmt.Sprintf("U%d", i), fmt.Sprintf("u-%d", i), &vocdesk.Customer{ID: 424242}, f.appA, fmt.Sprintf("ghost-%d", i), 500, t0), code: vocdesk.EINVALID},
				&call{p: f.purchase(fmt.Sprintf("V%d", i), fmt.Sprintf("v-%d", i), f.custA, &vocdesk.App{Slug: "nope"}, "", 500, t0), code: vocdesk.EINVALID},
			)
		}
		var wg sync.WaitGroup
		for _, c := range calls {
			wg.Go(func() {
				created, err := f.purchases.RecordPurchase(asOperator(), c.p)
				if c.code != "" {
					if vocdesk.ErrorCode(err) != c.code {
						t.Errorf("%s: err %v, want %s", c.p.TxID, err, c.code)
					}
					return
				}
				if err != nil || created != c.created {
					t.Errorf("%s: created=%v err=%v, want created=%v", c.p.TxID, created, err, c.created)
					return
				}
				if c.baseID != 0 && c.p.ID != c.baseID {
					t.Errorf("%s: replay id %d, want %d", c.p.TxID, c.p.ID, c.baseID)
				}
				got, err := f.purchases.FindPurchaseByTxID(asOperator(), c.p.TxID)
				if err != nil {
					t.Errorf("%s: read back: %v", c.p.TxID, err)
					return
				}
				if !reflect.DeepEqual(got, c.p) {
					t.Errorf("%s: RecordPurchase filled in\n%+v\nthe store reads\n%+v", c.p.TxID, c.p, got)
				}
			})
		}
		wg.Wait()
		list, _, err := f.purchases.FindPurchases(asOperator(), vocdesk.PurchaseFilter{Limit: 200})
		must(t, err)
		if len(list) != 2*n {
			t.Fatalf("%d purchases stored, want %d", len(list), 2*n)
		}
		var ghosts int
		must(t, db.RawForTest().QueryRow(`SELECT count(*) FROM items WHERE sku LIKE 'ghost-%'`).Scan(&ghosts))
		if ghosts != 0 {
			t.Fatalf("%d items of failed calls were kept", ghosts)
		}
	})
}
