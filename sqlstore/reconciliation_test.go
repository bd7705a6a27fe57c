package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// reconFixture is the marketplace with four purchases of developer A's
// (TX-A1 delivered, TX-A2 never delivered, TX-A3 delivered for the wrong
// amount, TX-A4 refunded but delivered) and one of B's.
type reconFixture struct {
	*fixture
	svc  *sqlstore.ReconciliationService
	a, b context.Context
}

func newReconFixture(t *testing.T, db *sqlstore.DB) *reconFixture {
	f := &reconFixture{fixture: newFixture(t, db), svc: sqlstore.NewReconciliationService(db)}
	f.a, f.b = asDeveloper(f.devA, vocdesk.RoleAgent), asDeveloper(f.devB, vocdesk.RoleAgent)
	for i, tx := range []string{"TX-A1", "TX-A2", "TX-A3", "TX-A4"} {
		f.record(t, f.purchase(tx, "order-"+tx[3:], f.custA, f.appA, "gems", 1200, t0.Add(time.Duration(i)*time.Minute)))
	}
	f.record(t, f.purchase("TX-B1", "order-B1", f.custB, f.appB, "coins", 500, t0))
	if _, err := db.RawForTest().Exec(db.RebindForTest(`UPDATE purchases SET refunded = amount, status = 'refunded' WHERE txid = 'TX-A4'`)); err != nil {
		t.Fatal(err)
	}
	return f
}

func delivery(txid, tid, amount string, at time.Time) *vocdesk.Delivery {
	v, err := vocdesk.ParseAmount(amount, "KRW")
	if err != nil {
		panic(err)
	}
	return &vocdesk.Delivery{TxID: txid, TID: tid, Amount: v, Currency: "KRW", DeliveredAt: at}
}

func TestPushDeliveriesIdempotent(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newReconFixture(t, db)
		at := t0.Add(time.Minute)
		batch := func() []*vocdesk.Delivery {
			withID := delivery("TX-A3", "order-A3", "1000", at)
			withID.DeliveryID = "srv-3"
			return []*vocdesk.Delivery{
				delivery("TX-A1", "order-A1", "1200", at),
				delivery("", "order-A1", "1200", at), // same payment by tid: another record
				withID,
				delivery("TX-A1", "", "1200", at), // no tid: invalid
			}
		}
		res, err := f.svc.PushDeliveries(f.a, batch())
		must(t, err)
		want := []vocdesk.DeliveryOutcome{vocdesk.DeliveryCreated, vocdesk.DeliveryCreated, vocdesk.DeliveryCreated, vocdesk.DeliveryRejected}
		for i, r := range res {
			if r.Outcome != want[i] {
				t.Errorf("first push, item %d: %s (%v); want %s", i, r.Outcome, r.Err, want[i])
			}
		}
		// The same push again stores nothing new.
		res, err = f.svc.PushDeliveries(f.a, batch())
		must(t, err)
		for i, r := range res[:3] {
			if r.Outcome != vocdesk.DeliveryDuplicate {
				t.Errorf("repeat, item %d: %s; want duplicate", i, r.Outcome)
			}
		}
		// A delivery_id reused with other values is refused, not overwritten.
		other := delivery("TX-A3", "order-A3", "1200", at)
		other.DeliveryID = "srv-3"
		res, err = f.svc.PushDeliveries(f.a, []*vocdesk.Delivery{other})
		must(t, err)
		if res[0].Outcome != vocdesk.DeliveryRejected || vocdesk.ErrorCode(res[0].Err) != vocdesk.ECONFLICT {
			t.Errorf("reused delivery_id: %s %v; want rejected conflict", res[0].Outcome, res[0].Err)
		}
		ds, _, err := f.svc.FindDeliveries(f.a, vocdesk.DeliveryFilter{})
		must(t, err)
		if len(ds) != 3 {
			t.Errorf("%d deliveries stored; want 3", len(ds))
		}
		// Developer B sees none of them; a customer cannot push.
		ds, _, err = f.svc.FindDeliveries(f.b, vocdesk.DeliveryFilter{TxID: "TX-A1"})
		must(t, err)
		if len(ds) != 0 {
			t.Errorf("developer B sees %d of A's deliveries", len(ds))
		}
		_, err = f.svc.PushDeliveries(asCustomer(f.custA), batch())
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = f.svc.PushDeliveries(asDeveloper(f.devA, vocdesk.RoleViewer), batch())
		wantCode(t, err, vocdesk.EFORBIDDEN)
	})
}

