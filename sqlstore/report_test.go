package sqlstore_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/payment"
	"github.com/vocdesk/vocdesk/refunds"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// kst is a time in Seoul.
func kst(day, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, vocdesk.Seoul)
	if err != nil {
		panic(err)
	}
	return t
}

// reportHistory builds a known history around the 삼일절 holidays of 2026
// (Sunday 03-01 and the substitute Monday 03-02) under the default hours,
// Monday to Friday 09:00-18:00 in Seoul, with an 8-hour first answer
// target. The clock ends on Friday 03-06 12:00.
func reportHistory(t *testing.T, f *deskFixture) {
	t.Helper()
	at := func(tm time.Time) { f.now = tm }
	ask := func(tm time.Time, c *vocdesk.Customer, app string, cat vocdesk.Category) *vocdesk.Inquiry {
		at(tm)
		in := &vocdesk.Inquiry{AppSlug: app, Category: cat, Subject: "report " + string(cat)}
		must(t, f.inq.CreateInquiry(asCustomer(c), in, &vocdesk.Message{Body: "help"}))
		return in
	}
	reply := func(tm time.Time, ctx0 *vocdesk.Inquiry) {
		at(tm)
		must(t, f.inq.AddMessage(f.asAgentA, ctx0.ID, &vocdesk.Message{Body: "answer"}))
	}
	resolve := func(tm time.Time, in *vocdesk.Inquiry) {
		at(tm)
		_, err := f.inq.UpdateInquiry(f.asAgentA, in.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryResolved)})
		must(t, err)
	}
	// I1: 23:30 UTC on Monday is 08:30 Tuesday in Seoul; answered at 10:00
	// (an hour of business time), resolved at 11:00 (two hours), rated 5.
	i1 := ask(time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC), f.custA, "app-a", vocdesk.CategoryRefund)
	reply(kst("2026-03-03", "10:00"), i1)
	resolve(kst("2026-03-03", "11:00"), i1)
	must(t, f.inq.RateInquiry(f.asCust, i1.ID, 5, "빠른 답변 감사합니다"))
	// I2: a phone call on the holiday Monday; the clock starts Tuesday
	// 09:00: answered 09:30 (30 minutes), resolved Wednesday 10:00 (9 + 1
	// hours), rated 2.
	at(kst("2026-03-02", "14:00"))
	i2 := &vocdesk.Inquiry{AppSlug: "app-a", CustomerID: f.custA.ID, Channel: vocdesk.ChannelPhone, Category: vocdesk.CategoryBug, Subject: "phone"}
	must(t, f.inq.CreateInquiry(asOperator(), i2, &vocdesk.Message{Body: "crash"}))
	reply(kst("2026-03-03", "09:30"), i2)
	resolve(kst("2026-03-04", "10:00"), i2)
	must(t, f.inq.RateInquiry(f.asCust, i2.ID, 2, "too slow"))
	// I3: Tuesday 17:00, due Wednesday 16:00, answered Thursday 09:30: a
	// breach, 1 + 9 + 0.5 business hours.
	i3 := ask(kst("2026-03-03", "17:00"), f.custA, "app-a", vocdesk.CategoryPayment)
	reply(kst("2026-03-05", "09:30"), i3)
	// I4: Wednesday 10:00, never answered: past due (Wednesday 18:00) now.
	ask(kst("2026-03-04", "10:00"), f.custA, "app-a", vocdesk.CategoryOther)
	// Outside the range, one microsecond each side, still in the backlog.
	ask(time.Date(2026, 3, 1, 14, 59, 59, 999999, time.UTC), f.custA, "app-a", vocdesk.CategoryOther) // 03-01 23:59 KST
	ask(time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC), f.custA, "app-a", vocdesk.CategoryOther)        // 03-05 00:00 KST
	ask(kst("2026-03-06", "11:00"), f.custA, "app-a", vocdesk.CategoryOther)
	// Developer B's, which developer A never counts.
	b := ask(kst("2026-03-03", "12:00"), f.custB, "app-b", vocdesk.CategoryBug)
	at(kst("2026-03-03", "13:00"))
	must(t, f.inq.AddMessage(f.as(f.devB, f.agentB), b.ID, &vocdesk.Message{Body: "answer"}))
	at(kst("2026-03-06", "12:00"))
}

