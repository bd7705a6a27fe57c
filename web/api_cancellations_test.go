package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/payment"
	"github.com/vocdesk/vocdesk/refunds"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// seedRefunds gives a tenant a webhook endpoint and a pending cancellation
// request of 100 KRW (which queues a webhook delivery), for the tenancy walk.
func (e *env) seedRefunds(tn tenant, k *vocdesk.APIKey) (cancellationID, deliveryID int64) {
	t := e.t
	t.Helper()
	a, err := e.svc.Auth.ActorForAPIKey(context.Background(), tn.key)
	if err != nil {
		t.Fatalf("seed refunds: %v", err)
	}
	ctx := vocdesk.NewContextWithActor(context.Background(), a)
	if _, err := e.svc.Webhooks.SetWebhook(ctx, "https://hooks."+tn.slug+".example.com/vocdesk", false); err != nil {
		t.Fatalf("seed webhook: %v", err)
	}
	r, err := e.svc.Cancellations.RequestCancellation(ctx, &vocdesk.CancellationInput{TxID: tn.txid, Amount: 100,
		Reason: vocdesk.ReasonOther, IdempotencyKey: "seed-" + tn.slug})
	if err != nil {
		t.Fatalf("seed cancellation: %v", err)
	}
	ds, _, err := e.svc.Webhooks.FindWebhookDeliveries(ctx, vocdesk.WebhookDeliveryFilter{})
	if err != nil || len(ds) == 0 {
		t.Fatalf("seed delivery: %v (%d)", err, len(ds))
	}
	return r.ID, ds[0].ID
}

