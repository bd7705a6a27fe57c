package sqlstore_test

import (
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
