package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
	"github.com/vocdesk/vocdesk/webhooks"
)

// withWebhooks gives the marketplace the webhook service and runs the
// delivery job, as vocdesk serve does with --allow-private-webhooks, until
// the test ends.
func withWebhooks(t *testing.T) func(*uitest.Marketplace) {
	return func(m *uitest.Marketplace) {
		m.AllowPrivateWebhooks = true
		m.Svc.Webhooks = sqlstore.NewWebhookService(m.DB)
		deliver := &webhooks.Deliverer{Service: m.Svc.Webhooks, Client: webhooks.NewClient(true, 5*time.Second), UserAgent: "vocdesk-webhooks/1"}
		runJobs(t, m, 1, map[string]jobs.Kind{vocdesk.JobWebhookDeliver: deliver.Kind()})
	}
}

// A developer sends a test event from the webhook page: it reaches their
// server signed, and the page says so with the server's answer; a server
// that refuses it is named with its status.
func TestWebhookSendTestEvent(t *testing.T) {
	var status atomic.Int32
	status.Store(http.StatusNoContent)
	got := make(chan http.Header, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), `"type":"webhook.test"`) {
			got <- r.Header
		}
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	s := Start(t, withWebhooks(t))
	m := s.M
	s.LoginAs("/developer/login", m.HoppinOwner)
	s.Visit("/console/webhook")
	s.Do(chromedp.SetValue(chromedp.ID("webhook-url"), srv.URL+"/hook"))
	s.Click(`#webhook-form button[type="submit"]`)
	s.WaitText("Send a test event")
	s.Click(`#webhook-test button[type="submit"]`)
	s.WaitLocation("/console/webhook?tested=")
	s.WaitText("Test event delivered: your server answered 204.")
	select {
	case h := <-got:
		if h.Get("webhook-signature") == "" || h.Get("webhook-id") == "" {
			t.Errorf("the test event came unsigned: %v", h)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server received no test event")
	}
	s.Look(s.Location(), "webhook-tested")

	status.Store(http.StatusInternalServerError)
	s.Visit("/console/webhook")
	s.Click(`#webhook-test button[type="submit"]`)
	s.WaitLocation("/console/webhook?tested=")
	s.WaitText("did not accept the test event", "The server answered 500 Internal Server Error.")
	// The failure in the page's language; the server's status line as it came.
	loc := s.Location()
	s.Visit("/lang/ko?next=" + url.QueryEscape(loc))
	s.WaitText("서버 응답: 500 Internal Server Error")
	if strings.Contains(s.BodyText(), "webhooks: the server answered") {
		t.Error("the Korean page shows the English failure")
	}
	s.Visit("/lang/en?next=" + url.QueryEscape(loc))
	s.Look(loc, "webhook-refused")
}