func TestReconcileUploadAndDeliveries(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newReconFixture(t, db)
		log := "store_tx,order,price,cur\r\n" +
			"TX-A1,order-A1,1200,KRW\r\n" +
			"TX-A3,order-A3,1000,KRW\r\n" +
			",order-A4,1200,KRW\r\n" +
			"TX-B1,order-B1,500,KRW\r\n" + // B's purchase: not A's, so delivered_not_paid
			"TX-A9,,12.5,KRW\r\n" // malformed amount
		cols := vocdesk.ColumnMap{"txid": "store_tx", "tid": "order", "amount": "price", "currency": "cur"}
		period := func(in vocdesk.ReconcileInput) vocdesk.ReconcileInput {
			in.From, in.To = t0.Add(-time.Hour), t0.Add(time.Hour)
			return in
		}
		rep, err := f.svc.Reconcile(f.a, period(vocdesk.ReconcileInput{Source: vocdesk.ReconUpload,
			Log: strings.NewReader(log), FileName: "server.csv", Columns: cols}))
		must(t, err)
		want := map[string]int64{"matched": 1, "paid_not_delivered": 1, "amount_mismatch": 1, "delivered_after_refund": 1, "delivered_not_paid": 1}
		for c, n := range want {
			if rep.Counts[c] != n {
				t.Errorf("%s = %d; want %d (%v)", c, rep.Counts[c], n, rep.Counts)
			}
		}
		if rep.InvalidRows != 1 || rep.Errors != 1 || rep.Exceptions != 4 {
			t.Errorf("invalid %d, errors %d, exceptions %d; want 1, 1, 4", rep.InvalidRows, rep.Errors, rep.Exceptions)
		}
		// The mapping is remembered, and an upload without one uses it.
		st, err := f.svc.ReconSettings(f.a)
		must(t, err)
		if st.Columns.String() != cols.String() {
			t.Errorf("remembered %q; want %q", st.Columns, cols)
		}
		rep2, err := f.svc.Reconcile(f.a, period(vocdesk.ReconcileInput{Source: vocdesk.ReconUpload, Log: strings.NewReader(log)}))
		must(t, err)
		if rep2.Counts["matched"] != 1 {
			t.Errorf("second upload with the remembered mapping: %v", rep2.Counts)
		}
		// A missing column is an error before any work, and stores nothing.
		_, err = f.svc.Reconcile(f.a, period(vocdesk.ReconcileInput{Source: vocdesk.ReconUpload,
			Log: strings.NewReader("a,b\n1,2\n"), Columns: vocdesk.ColumnMap{}}))
		wantCode(t, err, vocdesk.EINVALID)

		// Exceptions page by category, linked to the purchase.
		exc, _, err := f.svc.FindReconExceptions(f.a, rep.ID, vocdesk.ReconFilter{Category: "paid_not_delivered"})
		must(t, err)
		if len(exc) != 1 || exc[0].TxID != "TX-A2" || exc[0].PurchaseID == 0 || exc[0].CustomerID != f.custA.ID {
			t.Fatalf("paid_not_delivered exceptions: %+v", exc)
		}
		all, next, err := f.svc.FindReconExceptions(f.a, rep.ID, vocdesk.ReconFilter{Limit: 3})
		must(t, err)
		rest, _, err := f.svc.FindReconExceptions(f.a, rep.ID, vocdesk.ReconFilter{Limit: 3, Cursor: next})
		must(t, err)
		if len(all) != 3 || len(rest) != 1 || rest[0].Category != "delivered_not_paid" || rest[0].PurchaseID != 0 {
			t.Errorf("pages: %d then %d %+v", len(all), len(rest), rest)
		}
		errs, err := f.svc.FindReconErrors(f.a, rep.ID, 10)
		must(t, err)
		if len(errs) != 1 || errs[0].Line != 6 {
			t.Errorf("errors: %+v", errs)
		}
		// Developer B finds nothing of A's report.
		_, err = f.svc.FindReconciliation(f.b, rep.ID)
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, _, err = f.svc.FindReconExceptions(f.b, rep.ID, vocdesk.ReconFilter{})
		wantCode(t, err, vocdesk.ENOTFOUND)
		list, _, err := f.svc.FindReconciliations(f.b, vocdesk.ReconFilter{})
		must(t, err)
		if len(list) != 0 {
			t.Errorf("developer B lists %d reports", len(list))
		}

		// The same against pushed deliveries.
		at := t0.Add(2 * time.Minute)
		_, err = f.svc.PushDeliveries(f.a, []*vocdesk.Delivery{
			delivery("TX-A1", "order-A1", "1200", at), delivery("TX-A1", "order-A1", "1200", at.Add(time.Second)),
			delivery("TX-A3", "order-A3", "1000", at), delivery("", "order-A4", "1200", at),
			delivery("TX-B1", "order-B1", "500", at),
		})
		must(t, err)
		rep3, err := f.svc.Reconcile(f.a, period(vocdesk.ReconcileInput{Source: vocdesk.ReconDeliveries}))
		must(t, err)
		want = map[string]int64{"duplicate_delivery": 1, "paid_not_delivered": 1, "amount_mismatch": 1, "delivered_after_refund": 1, "delivered_not_paid": 1}
		for c, n := range want {
			if rep3.Counts[c] != n {
				t.Errorf("deliveries: %s = %d; want %d (%v)", c, rep3.Counts[c], n, rep3.Counts)
			}
		}
	})
}

