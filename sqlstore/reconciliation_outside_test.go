package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// A log rarely starts and ends with the period: its records of the
// developer's purchases paid before or after it are "outside the period",
// counted and listed on their own, never "delivered, not paid". A record
// of another developer's purchase is still delivered_not_paid: across the
// line, nothing is known.
func TestReconcileOutsidePeriod(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newReconFixture(t, db)
		f.record(t, f.purchase("TX-A5", "order-A5", f.custA, f.appA, "gems", 3300, t0.AddDate(0, 0, -10)))
		f.record(t, f.purchase("TX-A6", "order-A6", f.custA, f.appA, "gems", 4400, t0.AddDate(0, 0, 10)))
		log := "txid,tid,amount,currency\n" +
			"TX-A1,order-A1,1200,KRW\n" +
			"TX-A5,order-A5,3300,KRW\n" + // paid ten days before: by its txid
			",order-A6,4400,KRW\n" + // paid ten days after: by its tid
			"TX-ZZ,order-ZZ,100,KRW\n" + // nothing paid anywhere
			"TX-B1,order-B1,500,KRW\n" // developer B's
		rep, err := f.svc.Reconcile(f.a, vocdesk.ReconcileInput{Source: vocdesk.ReconUpload, Log: strings.NewReader(log),
			From: t0.Add(-time.Hour), To: t0.Add(time.Hour)})
		must(t, err)
		want := map[string]int64{"matched": 1, "paid_not_delivered": 2, "refunded": 1, "delivered_after_refund": 0,
			"delivered_not_paid": 2, "outside_period": 2}
		for c, n := range want {
			if rep.Counts[c] != n {
				t.Errorf("%s = %d; want %d (%v)", c, rep.Counts[c], n, rep.Counts)
			}
		}
		if rep.Exceptions != 4 {
			t.Errorf("exceptions = %d; want 4 (outside the period is none)", rep.Exceptions)
		}
		stored, err := f.svc.FindReconciliation(f.a, rep.ID)
		must(t, err)
		if stored.Counts["outside_period"] != 2 || stored.Exceptions != 4 {
			t.Errorf("stored report: %v, %d exceptions", stored.Counts, stored.Exceptions)
		}

		all, _, err := f.svc.FindReconExceptions(f.a, rep.ID, vocdesk.ReconFilter{})
		must(t, err)
		for _, e := range all {
			if e.Category == vocdesk.ReconOutsidePeriod {
				t.Errorf("the exception list holds a record outside the period: %+v", e)
			}
		}
		if len(all) != 4 {
			t.Errorf("%d exceptions listed; want 4", len(all))
		}
		out, _, err := f.svc.FindReconExceptions(f.a, rep.ID, vocdesk.ReconFilter{Category: vocdesk.ReconOutsidePeriod})
		must(t, err)
		if len(out) != 2 {
			t.Fatalf("outside the period: %+v", out)
		}
		if e := out[0]; e.TxID != "TX-A5" || e.StoreAmount != 3300 || e.StoreCurrency != "KRW" || e.ServerAmount != 3300 ||
			e.PurchaseID == 0 || e.CustomerID != f.custA.ID {
			t.Errorf("TX-A5: %+v; want its purchase as the store side", e)
		}
		if e := out[1]; e.TID != "order-A6" || e.StoreAmount != 4400 || e.StoreCurrency != "KRW" {
			t.Errorf("order-A6: %+v", e)
		}
		var csv strings.Builder
		must(t, f.svc.EachReconException(f.a, rep.ID, "", func(e *vocdesk.ReconException) error {
			csv.WriteString(e.Category + " " + e.TxID + "\n")
			return nil
		}))
		if strings.Contains(csv.String(), "outside_period") || !strings.Contains(csv.String(), "delivered_not_paid TX-B1") {
			t.Errorf("exceptions.csv rows:\n%s", csv.String())
		}
	})
}
