package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/payment"
	"github.com/vocdesk/vocdesk/refunds"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// refundEnv is the fixture plus what refunds need: the service, a store
// ledger provider and a way to work the job queue dry.
type refundEnv struct {
	*fixture
	svc      *sqlstore.CancellationService
	provider payment.Provider
}

func newRefundEnv(t *testing.T, db *sqlstore.DB) *refundEnv {
	f := newFixture(t, db)
	return &refundEnv{fixture: f, svc: sqlstore.NewCancellationService(db),
		provider: payment.NewStoreLedger(sqlstore.NewProviderLedger(db), payment.Faults{})}
}

// drain runs refund jobs until none is due, retrying failed attempts at
// once, as the runner would after its backoff.
func (e *refundEnv) drain(t *testing.T) {
	t.Helper()
	q := sqlstore.NewJobQueue(e.db)
	x := &refunds.Executor{Service: e.svc, Provider: e.provider}
	ctx := context.Background()
	for range 10000 {
		js, err := q.Claim(ctx, []string{vocdesk.JobRefundExecute}, 16, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(js) == 0 {
			return
		}
		for _, j := range js {
			if err := x.Handle(ctx, j); err != nil {
				must(t, q.Retry(ctx, j, time.Time{}, err.Error()))
				continue
			}
			must(t, q.Complete(ctx, j))
		}
	}
	t.Fatal("refund jobs never ran dry")
}

func (e *refundEnv) ask(ctx context.Context, txid string, amount int64, key string) (*vocdesk.CancellationRequest, error) {
	return e.svc.RequestCancellation(ctx, &vocdesk.CancellationInput{TxID: txid, Amount: amount, Reason: vocdesk.ReasonCustomerRequest, IdempotencyKey: key})
}

func (e *refundEnv) purchaseNow(t *testing.T, txid string) *vocdesk.Purchase {
	t.Helper()
	p, err := e.purchases.FindPurchaseByTxID(asOperator(), txid)
	must(t, err)
	return p
}

// TestConcurrentPartialRefunds: 50 partial requests race for one purchase;
// the reservation lets through exactly what was paid, and after the refunds
// (through a provider that fails and times out) the purchase is refunded
// exactly once in full.
func TestConcurrentPartialRefunds(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		p := e.record(t, e.purchase("TX-RACE", "race-1", e.custA, e.appA, "gems", 3300, time.Now().Add(-time.Hour)))
		e.provider = payment.NewStoreLedger(sqlstore.NewProviderLedger(db), payment.Faults{FailRate: 0.2, TimeoutRate: 0.3})
		must(t, e.svc.UpdateRefundPolicy(asOperator(), &vocdesk.RefundPolicy{
			AutoApprove: []vocdesk.AutoApproveRule{{Currency: "KRW", MaxAmount: 100000, WithinDays: 30}}}))
		dev := asDeveloper(e.devA, vocdesk.RoleAgent)
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted, refused := 0, 0
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.ask(dev, p.TxID, 100, fmt.Sprintf("race-%d", i))
				mu.Lock()
				defer mu.Unlock()
				switch vocdesk.ErrorCode(err) {
				case "":
					accepted++
				case vocdesk.EUNPROCESSABLE:
					refused++
				default:
					t.Errorf("request %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		if accepted != 33 || refused != 17 {
			t.Fatalf("accepted %d, refused %d; want 33 and 17", accepted, refused)
		}
		e.drain(t)
		got := e.purchaseNow(t, p.TxID)
		if got.Refunded != 3300 || got.Status != vocdesk.PurchaseRefunded {
			t.Fatalf("purchase: refunded %d status %s", got.Refunded, got.Status)
		}
		var entries, provider int64
		must(t, db.RawForTest().QueryRow(db.RebindForTest(`SELECT COALESCE(SUM(amount), 0) FROM refund_entries`)).Scan(&entries))
		must(t, db.RawForTest().QueryRow(db.RebindForTest(`SELECT COALESCE(SUM(amount), 0) FROM provider_refunds WHERE status = 'succeeded'`)).Scan(&provider))
		if entries != 3300 || provider != 3300 {
			t.Fatalf("ledger %d, provider %d; want 3300 each", entries, provider)
		}
		if _, err := e.ask(dev, p.TxID, 0, "after"); vocdesk.ErrorCode(err) != vocdesk.EUNPROCESSABLE {
			t.Fatalf("a request after the full refund: %v", err)
		}
	})
}