// refundHistory records purchases in the range and refunds part of two of
// them, in KRW and in USD, and one of developer B's.
func refundHistory(t *testing.T, f *deskFixture) {
	t.Helper()
	svc := sqlstore.NewCancellationService(f.db)
	x := &refunds.Executor{Service: svc, Provider: payment.NewStoreLedger(sqlstore.NewProviderLedger(f.db), payment.Faults{})}
	q := sqlstore.NewJobQueue(f.db)
	rec := func(txid, app, sku string, amount int64, cur string, m vocdesk.Method, c *vocdesk.Customer, paid time.Time) {
		p := f.purchase(txid, "T-"+txid, c, &vocdesk.App{Slug: app}, sku, amount, paid)
		p.Currency, p.Method = cur, m
		f.record(t, p)
	}
	rec("R1", "app-a", "gems-100", 10000, "KRW", vocdesk.MethodCarrier, f.custA, kst("2026-03-02", "10:00"))
	rec("R2", "app-a", "gems-500", 999, "USD", vocdesk.MethodCard, f.custA, kst("2026-03-03", "10:00"))
	rec("R3", "app-a", "gems-100", 5000, "KRW", vocdesk.MethodCard, f.custA, kst("2026-03-04", "10:00"))
	rec("R4", "app-a", "gems-100", 7000, "KRW", vocdesk.MethodCard, f.custA, kst("2026-03-05", "10:00")) // after the range
	rec("RB", "app-b", "", 3300, "KRW", vocdesk.MethodCard, f.custB, kst("2026-03-03", "10:00"))
	refund := func(dev *vocdesk.Developer, txid string, amount int64, reason vocdesk.CancellationReason, tm time.Time) {
		f.now = tm
		r, err := svc.RequestCancellation(asDeveloper(dev, vocdesk.RoleAgent), &vocdesk.CancellationInput{TxID: txid, Amount: amount, Reason: reason, IdempotencyKey: "k-" + txid})
		must(t, err)
		if r.Status == vocdesk.CancellationPending {
			_, err = svc.ApproveCancellation(asOperator(), r.ID)
			must(t, err)
		}
		for range 10 {
			js, err := q.Claim(t.Context(), []string{vocdesk.JobRefundExecute}, 16, time.Minute)
			must(t, err)
			if len(js) == 0 {
				return
			}
			for _, j := range js {
				must(t, x.Handle(t.Context(), j))
				must(t, q.Complete(t.Context(), j))
			}
		}
	}
	refund(f.devA, "R1", 3000, vocdesk.ReasonDefective, kst("2026-03-03", "12:00"))
	refund(f.devA, "R2", 450, vocdesk.ReasonCustomerRequest, kst("2026-03-04", "12:00"))
	refund(f.devB, "RB", 3300, vocdesk.ReasonFraud, kst("2026-03-04", "12:00"))
	f.now = kst("2026-03-06", "12:00")
}

func reportRange() vocdesk.ReportFilter {
	return vocdesk.ReportFilter{From: kst("2026-03-02", "00:00"), To: kst("2026-03-05", "00:00")}
}