func TestPurchaseStateAndContinuousMode(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newReconFixture(t, db)
		now := t0.Add(-time.Hour)
		db.Now = func() time.Time { return now }
		// The first push turns the watch on from now.
		_, err := f.svc.PushDeliveries(f.a, []*vocdesk.Delivery{delivery("TX-OLD", "order-old", "1", now)})
		must(t, err)
		now = t0.Add(5 * time.Minute)
		st, err := f.svc.PurchaseState(f.a, "TX-A2")
		must(t, err)
		if st.State != vocdesk.StateAwaiting || st.Deadline != vocdesk.DefaultDeliveryDeadline {
			t.Errorf("within the deadline: %s, %s", st.State, st.Deadline)
		}
		n, err := f.svc.SweepUndelivered(context.Background())
		must(t, err)
		if n != 0 {
			t.Errorf("flagged %d before the deadline", n)
		}
		now = t0.Add(30 * time.Minute)
		n, err = f.svc.SweepUndelivered(context.Background())
		must(t, err)
		// TX-A1..A3 (A4 is refunded); B has no watch.
		if n != 3 {
			t.Errorf("flagged %d; want 3", n)
		}
		if n, _ = f.svc.SweepUndelivered(context.Background()); n != 0 {
			t.Errorf("a second sweep flagged %d more", n)
		}
		open, _, err := f.svc.FindUndelivered(f.a, vocdesk.ReconFilter{})
		must(t, err)
		if len(open) != 3 || open[0].Purchase.TxID != "TX-A3" || open[0].FlaggedAt == nil {
			t.Fatalf("open flags: %d %+v", len(open), open)
		}
		st, err = f.svc.PurchaseState(f.a, "TX-A2")
		must(t, err)
		if st.State != vocdesk.StateNotDelivered || st.FlaggedAt == nil {
			t.Errorf("late: %s flagged %v", st.State, st.FlaggedAt)
		}
		// A delivery clears its purchase's flag; marking by hand clears another.
		_, err = f.svc.PushDeliveries(f.a, []*vocdesk.Delivery{delivery("", "order-A1", "1200", now)})
		must(t, err)
		_, err = f.svc.MarkDelivered(asDeveloper(f.devA, vocdesk.RoleViewer), "TX-A2", "resent")
		wantCode(t, err, vocdesk.EFORBIDDEN)
		_, err = f.svc.MarkDelivered(f.b, "TX-A2", "resent")
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = f.svc.MarkDelivered(f.a, "TX-A2", " ")
		wantCode(t, err, vocdesk.EINVALID)
		d, err := f.svc.MarkDelivered(f.a, "TX-A2", "resent the gems by hand")
		must(t, err)
		if d.Source != vocdesk.DeliveryManual || d.Amount != 1200 {
			t.Errorf("manual delivery: %+v", d)
		}
		_, err = f.svc.MarkDelivered(f.a, "TX-A2", "again")
		wantCode(t, err, vocdesk.ECONFLICT)
		open, _, err = f.svc.FindUndelivered(f.a, vocdesk.ReconFilter{})
		must(t, err)
		if len(open) != 1 || open[0].Purchase.TxID != "TX-A3" {
			t.Errorf("after deliveries, open flags: %+v", open)
		}
		st, err = f.svc.PurchaseState(f.a, "TX-A2")
		must(t, err)
		if st.State != vocdesk.StateDelivered || len(st.Deliveries) != 1 || st.Deliveries[0].Note != "resent the gems by hand" || st.FlaggedAt != nil {
			t.Errorf("after marking: %+v", st)
		}
		st, err = f.svc.PurchaseState(f.a, "TX-A4")
		must(t, err)
		if st.State != vocdesk.StateRefunded {
			t.Errorf("refunded, never delivered: %s", st.State)
		}
		_, err = f.svc.PurchaseState(f.b, "TX-A2")
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = f.svc.PurchaseState(asCustomer(f.custA), "TX-A2")
		wantCode(t, err, vocdesk.ENOTFOUND)

		// Turning the watch off stops the sweep.
		must(t, f.svc.SetReconSettings(asDeveloper(f.devA, vocdesk.RoleAdmin), &vocdesk.ReconSettings{DeliveryDeadline: time.Hour}))
		f.record(t, f.purchase("TX-A5", "order-A5", f.custA, f.appA, "gems", 1200, now))
		now = now.Add(2 * time.Hour)
		if n, _ = f.svc.SweepUndelivered(context.Background()); n != 0 {
			t.Errorf("watch off, flagged %d", n)
		}
		err = f.svc.SetReconSettings(f.a, &vocdesk.ReconSettings{DeliveryDeadline: time.Hour})
		wantCode(t, err, vocdesk.EFORBIDDEN)
	})
}
