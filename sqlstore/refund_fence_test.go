package sqlstore_test

import (
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestStaleRefundExecution: execution 1 is declined, the operator retries
// (execution 2), and then execution 1's answer arrives late, saying it
// refunded after all, or declined again. Neither may touch execution 2:
// only the provider key of the current execution carries money.
func TestStaleRefundExecution(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		p := e.record(t, e.purchase("TX-STALE", "stale-1", e.custA, e.appA, "gems", 3300, time.Now()))
		op := asOperator()
		r, err := e.ask(asDeveloper(e.devA, vocdesk.RoleAgent), p.TxID, 1000, "stale")
		must(t, err)
		_, err = e.svc.ApproveCancellation(op, r.ID)
		must(t, err)
		ex, err := e.svc.BeginRefund(op, r.ID)
		must(t, err)
		if ex == nil || ex.Request.Execution != 1 {
			t.Fatalf("begin: %+v", ex)
		}
		must(t, e.svc.FinishRefund(op, r.ID, 1, vocdesk.RefundOutcome{Refunded: false, Reason: "declined"}))
		r, err = e.svc.RetryCancellation(op, r.ID)
		must(t, err)
		if ex, err = e.svc.BeginRefund(op, r.ID); err != nil || ex == nil || ex.Request.Execution != 2 {
			t.Fatalf("begin execution 2: %+v, %v", ex, err)
		}

		must(t, e.svc.FinishRefund(op, r.ID, 1, vocdesk.RefundOutcome{Refunded: true, ProviderRef: "late-1"}))
		must(t, e.svc.FinishRefund(op, r.ID, 1, vocdesk.RefundOutcome{Refunded: false, Reason: "late decline"}))
		got, err := e.svc.FindCancellationByID(op, r.ID)
		must(t, err)
		if got.Status != vocdesk.CancellationProcessing || got.Execution != 2 || got.FailureReason != "" {
			t.Fatalf("a stale execution changed the request: %+v", got)
		}
		if pur := e.purchaseNow(t, p.TxID); pur.Refunded != 0 || pur.Status != vocdesk.PurchasePaid {
			t.Fatalf("a stale execution moved money: refunded %d, status %s", pur.Refunded, pur.Status)
		}
		var entries int
		must(t, db.RawForTest().QueryRow(db.RebindForTest(`SELECT count(*) FROM refund_entries WHERE request_id = $1`), r.ID).Scan(&entries))
		if entries != 0 {
			t.Fatalf("%d refund entries from a stale execution", entries)
		}

		// The current execution's answer still counts.
		must(t, e.svc.FinishRefund(op, r.ID, 2, vocdesk.RefundOutcome{Refunded: true, ProviderRef: "ok-2"}))
		if pur := e.purchaseNow(t, p.TxID); pur.Refunded != 1000 {
			t.Fatalf("execution 2: refunded %d; want 1000", pur.Refunded)
		}
	})
}

// TestRetryCancellationRechecksRoom: a failed request frees its
// reservation, so by the time an operator retries it another request may
// hold the money. The retry must be refused then, not approved over it.
func TestRetryCancellationRechecksRoom(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		p := e.record(t, e.purchase("TX-ROOM", "room-1", e.custA, e.appA, "gems", 3300, time.Now()))
		op, dev := asOperator(), asDeveloper(e.devA, vocdesk.RoleAgent)
		failed, err := e.ask(dev, p.TxID, 3000, "room-1")
		must(t, err)
		_, err = e.svc.ApproveCancellation(op, failed.ID)
		must(t, err)
		_, err = e.svc.BeginRefund(op, failed.ID)
		must(t, err)
		must(t, e.svc.FinishRefund(op, failed.ID, 1, vocdesk.RefundOutcome{Reason: "declined"}))

		// Another request takes 2000 of the 3300 meanwhile: 1300 are left.
		_, err = e.ask(dev, p.TxID, 2000, "room-2")
		must(t, err)
		_, err = e.svc.RetryCancellation(op, failed.ID)
		wantCode(t, err, vocdesk.EUNPROCESSABLE)
		got, err := e.svc.FindCancellationByID(op, failed.ID)
		must(t, err)
		if got.Status != vocdesk.CancellationFailed || got.Execution != 1 {
			t.Fatalf("a refused retry changed the request: %+v", got)
		}
		var jobs int
		must(t, db.RawForTest().QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'refund.execute'`).Scan(&jobs))
		if jobs != 1 {
			t.Fatalf("%d refund jobs; want only execution 1's", jobs)
		}
	})
}