func TestInquiryReport(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		reportHistory(t, f)
		reps := sqlstore.NewReportService(db)
		r, err := reps.InquiryReport(f.asAgentA, reportRange())
		must(t, err)
		want := func(name string, got, want any) {
			t.Helper()
			if got != want {
				t.Errorf("%s = %v, want %v", name, got, want)
			}
		}
		want("created", r.Created, int64(4))
		want("resolved", r.ByStatus[vocdesk.InquiryResolved], int64(2))
		want("waiting", r.ByStatus[vocdesk.InquiryWaitingOnCustomer], int64(1))
		want("new", r.ByStatus[vocdesk.InquiryNew], int64(1))
		want("store", r.ByChannel[vocdesk.ChannelStore], int64(3))
		want("phone", r.ByChannel[vocdesk.ChannelPhone], int64(1))
		for _, c := range []vocdesk.Category{vocdesk.CategoryRefund, vocdesk.CategoryBug, vocdesk.CategoryPayment, vocdesk.CategoryOther} {
			want(string(c), r.ByCategory[c], int64(1))
		}
		want("days", len(r.ByDay), 3)
		for i, d := range []vocdesk.DayCount{{Day: "2026-03-02", N: 1}, {Day: "2026-03-03", N: 2}, {Day: "2026-03-04", N: 1}} {
			if i < len(r.ByDay) {
				want("day "+d.Day, r.ByDay[i], d)
			}
		}
		want("apps", len(r.ByApp), 1)
		want("app", r.ByApp[0].Key+"="+string(rune('0'+r.ByApp[0].N)), "app-a=4")
		want("first n", r.FirstResponse.Count, int64(3))
		want("first p50", *r.FirstResponse.P50, int64(3600))
		want("first p90", *r.FirstResponse.P90, int64(37800))
		want("resolution n", r.Resolution.Count, int64(2))
		want("resolution p50", *r.Resolution.P50, int64(7200))
		want("resolution p90", *r.Resolution.P90, int64(36000))
		want("breached", r.SLABreached, int64(2))
		want("rating count", r.Rating.Count(), int64(2))
		want("rating average", r.Rating.Average(), "3.50")
		want("rating 5", r.Rating.Counts[4], int64(1))
		want("rating 2", r.Rating.Counts[1], int64(1))
		want("comments", len(r.Comments), 2)
		if len(r.Comments) == 2 {
			want("latest comment", r.Comments[0].Comment, "빠른 답변 감사합니다")
		}
		want("backlog", r.Backlog, [4]int64{1, 3, 1, 0})

		// The store sees developer B too; naming developer A is A's figures.
		all, err := reps.InquiryReport(asOperator(), reportRange())
		must(t, err)
		want("store created", all.Created, int64(5))
		want("store first n", all.FirstResponse.Count, int64(4))
		fa := reportRange()
		fa.DeveloperSlug = "dev-a"
		onlyA, err := reps.InquiryReport(asOperator(), fa)
		must(t, err)
		want("operator dev-a", onlyA.Created, int64(4))

		ranks, err := reps.DeveloperRanking(asOperator(), reportRange())
		must(t, err)
		want("ranked", len(ranks), 2)
		for _, d := range ranks {
			want(d.Slug+" answered", [2]int64{d.Inquiries, d.Responded}, map[string][2]int64{"dev-a": {4, 3}, "dev-b": {1, 1}}[d.Slug])
			want(d.Slug+" median", *d.MedianFirstResponse, int64(3600))
		}
		want("worst first", ranks[0].Slug, "dev-a")

		// Across the line: another's slug or app is not found, like a missing one.
		for _, bad := range []vocdesk.ReportFilter{{DeveloperSlug: "dev-b"}, {AppSlug: "app-b"}, {AppSlug: "nope"}} {
			bad.From, bad.To = reportRange().From, reportRange().To
			_, err := reps.InquiryReport(f.asAgentA, bad)
			wantCode(t, err, vocdesk.ENOTFOUND)
		}
		_, err = reps.InquiryReport(f.asCust, reportRange())
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = reps.InquiryReport(f.asAgentA, vocdesk.ReportFilter{From: reportRange().To, To: reportRange().From})
		wantCode(t, err, vocdesk.EINVALID)
	})
}

