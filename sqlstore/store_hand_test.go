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

// TestStoreHand: on an inquiry developer A left unanswered past the store's
// deadline, an operator answers the customer in the store's name (the
// inquiry leaves the queue and waits on the customer) and cancels the
// purchase on the store's initiative (approved at once, told in the
// thread); both count against developer A, and the developer sees both.
func TestStoreHand(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		cs := sqlstore.NewCancellationService(db)
		in := f.ask(t, f.custA, "TXA1", "", "never answered", "환불해 주세요")
		f.now = time.Date(2026, 3, 20, 10, 0, 0, 0, vocdesk.Seoul)
		n, err := f.desk.EscalateOverdue(asOperator())
		if err != nil || n != 1 {
			t.Fatalf("escalated %d (%v)", n, err)
		}
		op := vocdesk.NewContextWithActor(context.Background(), &vocdesk.Actor{Realm: vocdesk.RealmOperator, OperatorID: 7, Name: "Store Ops"})

		must(t, f.inq.AddMessage(op, in.ID, &vocdesk.Message{Body: "스토어에서 대신 답변드립니다. 환불해 드리겠습니다."}))
		got := f.reload(t, op, in.ID)
		if got.Status != vocdesk.InquiryWaitingOnCustomer || got.EscalatedAt != nil || got.WaitingSince != nil {
			t.Fatalf("after the store's answer: %s escalated %v waiting %v", got.Status, got.EscalatedAt, got.WaitingSince)
		}
		r, err := cs.RequestCancellation(op, &vocdesk.CancellationInput{TxID: "TXA1", Reason: vocdesk.ReasonNotDelivered,
			InquiryID: in.ID, IdempotencyKey: "store-1"})
		must(t, err)
		if r.Status != vocdesk.CancellationApproved || r.Source != vocdesk.SourceOperator || r.Amount != 1200 {
			t.Fatalf("the store's cancellation %+v", r)
		}

		// Developer A reads both in the thread: the store's answer, by the
		// store, and the cancellation's notice.
		_, msgs, err := f.inq.FindThread(f.asAgentA, in.ID)
		must(t, err)
		var answer, notice bool
		for _, m := range msgs {
			answer = answer || (m.Author == vocdesk.AuthorOperator && strings.Contains(m.Body, "스토어에서"))
			notice = notice || (m.Author == vocdesk.AuthorSystem && strings.Contains(m.Body, "Cancellation requested and approved"))
		}
		if !answer || !notice {
			t.Errorf("developer A's thread: answer %v, notice %v", answer, notice)
		}
		counts, err := f.desk.FindEscalationCounts(asOperator())
		must(t, err)
		for _, c := range counts {
			want := [2]int{}
			if c.DeveloperID == f.devA.ID {
				want = [2]int{1, 1}
			}
			if [2]int{c.StoreAnswers, c.StoreCancellations} != want {
				t.Errorf("%s: store answers %d, cancellations %d; want %v", c.DeveloperSlug, c.StoreAnswers, c.StoreCancellations, want)
			}
		}
		// A developer's own cancellation is not the store's hand, nor is an
		// operator's with no inquiry behind it, nor a second message from
		// the store on the inquiry no longer escalated.
		_, err = cs.RequestCancellation(f.asAgentA, &vocdesk.CancellationInput{TxID: "TXA2", Amount: 100, Reason: vocdesk.ReasonOther, IdempotencyKey: "dev-1"})
		must(t, err)
		_, err = cs.RequestCancellation(op, &vocdesk.CancellationInput{TxID: "TXA2", Amount: 100, Reason: vocdesk.ReasonFraud, IdempotencyKey: "billing-1"})
		must(t, err)
		must(t, f.inq.AddMessage(op, in.ID, &vocdesk.Message{Body: "추가 안내"}))
		counts, err = f.desk.FindEscalationCounts(asOperator())
		must(t, err)
		for _, c := range counts {
			if c.DeveloperID == f.devA.ID && (c.StoreCancellations != 1 || c.StoreAnswers != 1) {
				t.Errorf("counted more than the store's hand: answers %d, cancellations %d", c.StoreAnswers, c.StoreCancellations)
			}
		}
	})
}
