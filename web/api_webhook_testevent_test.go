package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
	"github.com/vocdesk/vocdesk/webhooks"
)

// A test event is a real delivery: queued as a job, sent by the webhook
// deliverer to the caller's own endpoint only, signed with its secret, and
// logged as delivered.
func TestWebhookTestEvent(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		// The endpoint is this test's server, on loopback.
		e := newEnvWith(t, db, web.Config{AllowPrivateWebhooks: true})
		got := make(chan *http.Request, 4)
		bodies := make(chan []byte, 4)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			got <- r
			bodies <- b
			w.WriteHeader(http.StatusNoContent)
		}))
		defer srv.Close()

		res := e.do("PUT", "/api/v1/webhook", `{"url":"`+srv.URL+`/hook"}`, bearer(e.b.key))
		if res.Code != http.StatusOK {
			t.Fatalf("put webhook: %d %s", res.Code, res.Body)
		}
		var ep struct{ Secret string }
		_ = json.Unmarshal(res.Body.Bytes(), &ep)

		for _, c := range []struct{ who, secret string }{{"customer", e.b.customerToken}, {"operator", e.opKey}} {
			if res := e.do("POST", "/api/v1/webhook/test", "", bearer(c.secret)); res.Code != http.StatusNotFound {
				t.Errorf("%s: %d; want 404", c.who, res.Code)
			}
		}
		if res := e.do("POST", "/api/v1/webhook/test", `{"x":1}`, bearer(e.b.key)); res.Code != http.StatusBadRequest {
			t.Errorf("with a body: %d; want 400", res.Code)
		}
		res = e.do("POST", "/api/v1/webhook/test", "", bearer(e.b.memberToken))
		if res.Code != http.StatusCreated || !strings.Contains(res.Body.String(), `"type":"webhook.test"`) ||
			!strings.Contains(res.Body.String(), `"status":"pending"`) {
			t.Fatalf("test event: %d %s", res.Code, res.Body)
		}
		var d struct{ ID int64 }
		_ = json.Unmarshal(res.Body.Bytes(), &d)

		// The deliverer sends it, as the server's worker would (with the
		// seeded events, which go wherever their developer's endpoint is).
		q := sqlstore.NewJobQueue(db)
		deliver := &webhooks.Deliverer{Service: e.svc.Webhooks, Client: webhooks.NewClient(true, 5*time.Second)}
		ctx := context.Background()
		js, err := q.Claim(ctx, []string{vocdesk.JobWebhookDeliver}, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range js {
			_ = deliver.Handle(ctx, j) // A's seeded event fails: its host does not exist
			_ = q.Complete(ctx, j)
		}
		var r *http.Request
		var body []byte
		for r == nil {
			select {
			case rr := <-got:
				if b := <-bodies; strings.Contains(string(b), `"type":"webhook.test"`) {
					r, body = rr, b
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the endpoint received no test event")
			}
		}
		ts, _ := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
		want, _ := webhooks.Sign(ep.Secret, r.Header.Get("webhook-id"), time.Unix(ts, 0), body)
		if r.URL.Path != "/hook" || r.Header.Get("webhook-signature") != want || !strings.Contains(string(body), `"type":"webhook.test"`) ||
			!strings.Contains(string(body), e.b.slug) {
			t.Errorf("received %s %s, signature %q (want %q):\n%s", r.Method, r.URL.Path, r.Header.Get("webhook-signature"), want, body)
		}
		if strings.Contains(string(body), "alpha") {
			t.Errorf("the test event carried another developer's data")
		}
		res = e.do("GET", "/api/v1/webhook/deliveries", "", bearer(e.b.key))
		if !strings.Contains(res.Body.String(), `"id":`+strconv.FormatInt(d.ID, 10)+`,`) || !strings.Contains(res.Body.String(), `"status":"delivered"`) {
			t.Errorf("the log does not show the test delivered: %s", res.Body)
		}
		// Developer A's log has no test event.
		if res := e.do("GET", "/api/v1/webhook/deliveries", "", bearer(e.a.key)); strings.Contains(res.Body.String(), "webhook.test") {
			t.Errorf("A's log shows B's test: %s", res.Body)
		}
	})
}