// runJobs works the queue dry in the test's goroutine: refunds through a
// store ledger provider without faults; webhook deliveries are left alone
// (they would go to the internet).
func runJobs(t *testing.T, db *sqlstore.DB, svc vocdesk.Services) {
	t.Helper()
	q := sqlstore.NewJobQueue(db)
	x := &refunds.Executor{Service: svc.Cancellations, Provider: payment.NewStoreLedger(sqlstore.NewProviderLedger(db), payment.Faults{})}
	ctx := context.Background()
	for range 100 {
		js, err := q.Claim(ctx, []string{vocdesk.JobRefundExecute}, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(js) == 0 {
			return
		}
		for _, j := range js {
			if err := x.Handle(ctx, j); err != nil {
				t.Fatalf("refund job: %v", err)
			}
			if err := q.Complete(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Fatal("the queue never ran dry")
}

func idemHeader(secret, key string) http.Header {
	h := bearer(secret)
	if key != "" {
		h.Set("Idempotency-Key", key)
	}
	return h
}

func TestAPICancellations(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		url := "/api/v1/purchases/" + e.a.txid + "/cancellation-requests"

		// The key is required.
		res := e.do("POST", url, `{"amount":"300","reason":"customer_request"}`, idemHeader(e.a.key, ""))
		if c, _ := errorOf(t, res); res.Code != http.StatusBadRequest || c != vocdesk.EINVALID {
			t.Fatalf("no key: %d %s", res.Code, res.Body)
		}
		// The first answer, and a repeat byte for byte.
		body := `{"amount":"300","reason":"customer_request","note":"Sorry for the trouble."}`
		first := e.do("POST", url, body, idemHeader(e.a.key, `"k-1"`))
		if first.Code != http.StatusCreated || !strings.Contains(first.Body.String(), `"status":"pending"`) ||
			!strings.Contains(first.Body.String(), `"amount":"300"`) {
			t.Fatalf("create: %d %s", first.Code, first.Body)
		}
		again := e.do("POST", url, `{"reason":"customer_request","amount":"300.0","note":"Sorry for the trouble."}`, idemHeader(e.a.key, "k-1"))
		if again.Code != first.Code || again.Body.String() != first.Body.String() {
			t.Fatalf("repeat differs:\n%d %s\n%d %s", first.Code, first.Body, again.Code, again.Body)
		}
		// The same key with other parameters.
		res = e.do("POST", url, `{"amount":"400","reason":"customer_request"}`, idemHeader(e.a.key, "k-1"))
		if c, _ := errorOf(t, res); res.Code != http.StatusUnprocessableEntity || c != vocdesk.EKEYREUSED {
			t.Fatalf("reused key: %d %s", res.Code, res.Body)
		}
		// Keys are the developer's own: B's k-1 is another key (but B may
		// not see A's purchase at all).
		res = e.do("POST", url, body, idemHeader(e.b.key, "k-1"))
		if res.Code != http.StatusNotFound {
			t.Fatalf("B on A's purchase: %d %s", res.Code, res.Body)
		}
		// 1200 paid, 100 (seed) + 300 reserved: 800 left.
		tooMuch := e.do("POST", url, `{"amount":"801","reason":"other"}`, idemHeader(e.a.key, "k-2"))
		if c, _ := errorOf(t, tooMuch); tooMuch.Code != http.StatusUnprocessableEntity || c != vocdesk.EUNPROCESSABLE {
			t.Fatalf("more than left: %d %s", tooMuch.Code, tooMuch.Body)
		}
		if res := e.do("POST", url, `{"amount":"801","reason":"other"}`, idemHeader(e.a.key, "k-2")); res.Body.String() != tooMuch.Body.String() {
			t.Fatalf("repeat of a refused request differs: %s", res.Body)
		}
		var created struct {
			ID int64
		}
		_ = json.Unmarshal(first.Body.Bytes(), &created)
		id := strconv.FormatInt(created.ID, 10)

		// The operators' queue, approval, the refund, and what follows.
		if res := e.do("GET", "/api/v1/cancellation-requests?status=pending", "", bearer(e.opKey)); !strings.Contains(res.Body.String(), `"id":`+id+`,`) {
			t.Fatalf("queue: %d %s", res.Code, res.Body)
		}
		if res := e.do("GET", "/api/v1/cancellation-requests", "", bearer(e.b.key)); strings.Contains(res.Body.String(), `"id":`+id+`,`) {
			t.Fatalf("B sees A's request: %s", res.Body)
		}
		if res := e.do("POST", "/api/v1/cancellation-requests/"+id+"/approve", "", bearer(e.opKey)); res.Code != http.StatusOK ||
			!strings.Contains(res.Body.String(), `"status":"approved"`) {
			t.Fatalf("approve: %d %s", res.Code, res.Body)
		}
		if res := e.do("POST", "/api/v1/cancellation-requests/"+id+"/reject", `{"reason":"late"}`, bearer(e.opKey)); res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("reject after approve: %d %s", res.Code, res.Body)
		}
		if res := e.do("POST", "/api/v1/cancellation-requests/"+id+"/approve", "", bearer(e.a.key)); res.Code != http.StatusNotFound {
			t.Fatalf("developer approves: %d %s", res.Code, res.Body)
		}
		runJobs(t, db, e.svc)
		if res := e.do("GET", "/api/v1/cancellation-requests/"+id, "", bearer(e.a.key)); !strings.Contains(res.Body.String(), `"status":"refunded"`) {
			t.Fatalf("after the job: %s", res.Body)
		}
		if res := e.do("GET", "/api/v1/purchases/"+e.a.txid, "", bearer(e.a.key)); !strings.Contains(res.Body.String(), `"refunded_amount":"300"`) ||
			!strings.Contains(res.Body.String(), `"status":"partially_refunded"`) {
			t.Fatalf("purchase after refund: %s", res.Body)
		}
		voided := e.do("GET", "/api/v1/voided-purchases?since=2020-01-01T00:00:00Z", "", bearer(e.a.key))
		if !strings.Contains(voided.Body.String(), `"txid":"`+e.a.txid+`"`) || !strings.Contains(voided.Body.String(), `"source":"developer"`) {
			t.Fatalf("voided: %s", voided.Body)
		}
		if res := e.do("GET", "/api/v1/voided-purchases", "", bearer(e.b.key)); strings.Contains(res.Body.String(), e.a.txid) {
			t.Fatalf("B sees A's voided purchases: %s", res.Body)
		}
		// The rest, by an operator on the store's behalf, and a chargeback
		// when nothing is left.
		res = e.do("POST", url, `{"reason":"defective"}`, idemHeader(e.opKey, "op-1"))
		if res.Code != http.StatusCreated || !strings.Contains(res.Body.String(), `"amount":"800"`) ||
			!strings.Contains(res.Body.String(), `"source":"operator"`) || !strings.Contains(res.Body.String(), `"status":"approved"`) {
			t.Fatalf("operator cancellation: %d %s", res.Code, res.Body)
		}
		res = e.do("POST", "/api/v1/purchases/"+e.a.txid+"/chargebacks", `{"reason":"fraud"}`, idemHeader(e.opKey, "cb-1"))
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("chargeback beyond the amount: %d %s", res.Code, res.Body)
		}

		// The policy.
		pol := `{"auto_approve":[{"currency":"KRW","max_amount":"5000","within_days":30}],"methods":[{"method":"carrier","window":"billing_month","time_zone":"Asia/Seoul","after_window":"store_cash"}]}`
		if res := e.do("PUT", "/api/v1/refund-policy", pol, bearer(e.opKey)); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"max_amount":"5000"`) {
			t.Fatalf("put policy: %d %s", res.Code, res.Body)
		}
		if res := e.do("GET", "/api/v1/refund-policy", "", bearer(e.opKey)); !strings.Contains(res.Body.String(), `"within_days":30`) {
			t.Fatalf("get policy: %d %s", res.Code, res.Body)
		}
		if res := e.do("PUT", "/api/v1/refund-policy", `{"auto_approve":[{"currency":"KRW","max_amount":"5000","within_days":-1}],"methods":[]}`, bearer(e.opKey)); res.Code != http.StatusBadRequest {
			t.Fatalf("bad policy: %d %s", res.Code, res.Body)
		}

		// Webhooks: the endpoint, the log and a redelivery.
		res = e.do("PUT", "/api/v1/webhook", `{"url":"https://hooks.example.com/v"}`, bearer(e.a.key))
		if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"secret":"whsec_`) {
			t.Fatalf("put webhook: %d %s", res.Code, res.Body)
		}
		if res := e.do("PUT", "/api/v1/webhook", `{"url":"ftp://x"}`, bearer(e.a.key)); res.Code != http.StatusBadRequest {
			t.Fatalf("ftp webhook: %d %s", res.Code, res.Body)
		}
		res = e.do("GET", "/api/v1/webhook/deliveries", "", bearer(e.a.key))
		for _, want := range []string{`"type":"cancellation.updated"`, `"type":"purchase.voided"`, `"status":"pending"`} {
			if !strings.Contains(res.Body.String(), want) {
				t.Fatalf("deliveries lack %s: %s", want, res.Body)
			}
		}
		if res := e.do("POST", "/api/v1/webhook/deliveries/"+strconv.FormatInt(e.a.deliveryID, 10)+"/redeliver", "", bearer(e.a.key)); res.Code != http.StatusOK {
			t.Fatalf("redeliver: %d %s", res.Code, res.Body)
		}
	})
}