func TestRefundReport(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		refundHistory(t, f)
		reps := sqlstore.NewReportService(db)
		r, err := reps.RefundReport(f.asAgentA, reportRange())
		must(t, err)
		want := func(name string, got, want any) {
			t.Helper()
			if got != want {
				t.Errorf("%s = %v, want %v", name, got, want)
			}
		}
		want("requests", r.Requests, int64(2))
		want("refunded", r.Refunded.Count, int64(2))
		want("KRW", r.Refunded.Amounts["KRW"], int64(3000))
		want("USD", r.Refunded.Amounts["USD"], int64(450))
		want("defective", r.ByReason[vocdesk.ReasonDefective].Amounts["KRW"], int64(3000))
		want("customer_request", r.ByReason[vocdesk.ReasonCustomerRequest].Amounts["USD"], int64(450))
		want("carrier", r.ByMethod[vocdesk.MethodCarrier].Count, int64(1))
		want("card USD", r.ByMethod[vocdesk.MethodCard].Amounts["USD"], int64(450))
		want("by day", len(r.ByDay), 3)
		want("day 03-03", r.ByDay[1], vocdesk.DayCount{Day: "2026-03-03", N: 1})
		want("items", len(r.ByItem), 2)
		for _, l := range r.ByItem {
			switch l.Key {
			case "app-a/gems-100":
				want("gems-100", [3]int64{l.Purchases, l.Refunded, l.Amounts["KRW"]}, [3]int64{2, 1, 3000})
			case "app-a/gems-500":
				want("gems-500", [3]int64{l.Purchases, l.Refunded, l.Amounts["USD"]}, [3]int64{1, 1, 450})
			default:
				t.Errorf("item %s", l.Key)
			}
		}
		all, err := reps.RefundReport(asOperator(), reportRange())
		must(t, err)
		want("store refunded", all.Refunded.Count, int64(3))
		want("store KRW", all.Refunded.Amounts["KRW"], int64(6300))
		want("fraud", all.ByReason[vocdesk.ReasonFraud].Count, int64(1))

		ranks, err := reps.DeveloperRanking(asOperator(), reportRange())
		must(t, err)
		want("ranked", len(ranks), 2)
		for _, d := range ranks {
			switch d.Slug {
			case "dev-a":
				want("dev-a purchases", [2]int64{d.Purchases, d.Refunded}, [2]int64{3, 2})
			case "dev-b":
				want("dev-b purchases", [2]int64{d.Purchases, d.Refunded}, [2]int64{1, 1})
			}
		}
		_, err = reps.DeveloperRanking(f.asAgentA, reportRange())
		if err == nil {
			t.Fatal("a developer read the store's ranking")
		}
	})
}

// TestPurchaseDaysExact: the daily rollup equals a count of the ledger
// after every kind of write: single purchases, an import, partial and full
// refunds, and purchases recorded concurrently.
func TestPurchaseDaysExact(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		refundHistory(t, f)
		var batch []*vocdesk.Purchase
		for i := range 300 {
			p := f.purchase(fmt.Sprintf("IMP%04d", i), fmt.Sprintf("imp-%d", i), f.custA, f.appA, "gems-100", int64(100+i), kst("2026-03-03", "00:00").Add(time.Duration(i)*7*time.Minute))
			if i%3 == 0 {
				p.Currency, p.Amount = "USD", int64(99+i)
			}
			batch = append(batch, p)
		}
		_, err := f.purchases.ImportPurchases(asOperator(), batch)
		must(t, err)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range 5 {
					p := f.purchase(fmt.Sprintf("CON%d-%d", i, k), fmt.Sprintf("con-%d-%d", i, k), f.custB, f.appB, "", 500, kst("2026-03-04", "23:59"))
					if _, err := f.purchases.RecordPurchase(asOperator(), p); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		raw := db.RawForTest()
		read := func(q string) []string {
			rows, err := raw.Query(q)
			must(t, err)
			defer rows.Close()
			var out []string
			for rows.Next() {
				var dev, app, item, day, n, r, amount int64
				var cur string
				must(t, rows.Scan(&dev, &app, &item, &day, &cur, &n, &r, &amount))
				out = append(out, fmt.Sprint(dev, app, item, day, cur, n, r, amount))
			}
			return out
		}
		got := read(`SELECT developer_id, app_id, item_id, day, currency, purchases, refunded_purchases, refunded FROM purchase_days
			WHERE purchases > 0 ORDER BY 1, 2, 3, 4, 5`)
		want := read(`SELECT developer_id, app_id, item_id, (paid_at + 32400000000) / 86400000000, currency, COUNT(*),
			SUM(CASE WHEN refunded > 0 THEN 1 ELSE 0 END), SUM(refunded) FROM purchases GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`)
		if strings.Join(got, "\n") != strings.Join(want, "\n") || len(want) < 5 {
			t.Fatalf("purchase_days:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
