package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestIdempotencyFingerprintFields reuses one key with one field of the
// request changed at a time. Each field is part of what the key promises to
// repeat, so each change must be refused as a reused key (422), never
// answered with the first request's replay: a developer who reuses a key on
// another purchase would otherwise be told that purchase's refund was asked.
func TestIdempotencyFingerprintFields(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		p := e.record(t, e.purchase("TX-FP-1", "fp-1", e.custA, e.appA, "gems", 3300, time.Now()))
		other := e.record(t, e.purchase("TX-FP-2", "fp-2", e.custA, e.appA, "gems", 3300, time.Now()))
		inquiries := sqlstore.NewInquiryService(db)
		inq := &vocdesk.Inquiry{Channel: vocdesk.ChannelStore, Category: vocdesk.CategoryRefund, Subject: "refund", TxID: p.TxID}
		must(t, inquiries.CreateInquiry(asCustomer(e.custA), inq, &vocdesk.Message{Body: "please"}))
		dev := asDeveloper(e.devA, vocdesk.RoleAgent)

		base := func() *vocdesk.CancellationInput {
			return &vocdesk.CancellationInput{TxID: p.TxID, Amount: 100, Reason: vocdesk.ReasonCustomerRequest,
				Note: "first", IdempotencyKey: "fp-key"}
		}
		first, err := e.svc.RequestCancellation(dev, base())
		must(t, err)
		// The unchanged request is a repeat: the same request comes back.
		again, err := e.svc.RequestCancellation(dev, base())
		must(t, err)
		if again.ID != first.ID {
			t.Fatalf("a repeat made request %d after %d", again.ID, first.ID)
		}
		for _, c := range []struct {
			field  string
			change func(in *vocdesk.CancellationInput)
		}{
			{"TxID", func(in *vocdesk.CancellationInput) { in.TxID = other.TxID }},
			{"Amount", func(in *vocdesk.CancellationInput) { in.Amount = 101 }},
			{"Reason", func(in *vocdesk.CancellationInput) { in.Reason = vocdesk.ReasonNotDelivered }},
			{"Note", func(in *vocdesk.CancellationInput) { in.Note = "second" }},
			{"InquiryID", func(in *vocdesk.CancellationInput) { in.InquiryID = inq.ID }},
		} {
			in := base()
			c.change(in)
			r, err := e.svc.RequestCancellation(dev, in)
			if vocdesk.ErrorCode(err) != vocdesk.EKEYREUSED {
				t.Errorf("key reused with another %s: got %+v, %v; want %s", c.field, r, err, vocdesk.EKEYREUSED)
			}
		}
		// Source is the last field: an operator's key (scope 0) reused for
		// a chargeback is another request, not an operator cancellation's replay.
		op := asOperator()
		opIn := func(src vocdesk.CancellationSource) *vocdesk.CancellationInput {
			return &vocdesk.CancellationInput{TxID: other.TxID, Amount: 100, Reason: vocdesk.ReasonCustomerRequest,
				IdempotencyKey: "op-key", Source: src}
		}
		_, err = e.svc.RequestCancellation(op, opIn(vocdesk.SourceOperator))
		must(t, err)
		_, err = e.svc.RequestCancellation(op, opIn(vocdesk.SourceChargeback))
		wantCode(t, err, vocdesk.EKEYREUSED)

		// Only the two first requests exist: nothing above made another.
		list, _, err := e.svc.FindCancellations(op, vocdesk.CancellationFilter{})
		must(t, err)
		if len(list) != 2 {
			t.Fatalf("%d requests; want 2", len(list))
		}
	})
}

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

// TestJobQueueStaleRetryAndFail: a worker whose lease ran out (another
// worker holds attempt 2) answers late with Retry or Fail. Its attempt
// fences both off, as it does Complete (TestJobQueue).
func TestJobQueueStaleRetryAndFail(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		q := sqlstore.NewJobQueue(db)
		must(t, q.Enqueue(ctx, "k", []byte(`{}`), time.Time{}, "stale"))
		jobs, err := q.Claim(ctx, []string{"k"}, 1, time.Minute)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claim: %+v, %v", jobs, err)
		}
		stale := jobs[0]
		now = now.Add(2 * time.Minute)
		jobs, err = q.Claim(ctx, []string{"k"}, 1, time.Minute)
		if err != nil || len(jobs) != 1 || jobs[0].Attempt != 2 {
			t.Fatalf("take-over: %+v, %v", jobs, err)
		}
		current := jobs[0]

		must(t, q.Retry(ctx, stale, time.Time{}, "stale retry"))
		if d, _ := q.Depth(ctx); d["running"] != 1 || d["available"] != 0 {
			t.Fatalf("a stale Retry released the running job: depth %v", d)
		}
		if j, _ := q.Claim(ctx, []string{"k"}, 1, time.Minute); len(j) != 0 {
			t.Fatalf("a stale Retry let the job be claimed twice: %+v", j)
		}
		must(t, q.Fail(ctx, stale, "stale fail"))
		if d, _ := q.Depth(ctx); d["running"] != 1 || d["failed"] != 0 {
			t.Fatalf("a stale Fail failed the running job: depth %v", d)
		}

		// The current attempt's own answers still work.
		must(t, q.Retry(ctx, current, time.Time{}, "now"))
		if d, _ := q.Depth(ctx); d["available"] != 1 {
			t.Fatalf("the current Retry: depth %v", d)
		}
		jobs, _ = q.Claim(ctx, []string{"k"}, 1, time.Minute)
		if len(jobs) != 1 || jobs[0].LastError != "now" {
			t.Fatalf("after the current Retry: %+v", jobs)
		}
		must(t, q.Fail(ctx, jobs[0], "gave up"))
		if d, _ := q.Depth(ctx); d["failed"] != 1 || d["running"] != 0 {
			t.Fatalf("the current Fail: depth %v", d)
		}
	})
}
