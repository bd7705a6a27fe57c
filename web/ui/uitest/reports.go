package uitest

import (
	"context"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/payment"
	"github.com/vocdesk/vocdesk/refunds"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// ReportFrom and ReportTo are the range of SeedReports' history, days in
// Seoul: the 삼일절 substitute holiday (Monday 03-02) to Wednesday.
const (
	ReportFrom = "2026-03-02"
	ReportTo   = "2026-03-04"
)

// kst is a time in Seoul.
func kst(day, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, vocdesk.Seoul)
	if err != nil {
		panic(err)
	}
	return t
}

// SeedReports adds a known history for the dashboards, with the clock set
// for each step (and put back after). Under the default SLA (Monday to
// Friday 09:00-18:00, first answer within 8 business hours) hoppin gets,
// in ReportFrom..ReportTo:
//
//   - 4 inquiries: 03-02 1 (phone), 03-03 2 (store: one asked at 23:30 UTC
//     on 03-02, which is 08:30 on 03-03 in Seoul), 03-04 1 (email);
//   - first responses 1800, 3600, 37800 s (p50 1h 00m, p90 10h 30m);
//     resolutions 7200 and 36000 s (p50 2h 00m, p90 10h 00m);
//   - 2 SLA breaches (one answered late, one never answered);
//   - ratings 5 and 2 (average 3.50) with comments;
//   - refunds 2,000 KRW (of a 5,500 KRW store-cash purchase, defective)
//     and 4.50 USD (of 9.99 USD by card, customer request); purchases in
//     the range: hoppin-quest/gems-100 2 (both refunded), hoppin-puzzle 1.
//
// nimbus gets one inquiry (answered in 30 minutes) and one refund of
// 4,900 KRW (carrier, fraud).
func SeedReports(tb testing.TB, m *Marketplace) {
	tb.Helper()
	db := m.DB
	saved := db.Now
	now := kst(ReportFrom, "09:00")
	db.Now = func() time.Time { return now }
	defer func() { db.Now = saved }()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("uitest: seed reports: %v", err)
		}
	}
	svc := m.Svc
	hoppin, nimbus := As(m.MemberActor(m.Hoppin, m.HoppinOwner)), As(m.MemberActor(m.Nimbus, m.NimbusOwner))
	ask := func(at time.Time, ctx context.Context, in *vocdesk.Inquiry) *vocdesk.Inquiry {
		now = at
		in.Subject = "리포트 " + string(in.Category)
		must(svc.Inquiries.CreateInquiry(ctx, in, &vocdesk.Message{Body: "도와주세요"}))
		return in
	}
	reply := func(at time.Time, ctx context.Context, in *vocdesk.Inquiry) {
		now = at
		must(svc.Inquiries.AddMessage(ctx, in.ID, &vocdesk.Message{Body: "답변드립니다"}))
	}
	resolve := func(at time.Time, in *vocdesk.Inquiry) {
		now = at
		st := vocdesk.InquiryResolved
		_, err := svc.Inquiries.UpdateInquiry(hoppin, in.ID, vocdesk.InquiryUpdate{Status: &st})
		must(err)
	}
	minji, jun := As(m.CustomerActor(m.Minji)), As(m.CustomerActor(m.Jun))

	q1 := ask(time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC), minji, &vocdesk.Inquiry{TxID: "TX2026MJ0006", Category: vocdesk.CategoryRefund})
	reply(kst("2026-03-03", "10:00"), hoppin, q1)
	resolve(kst("2026-03-03", "11:00"), q1)
	must(svc.Inquiries.RateInquiry(minji, q1.ID, 5, "빠른 답변 감사합니다"))

	q2 := ask(kst("2026-03-02", "14:00"), System(), &vocdesk.Inquiry{AppSlug: "hoppin-puzzle", CustomerID: m.Minji.ID,
		Channel: vocdesk.ChannelPhone, Category: vocdesk.CategoryBug})
	reply(kst("2026-03-03", "09:30"), hoppin, q2)
	resolve(kst("2026-03-04", "10:00"), q2)
	must(svc.Inquiries.RateInquiry(minji, q2.ID, 2, "Took two days"))

	q3 := ask(kst("2026-03-03", "17:00"), jun, &vocdesk.Inquiry{AppSlug: "hoppin-quest", Category: vocdesk.CategoryPayment})
	reply(kst("2026-03-05", "09:30"), hoppin, q3)
	ask(kst("2026-03-04", "10:00"), System(), &vocdesk.Inquiry{AppSlug: "hoppin-quest", CustomerID: m.Jun.ID,
		Channel: vocdesk.ChannelEmail, Category: vocdesk.CategoryOther})

	n1 := ask(kst("2026-03-03", "12:00"), jun, &vocdesk.Inquiry{AppSlug: "nimbus-notes", Category: vocdesk.CategoryBug})
	reply(kst("2026-03-03", "12:30"), nimbus, n1)

	// Refunds, executed through the store ledger as the job runner would.
	now = kst(ReportFrom, "10:00")
	for _, p := range []*vocdesk.Purchase{
		{TxID: "TX-RPT-USD", TID: "rpt-usd-1", CustomerID: m.Minji.ID, AppSlug: "hoppin-quest", ItemSKU: "gems-100",
			Amount: 999, Currency: "USD", Method: vocdesk.MethodCard, PaidAt: kst("2026-03-03", "10:00")},
		{TxID: "TX-RPT-NIM", TID: "rpt-nim-1", CustomerID: m.Jun.ID, AppSlug: "nimbus-notes", ItemSKU: "pro-month",
			Amount: 4900, Currency: "KRW", Method: vocdesk.MethodCarrier, PaidAt: kst("2026-03-03", "11:00")},
	} {
		_, err := svc.Purchases.RecordPurchase(System(), p)
		must(err)
	}
	cs := sqlstore.NewCancellationService(db)
	x := &refunds.Executor{Service: cs, Provider: payment.NewStoreLedger(sqlstore.NewProviderLedger(db), payment.Faults{})}
	q := sqlstore.NewJobQueue(db)
	refund := func(ctx context.Context, txid string, amount int64, reason vocdesk.CancellationReason, at time.Time) {
		now = at
		r, err := cs.RequestCancellation(ctx, &vocdesk.CancellationInput{TxID: txid, Amount: amount, Reason: reason, IdempotencyKey: "rpt-" + txid})
		must(err)
		if r.Status == vocdesk.CancellationPending {
			_, err = cs.ApproveCancellation(System(), r.ID)
			must(err)
		}
		for range 10 {
			js, err := q.Claim(context.Background(), []string{vocdesk.JobRefundExecute}, 8, time.Minute)
			must(err)
			if len(js) == 0 {
				return
			}
			for _, j := range js {
				must(x.Handle(context.Background(), j))
				must(q.Complete(context.Background(), j))
			}
		}
	}
	refund(hoppin, "TX2026MJ0006", 2000, vocdesk.ReasonDefective, kst("2026-03-04", "12:00"))
	refund(hoppin, "TX-RPT-USD", 450, vocdesk.ReasonCustomerRequest, kst("2026-03-04", "13:00"))
	refund(nimbus, "TX-RPT-NIM", 0, vocdesk.ReasonFraud, kst("2026-03-04", "14:00"))
}