// TestIdempotencyKeys covers the draft's answers at the service.
func TestIdempotencyKeys(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		p := e.record(t, e.purchase("TX-IDEM", "idem-1", e.custA, e.appA, "gems", 3300, time.Now()))
		dev := asDeveloper(e.devA, vocdesk.RoleAgent)
		first, err := e.ask(dev, p.TxID, 1000, "k1")
		must(t, err)
		again, err := e.ask(dev, p.TxID, 1000, "k1")
		must(t, err)
		if fmt.Sprintf("%+v", first) != fmt.Sprintf("%+v", again) {
			t.Fatalf("repeat differs:\n%+v\n%+v", first, again)
		}
		_, err = e.ask(dev, p.TxID, 999, "k1")
		wantCode(t, err, vocdesk.EKEYREUSED)
		_, err = e.ask(dev, p.TxID, 0, "")
		wantCode(t, err, vocdesk.EINVALID)
		_, err = e.ask(dev, p.TxID, 2301, "k2")
		wantCode(t, err, vocdesk.EUNPROCESSABLE)
		_, err = e.ask(dev, p.TxID, 2301, "k2") // the stored answer, even if room appears later
		wantCode(t, err, vocdesk.EUNPROCESSABLE)
		_, err = e.ask(asDeveloper(e.devA, vocdesk.RoleViewer), p.TxID, 1, "k3")
		wantCode(t, err, vocdesk.EFORBIDDEN)
		_, err = e.ask(asDeveloper(e.devB, vocdesk.RoleOwner), p.TxID, 1, "k1")
		wantCode(t, err, vocdesk.ENOTFOUND)

		// A claim whose work never ran (the process died): 409 until its
		// lease runs out, then the next repeat does the work once.
		in := &vocdesk.CancellationInput{TxID: p.TxID, Amount: 500, Reason: vocdesk.ReasonCustomerRequest, IdempotencyKey: "crashed",
			Source: vocdesk.SourceDeveloper}
		must(t, e.svc.ClaimKeyForTest(context.Background(), e.devA.ID, in))
		_, err = e.ask(dev, p.TxID, 500, "crashed")
		wantCode(t, err, vocdesk.EINPROGRESS)
		later := time.Now().Add(time.Minute)
		db.Now = func() time.Time { return later }
		r, err := e.ask(dev, p.TxID, 500, "crashed")
		must(t, err)
		r2, err := e.ask(dev, p.TxID, 500, "crashed")
		must(t, err)
		if r.ID != r2.ID || r.Amount != 500 {
			t.Fatalf("take-over: %+v then %+v", r, r2)
		}
		list, _, err := e.svc.FindCancellations(dev, vocdesk.CancellationFilter{TxID: p.TxID})
		must(t, err)
		if len(list) != 2 {
			t.Fatalf("%d requests; want 2 (k1 and crashed)", len(list))
		}
	})
}

