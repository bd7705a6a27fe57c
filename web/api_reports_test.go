package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func seoul(day, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, vocdesk.Seoul)
	if err != nil {
		panic(err)
	}
	return t
}

// TestReportsAPI builds a known history for developer alpha around the
// 삼일절 holidays (2026-03-01 and the substitute Monday 03-02) and checks
// every figure of both reports through the API: days in Seoul, business
// hours, a breach, ratings given through the customer API, and partial
// refunds in KRW and USD. Developer bravo's inquiry and refund never count
// in alpha's reports and do in the store's.
func TestReportsAPI(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		now := seoul("2026-03-02", "14:00")
		db.Now = func() time.Time { return now }
		op := systemCtx()
		dev := func(tn tenant) context.Context {
			d, err := e.svc.Developers.FindDeveloperBySlug(op, tn.slug)
			if err != nil {
				t.Fatal(err)
			}
			return vocdesk.NewContextWithActor(context.Background(), &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: d.ID, MemberID: 1, Role: vocdesk.RoleOwner, Name: "owner"})
		}
		devA := dev(e.a)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		ask := func(at time.Time, tn tenant, ch vocdesk.Channel, cat vocdesk.Category) *vocdesk.Inquiry {
			now = at
			in := &vocdesk.Inquiry{AppSlug: tn.app, CustomerID: tn.customerID, Channel: ch, Category: cat, Subject: "report"}
			must(e.svc.Inquiries.CreateInquiry(op, in, &vocdesk.Message{Body: "help"}))
			return in
		}
		reply := func(at time.Time, ctx context.Context, in *vocdesk.Inquiry) {
			now = at
			must(e.svc.Inquiries.AddMessage(ctx, in.ID, &vocdesk.Message{Body: "answer"}))
		}
		resolve := func(at time.Time, in *vocdesk.Inquiry) {
			now = at
			_, err := e.svc.Inquiries.UpdateInquiry(devA, in.ID, vocdesk.InquiryUpdate{Status: ptr(vocdesk.InquiryResolved)})
			must(err)
		}
		rate := func(in *vocdesk.Inquiry, rating int, comment string) {
			res := e.do("POST", fmt.Sprintf("/api/v1/me/inquiries/%d/rating", in.ID),
				fmt.Sprintf(`{"rating":%d,"comment":%s}`, rating, jsonString(comment)), bearer(e.a.customerToken))
			if res.Code >= 300 {
				t.Fatalf("rate: %d %s", res.Code, res.Body)
			}
		}
		// 23:30 UTC Monday is Tuesday 08:30 in Seoul: answered 10:00 (1 h),
		// resolved 11:00 (2 h).
		i1 := ask(time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC), e.a, vocdesk.ChannelEmail, vocdesk.CategoryRefund)
		reply(seoul("2026-03-03", "10:00"), devA, i1)
		resolve(seoul("2026-03-03", "11:00"), i1)
		rate(i1, 4, "고맙습니다")
		// On the holiday: the clock starts Tuesday 09:00; 30 min; resolved
		// Wednesday 10:00 (10 h).
		i2 := ask(seoul("2026-03-02", "14:00"), e.a, vocdesk.ChannelPhone, vocdesk.CategoryBug)
		reply(seoul("2026-03-03", "09:30"), devA, i2)
		resolve(seoul("2026-03-04", "10:00"), i2)
		rate(i2, 1, "slow")
		// Answered Thursday 09:30, past its due time (Wednesday 16:00).
		i3 := ask(seoul("2026-03-03", "17:00"), e.a, vocdesk.ChannelPhone, vocdesk.CategoryPayment)
		reply(seoul("2026-03-05", "09:30"), devA, i3)
		// Bravo's, same days.
		b := ask(seoul("2026-03-03", "12:00"), e.b, vocdesk.ChannelSocial, vocdesk.CategoryOther)
		reply(seoul("2026-03-03", "12:30"), dev(e.b), b)

		// Refunds: a partial KRW refund and a partial USD one of alpha's,
		// a full one of bravo's.
		buy := func(tn tenant, txid string, amount int64, cur string, m vocdesk.Method, at time.Time) {
			_, err := e.svc.Purchases.RecordPurchase(op, &vocdesk.Purchase{TxID: txid, TID: "T-" + txid, CustomerID: tn.customerID,
				AppSlug: tn.app, ItemSKU: tn.item, Amount: amount, Currency: cur, Method: m, PaidAt: at})
			must(err)
		}
		buy(e.a, "TX-R1", 10000, "KRW", vocdesk.MethodCarrier, seoul("2026-03-02", "10:00"))
		buy(e.a, "TX-R2", 999, "USD", vocdesk.MethodCard, seoul("2026-03-03", "10:00"))
		buy(e.b, "TX-RB", 3300, "KRW", vocdesk.MethodCard, seoul("2026-03-03", "10:00"))
		refund := func(ctx context.Context, txid string, amount int64, reason vocdesk.CancellationReason, at time.Time) {
			now = at
			r, err := e.svc.Cancellations.RequestCancellation(ctx, &vocdesk.CancellationInput{TxID: txid, Amount: amount, Reason: reason, IdempotencyKey: "k-" + txid})
			must(err)
			if r.Status == vocdesk.CancellationPending {
				_, err = e.svc.Cancellations.ApproveCancellation(op, r.ID)
				must(err)
			}
			runJobs(t, db, e.svc)
		}
		refund(devA, "TX-R1", 3000, vocdesk.ReasonDefective, seoul("2026-03-03", "12:00"))
		refund(devA, "TX-R2", 450, vocdesk.ReasonCustomerRequest, seoul("2026-03-04", "12:00"))
		refund(dev(e.b), "TX-RB", 3300, vocdesk.ReasonFraud, seoul("2026-03-04", "12:00"))
		now = seoul("2026-03-06", "12:00")

		get := func(secret, target string, v any) {
			t.Helper()
			res := e.do("GET", target, "", bearer(secret))
			if res.Code != http.StatusOK {
				t.Fatalf("GET %s: %d %s", target, res.Code, res.Body)
			}
			must(json.Unmarshal(res.Body.Bytes(), v))
		}
		rng := "from=2026-03-02&to=2026-03-04"
		var inq map[string]any
		get(e.a.key, "/api/v1/reports/inquiries?"+rng, &inq)
		wantJSON(t, inq, "created", 3.0)
		wantJSON(t, inq, "by_channel", map[string]any{"store": 0.0, "email": 1.0, "phone": 2.0, "social": 0.0, "api": 0.0})
		wantJSON(t, inq, "by_status", map[string]any{"new": 0.0, "open": 0.0, "waiting_on_customer": 1.0, "resolved": 2.0, "closed": 0.0})
		wantJSON(t, inq, "by_day", []any{map[string]any{"day": "2026-03-02", "count": 1.0}, map[string]any{"day": "2026-03-03", "count": 2.0},
			map[string]any{"day": "2026-03-04", "count": 0.0}})
		wantJSON(t, inq, "first_response_seconds", map[string]any{"count": 3.0, "p50": 3600.0, "p90": 37800.0})
		wantJSON(t, inq, "resolution_seconds", map[string]any{"count": 2.0, "p50": 7200.0, "p90": 36000.0})
		wantJSON(t, inq, "sla_breached", 1.0)
		wantJSON(t, inq, "rating", map[string]any{"average": 2.5, "count": 2.0, "counts": map[string]any{"1": 1.0, "2": 0.0, "3": 0.0, "4": 1.0, "5": 0.0}})
		wantJSON(t, inq, "by_app", []any{map[string]any{"app": e.a.app, "name": "App alpha", "count": 3.0}})

		var ref map[string]any
		get(e.a.memberToken, "/api/v1/reports/refunds?"+rng+"&app="+e.a.app, &ref)
		wantJSON(t, ref, "requests", 2.0)
		wantJSON(t, ref, "refunded", map[string]any{"count": 2.0, "amounts": map[string]any{"KRW": "3000", "USD": "4.50"}})
		wantJSON(t, ref, "by_method", map[string]any{
			"carrier": map[string]any{"count": 1.0, "amounts": map[string]any{"KRW": "3000"}},
			"card":    map[string]any{"count": 1.0, "amounts": map[string]any{"USD": "4.50"}},
			"cash":    map[string]any{"count": 0.0, "amounts": map[string]any{}},
			"gift":    map[string]any{"count": 0.0, "amounts": map[string]any{}}})
		wantJSON(t, ref, "by_item", []any{map[string]any{"app": e.a.app, "item": e.a.item, "name": "App alpha · Gems alpha",
			"purchases": 2.0, "refunded": 2.0, "amounts": map[string]any{"KRW": "3000", "USD": "4.50"}, "refund_rate_percent": "100.0"}})

		// The store sees both; one developer by slug.
		get(e.opKey, "/api/v1/reports/inquiries?"+rng, &inq)
		wantJSON(t, inq, "created", 4.0)
		get(e.opKey, "/api/v1/reports/refunds?"+rng, &ref)
		wantJSON(t, ref, "refunded", map[string]any{"count": 3.0, "amounts": map[string]any{"KRW": "6300", "USD": "4.50"}})
		get(e.opKey, "/api/v1/reports/inquiries?"+rng+"&developer="+e.b.slug, &inq)
		wantJSON(t, inq, "created", 1.0)

		for _, c := range []struct {
			secret, target string
			code           int
		}{
			{e.b.key, "/api/v1/reports/inquiries?" + rng + "&app=" + e.a.app, http.StatusNotFound},
			{e.b.key, "/api/v1/reports/refunds?developer=" + e.a.slug, http.StatusNotFound},
			{e.a.customerToken, "/api/v1/reports/inquiries", http.StatusNotFound},
			{e.a.key, "/api/v1/reports/inquiries?from=2026-03-05&to=2026-03-04", http.StatusBadRequest},
			{e.a.key, "/api/v1/reports/inquiries?from=2026-3-5", http.StatusBadRequest},
			{e.a.key, "/api/v1/reports/inquiries?since=2026-03-05", http.StatusBadRequest},
		} {
			if res := e.do("GET", c.target, "", bearer(c.secret)); res.Code != c.code {
				t.Errorf("GET %s: %d %s, want %d", c.target, res.Code, res.Body, c.code)
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }

func wantJSON(t *testing.T, m map[string]any, key string, want any) {
	t.Helper()
	if got := m[key]; !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("%s = %s, want %s", key, g, w)
	}
}
