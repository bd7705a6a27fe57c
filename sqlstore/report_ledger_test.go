package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/payment"
	"github.com/vocdesk/vocdesk/refunds"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// ledger records purchases and refunds them through the cancellation
// flow (a request, its approval when pending, the refund job), as the
// reports' counters of the ledger see them in production.
type ledger struct {
	f   *deskFixture
	svc *sqlstore.CancellationService
	x   *refunds.Executor
	q   *sqlstore.JobQueue
	mu  sync.Mutex // the purchases recorded, for refunds to pick from
	all []*vocdesk.Purchase
}

func newLedger(f *deskFixture) *ledger {
	svc := sqlstore.NewCancellationService(f.db)
	return &ledger{f: f, svc: svc, q: sqlstore.NewJobQueue(f.db),
		x: &refunds.Executor{Service: svc, Provider: payment.NewStoreLedger(sqlstore.NewProviderLedger(f.db), payment.Faults{})}}
}

var (
	ledgerReasons = []vocdesk.CancellationReason{vocdesk.ReasonCustomerRequest, vocdesk.ReasonNotDelivered,
		vocdesk.ReasonDuplicatePurchase, vocdesk.ReasonDefective, vocdesk.ReasonFraud, vocdesk.ReasonOther}
	ledgerMethods = []vocdesk.Method{vocdesk.MethodCarrier, vocdesk.MethodCard, vocdesk.MethodCash, vocdesk.MethodGift}
)

// buy records a purchase of developer A's app (or B's), paid at paid.
func (l *ledger) buy(t testing.TB, txid string, b bool, cur string, m vocdesk.Method, amount int64, paid time.Time) *vocdesk.Purchase {
	t.Helper()
	c, app, sku := l.f.custA, l.f.appA, "gems-100"
	if b {
		c, app, sku = l.f.custB, l.f.appB, ""
	}
	p := l.f.purchase(txid, "T-"+txid, c, app, sku, amount, paid)
	p.Currency, p.Method = cur, m
	created, err := l.f.purchases.RecordPurchase(asOperator(), p)
	if err != nil || !created {
		t.Errorf("RecordPurchase(%s) = %v, %v", txid, created, err)
		return nil
	}
	l.mu.Lock()
	l.all = append(l.all, p)
	l.mu.Unlock()
	return p
}

// refund asks for part of p back as its developer and runs the refund
// jobs there are (other writers' too); a request the desk refuses (more
// than is left, one already open) is no refund, as in production.
func (l *ledger) refund(t testing.TB, p *vocdesk.Purchase, amount int64, reason vocdesk.CancellationReason, key string) {
	t.Helper()
	dev := l.f.devA
	if p.AppSlug == l.f.appB.Slug {
		dev = l.f.devB
	}
	r, err := l.svc.RequestCancellation(asDeveloper(dev, vocdesk.RoleAgent), &vocdesk.CancellationInput{TxID: p.TxID, Amount: amount, Reason: reason, IdempotencyKey: key})
	switch vocdesk.ErrorCode(err) {
	case "":
	case vocdesk.ECONFLICT, vocdesk.EINVALID, vocdesk.EUNPROCESSABLE:
		return
	default:
		t.Errorf("refund %s: %v", p.TxID, err)
		return
	}
	if r.Status == vocdesk.CancellationPending {
		if _, err := l.svc.ApproveCancellation(asOperator(), r.ID); err != nil {
			t.Errorf("approve %d: %v", r.ID, err)
			return
		}
	}
	l.drain(t)
}

// drain runs the refund jobs queued.
func (l *ledger) drain(t testing.TB) {
	t.Helper()
	for range 20 {
		js, err := l.q.Claim(context.Background(), []string{vocdesk.JobRefundExecute}, 16, time.Minute)
		if err != nil {
			t.Errorf("claim: %v", err)
			return
		}
		if len(js) == 0 {
			return
		}
		for _, j := range js {
			if err := l.x.Handle(context.Background(), j); err != nil {
				t.Errorf("refund job %d: %v", j.ID, err)
			}
			if err := l.q.Complete(context.Background(), j); err != nil {
				t.Errorf("complete %d: %v", j.ID, err)
			}
		}
	}
}