// TestRefundWorkflow walks pending > rejected, approved > processing >
// failed > approved (retry) > refunded, with the audit trail, the notices
// and a provider that times out after refunding.
func TestRefundWorkflow(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		p := e.record(t, e.purchase("TX-FLOW", "flow-1", e.custA, e.appA, "gems", 3300, time.Now()))
		dev := asDeveloper(e.devA, vocdesk.RoleAgent)
		op := asOperator()

		r1, err := e.ask(dev, p.TxID, 1000, "r1")
		must(t, err)
		if r1.Status != vocdesk.CancellationPending {
			t.Fatalf("status %s; want pending under the default policy", r1.Status)
		}
		_, err = e.svc.ApproveCancellation(dev, r1.ID)
		wantCode(t, err, vocdesk.ENOTFOUND)
		rej, err := e.svc.RejectCancellation(op, r1.ID, "not within policy")
		must(t, err)
		if rej.Status != vocdesk.CancellationRejected || rej.RejectionReason != "not within policy" {
			t.Fatalf("rejected: %+v", rej)
		}
		_, err = e.svc.ApproveCancellation(op, r1.ID)
		wantCode(t, err, vocdesk.EUNPROCESSABLE)

		// The provider declines: failed, and the reservation is freed.
		r2, err := e.ask(dev, p.TxID, 3300, "r2")
		must(t, err)
		_, err = e.svc.ApproveCancellation(op, r2.ID)
		must(t, err)
		e.provider = payment.NewStoreLedger(sqlstore.NewProviderLedger(db), payment.Faults{DeclineRate: 1})
		e.drain(t)
		r2, err = e.svc.FindCancellationByID(dev, r2.ID)
		must(t, err)
		if r2.Status != vocdesk.CancellationFailed || r2.FailureReason == "" {
			t.Fatalf("after decline: %+v", r2)
		}
		// Retry with a provider that refunds and then times out.
		e.provider = &timeoutOnce{Provider: payment.NewStoreLedger(sqlstore.NewProviderLedger(db), payment.Faults{})}
		r2, err = e.svc.RetryCancellation(op, r2.ID)
		must(t, err)
		if r2.Status != vocdesk.CancellationApproved || r2.Execution != 2 {
			t.Fatalf("retried: %+v", r2)
		}
		e.drain(t)
		r2, err = e.svc.FindCancellationByID(dev, r2.ID)
		must(t, err)
		if r2.Status != vocdesk.CancellationRefunded {
			t.Fatalf("after retry: %+v", r2)
		}
		if got := e.purchaseNow(t, p.TxID); got.Refunded != 3300 || got.Status != vocdesk.PurchaseRefunded {
			t.Fatalf("purchase: %+v", got)
		}
		var n int
		must(t, db.RawForTest().QueryRow(db.RebindForTest(`SELECT count(*) FROM provider_refunds WHERE idempotency_key = $1 AND status = 'succeeded'`),
			r2.ProviderKey()).Scan(&n))
		if n != 1 {
			t.Fatalf("provider refunds under %s: %d", r2.ProviderKey(), n)
		}
		// Finishing the same execution again changes nothing.
		must(t, e.svc.FinishRefund(op, r2.ID, r2.Execution, vocdesk.RefundOutcome{Refunded: true}))
		if got := e.purchaseNow(t, p.TxID); got.Refunded != 3300 {
			t.Fatalf("refunded twice: %d", got.Refunded)
		}
		// The trail and the notices.
		var audits, mails int
		must(t, db.RawForTest().QueryRow(db.RebindForTest(`SELECT count(*) FROM audit_log WHERE entity = 'cancellation_request' AND entity_id = $1`),
			fmt.Sprint(r2.ID)).Scan(&audits))
		must(t, db.RawForTest().QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'mail.send'`).Scan(&mails))
		if audits < 6 || mails != 1 {
			t.Fatalf("audit entries %d (want >= 6), mails %d (want 1)", audits, mails)
		}
		voided, _, err := e.svc.FindVoidedPurchases(dev, vocdesk.VoidedFilter{})
		must(t, err)
		if len(voided) != 1 || voided[0].Amount != 3300 || voided[0].PurchaseStatus != vocdesk.PurchaseRefunded {
			t.Fatalf("voided: %+v", voided)
		}
		if v, _, _ := e.svc.FindVoidedPurchases(asDeveloper(e.devB, vocdesk.RoleOwner), vocdesk.VoidedFilter{}); len(v) != 0 {
			t.Fatalf("developer B sees %d voided purchases of A's", len(v))
		}
	})
}

// timeoutOnce is a provider whose first refund is carried out and then
// times out: the hard case.
type timeoutOnce struct {
	payment.Provider
	mu   sync.Mutex
	done bool
}

func (p *timeoutOnce) Refund(ctx context.Context, key string, pur *vocdesk.Purchase, amount int64, m vocdesk.RefundMethod) (*payment.Result, error) {
	res, err := p.Provider.Refund(ctx, key, pur, amount, m)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil && !p.done {
		p.done = true
		return nil, payment.ErrTimeout
	}
	return res, err
}

// TestCancellationFromInquiry: the thread of the inquiry a request came
// from is told of each step.
func TestCancellationFromInquiry(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		p := e.record(t, e.purchase("TX-INQ", "inq-1", e.custA, e.appA, "gems", 3300, time.Now()))
		inquiries := sqlstore.NewInquiryService(db)
		in := &vocdesk.Inquiry{Channel: vocdesk.ChannelStore, Category: vocdesk.CategoryRefund, Subject: "환불해 주세요", TxID: p.TxID}
		must(t, inquiries.CreateInquiry(asCustomer(e.custA), in, &vocdesk.Message{Body: "아이템을 받지 못했어요."}))
		dev := asDeveloper(e.devA, vocdesk.RoleAgent)
		r, err := e.svc.RequestCancellation(dev, &vocdesk.CancellationInput{TxID: p.TxID, Amount: 1000, Reason: vocdesk.ReasonNotDelivered,
			InquiryID: in.ID, IdempotencyKey: "from-inquiry"})
		must(t, err)
		_, err = e.svc.ApproveCancellation(asOperator(), r.ID)
		must(t, err)
		e.drain(t)
		msgs, err := inquiries.FindMessages(asCustomer(e.custA), in.ID)
		must(t, err)
		var system []string
		for _, m := range msgs {
			if m.Author == vocdesk.AuthorSystem {
				system = append(system, m.Body)
			}
		}
		if len(system) < 3 || !contains(system[len(system)-1], "1,000 KRW of 3,300 KRW refunded") {
			t.Fatalf("system messages: %q", system)
		}
		// Another developer's inquiry is not accepted.
		_, err = e.svc.RequestCancellation(dev, &vocdesk.CancellationInput{TxID: p.TxID, Amount: 1, Reason: vocdesk.ReasonOther,
			InquiryID: in.ID + 1000, IdempotencyKey: "bad-inquiry"})
		wantCode(t, err, vocdesk.EINVALID)
	})
}
