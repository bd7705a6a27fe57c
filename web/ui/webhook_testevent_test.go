package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// "Send a test event" needs an endpoint, answers with a redirect to the
// page, which names the test's outcome and links its line in the log.
// Viewers have no button and may not post.
func TestWebhookSendTestEvent(t *testing.T) {
	e := newWebhookEnv(t, sqlstoretest.OpenSQLite(t))
	m := e.m
	owner := e.browser()
	owner.login("/developer/login", m.HoppinOwner.Email, "/console")
	page := owner.get("/console/webhook")
	wantLacks(t, page, `action="/console/webhook/test"`) // no endpoint yet
	r := owner.post("/console/webhook/test", url.Values{})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantContains(t, r, "Set the endpoint first")

	wantStatus(t, owner.post("/console/webhook", url.Values{"url": {"https://hooks.hoppin.example/vocdesk"}}), http.StatusSeeOther)
	wantContains(t, owner.get("/console/webhook"), `action="/console/webhook/test"`, "Send a test event")
	r = owner.post("/console/webhook/test", url.Values{})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("test event: %d", r.StatusCode)
	}
	loc := regexp.MustCompile(`^/console/webhook\?tested=(\d+)#test-result$`).FindStringSubmatch(r.Header.Get("Location"))
	if loc == nil {
		t.Fatalf("redirect to %q", r.Header.Get("Location"))
	}
	page = owner.get("/console/webhook?tested=" + loc[1])
	wantContains(t, page, `id="test-result"`, "Test event queued", `href="#d`+loc[1]+`"`, `<tbody id="d`+loc[1]+`"`, "webhook.test")

	viewer := e.browser()
	viewer.login("/developer/login", m.HoppinViewer.Email, "/console")
	wantLacks(t, viewer.get("/console/webhook"), `action="/console/webhook/test"`)
	wantStatus(t, viewer.post("/console/webhook/test", url.Values{}), http.StatusForbidden)
	// Another developer's test id shows no notice on one's own page.
	other := e.browser()
	other.login("/developer/login", m.NimbusOwner.Email, "/console")
	wantLacks(t, other.get("/console/webhook?tested="+loc[1]), `id="test-result"`)
}