// randomLedger writes a random ledger on f: purchases of both developers
// paid over the 40 days before now, in KRW and USD, with every method,
// and refunds of some, in part or in full, for every reason, each step
// checked by check (nil: not checked).
func randomLedger(t *testing.T, f *deskFixture, rng *rand.Rand, steps int, check func(step string)) {
	t.Helper()
	l := newLedger(f)
	for i := range steps {
		f.now = f.now.Add(time.Duration(rng.IntN(600)) * time.Minute)
		step := "purchase"
		if len(l.all) < 4 || rng.IntN(3) > 0 {
			cur, amount := "KRW", int64(1000*(1+rng.IntN(9)))
			if rng.IntN(4) == 0 {
				cur, amount = "USD", int64(99+rng.IntN(900))
			}
			paid := f.now.Add(-time.Duration(rng.IntN(40*24*60)) * time.Minute)
			l.buy(t, fmt.Sprintf("L%d", i), rng.IntN(2) == 1, cur, ledgerMethods[rng.IntN(len(ledgerMethods))], amount, paid)
		} else {
			p := l.all[rng.IntN(len(l.all))]
			amount := p.Amount
			if rng.IntN(2) == 0 {
				amount = p.Amount/2 + 1
			}
			l.refund(t, p, amount, ledgerReasons[rng.IntN(len(ledgerReasons))], fmt.Sprintf("k-%d", i))
			step = "refund"
		}
		if t.Failed() {
			t.FailNow()
		}
		if check != nil {
			check(fmt.Sprintf("ledger step %d (%s)", i, step))
		}
	}
}

// compareLedgerReports reads the refund report (store, developer A, its
// app) and the ranking over r from the counters and directly and fails on
// any difference.
func compareLedgerReports(t *testing.T, f *deskFixture, days, direct vocdesk.ReportService, step string, r vocdesk.ReportFilter) {
	t.Helper()
	scopes := []struct {
		name string
		ctx  context.Context
		f    vocdesk.ReportFilter
	}{{"store", asOperator(), vocdesk.ReportFilter{}}, {"dev-a", f.asAgentA, vocdesk.ReportFilter{}},
		{"operator dev-b", asOperator(), vocdesk.ReportFilter{DeveloperSlug: "dev-b"}}, {"app-a", f.asAgentA, vocdesk.ReportFilter{AppSlug: "app-a"}}}
	for _, s := range scopes {
		q := s.f
		q.From, q.To = r.From, r.To
		want, err := direct.RefundReport(s.ctx, q)
		must(t, err)
		got, err := days.RefundReport(s.ctx, q)
		must(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s, refunds of %s %s..%s: from the counters\n%+v\ndirectly\n%+v", step, s.name, r.From, r.To, got, want)
		}
	}
	want, err := direct.DeveloperRanking(asOperator(), r)
	must(t, err)
	got, err := days.DeveloperRanking(asOperator(), r)
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s, ranking %s..%s: from the counters %+v, directly %+v", step, r.From, r.To, got, want)
	}
}

// TestReportLedgerConcurrent has writers record purchases and refund them
// at once on PostgreSQL, all on the same days (the same counter rows),
// then checks the ledger's counters (purchase_days' blocks, refund_days)
// against the direct reads: no change lost, no deadlock.
func TestReportLedgerConcurrent(t *testing.T) {
	u := os.Getenv(sqlstoretest.EnvPostgres)
	if u == "" {
		t.Skip("needs " + sqlstoretest.EnvPostgres)
	}
	db := sqlstoretest.OpenPostgres(t, u)
	f := newDeskFixture(t, db)
	f.now = kst("2026-03-05", "12:00")
	l := newLedger(f)
	days, direct := sqlstore.NewReportService(db), sqlstore.NewDirectReportServiceForTest(db)
	const writers, each = 6, 8
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				txid := fmt.Sprintf("C%d-%d", w, i)
				cur := "KRW"
				if i%3 == 0 {
					cur = "USD"
				}
				p := l.buy(t, txid, w%2 == 1, cur, ledgerMethods[i%len(ledgerMethods)], 2000, kst("2026-03-04", "10:00").Add(time.Duration(w*each+i)*time.Minute))
				if p != nil && i%2 == 0 {
					l.refund(t, p, 1000, ledgerReasons[(w+i)%len(ledgerReasons)], "k-"+txid)
				}
			}
		})
	}
	wg.Wait()
	l.drain(t)
	if t.Failed() {
		t.FailNow()
	}
	r := vocdesk.ReportFilter{From: kst("2026-03-01", "00:00"), To: kst("2026-03-20", "00:00")}
	compareLedgerReports(t, f, days, direct, "after concurrent writes", r)
	got, err := days.RefundReport(asOperator(), r)
	must(t, err)
	if got.Refunded.Count != writers*each/2 {
		t.Fatalf("refunded %d, want %d", got.Refunded.Count, writers*each/2)
	}
}
