package ui_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// newWebhookEnv is newEnv with the webhook service.
func newWebhookEnv(t *testing.T, db *sqlstore.DB) *env {
	t.Helper()
	return newEnv(t, db, nil, func(m *uitest.Marketplace) { m.Svc.Webhooks = sqlstore.NewWebhookService(db) })
}

var webhookSecretRE = regexp.MustCompile(`id="webhook-secret" class="mono" readonly value="([^"]+)"`)

// shownSecret is the signing secret on a page, or "".
func shownSecret(r *response) string {
	if m := webhookSecretRE.FindStringSubmatch(r.body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

func TestWebhookPage(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newWebhookEnv(t, db)
		m := e.m
		hooks := m.Svc.Webhooks
		const hookURL = "https://hooks.hoppin.example/vocdesk"

		admin := uitest.Account{Email: "admin@hoppin.test", Name: "Ada Admin", Role: vocdesk.RoleAdmin}
		mb := &vocdesk.Member{Email: admin.Email, Name: admin.Name, Role: admin.Role}
		if err := m.Svc.Developers.CreateMember(uitest.System(), "hoppin", mb, uitest.Password); err != nil {
			t.Fatal(err)
		}
		people := map[string]*browser{}
		for name, acc := range map[string]uitest.Account{"admin": admin, "agent": m.HoppinAgent, "viewer": m.HoppinViewer, "nimbus": m.NimbusOwner} {
			b := e.browser()
			b.login("/developer/login", acc.Email, "/console")
			people[name] = b
		}
		adm, agent, viewer := people["admin"], people["agent"], people["viewer"]

		t.Run("the console links to the page; others are sent to sign in", func(t *testing.T) {
			wantContains(t, agent.get("/console"), `href="/console/webhook"`)
			wantRedirect(t, e.browser().get("/console/webhook"), "/developer/login?next=%2Fconsole%2Fwebhook")
			cust := e.browser()
			cust.login("/login", m.Minji.Email, "/my")
			wantRedirect(t, cust.get("/console/webhook"), "/developer/login?next=%2Fconsole%2Fwebhook")
		})

		t.Run("no endpoint yet", func(t *testing.T) {
			r := agent.get("/console/webhook")
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "Webhook", "No endpoint yet", "No deliveries yet.", `aria-current="page">Webhook</a>`)
		})

		t.Run("an invalid URL is refused inline and kept", func(t *testing.T) {
			r := adm.get("/console/webhook")
			wantContains(t, r, `id="webhook-form"`, `name="rotate"`)
			for _, bad := range []string{"ftp://hooks.hoppin.example/x", "https://user:pw@hooks.hoppin.example/x", "not a url"} {
				r = adm.post("/console/webhook", url.Values{"url": {bad}})
				wantStatus(t, r, http.StatusUnprocessableEntity)
				wantContains(t, r, "Enter an absolute http:// or https:// URL", `value="`+bad+`"`, `aria-invalid="true"`)
				if s := shownSecret(r); s != "" {
					t.Error("a refused save shows a secret")
				}
			}
			if _, err := hooks.Webhook(uitest.As(m.MemberActor(m.Hoppin, m.HoppinViewer))); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
				t.Errorf("after refused saves: %v, want no endpoint", err)
			}
		})

		var secret string
		t.Run("an admin sets the URL and sees the secret once", func(t *testing.T) {
			// The save answers with a redirect (post, redirect, get); the
			// page it leads to shows the secret once, carried there in the
			// sealed flash cookie, never in the URL or in clear.
			r := adm.post("/console/webhook", url.Values{"url": {"  " + hookURL + "  "}})
			wantRedirect(t, r, "/console/webhook#secret")
			sealed := r.Cookies()
			r = adm.get("/console/webhook")
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "Webhook endpoint saved.", "Endpoint saved", "will not be shown again", hookURL)
			if secret = shownSecret(r); !strings.HasPrefix(secret, "whsec_") {
				t.Fatalf("secret %q on the page after the save", secret)
			}
			if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
			}
			for _, c := range sealed {
				if strings.Contains(c.Value, secret[len("whsec_"):]) {
					t.Errorf("cookie %s carries the secret in clear", c.Name)
				}
			}
			// Reloading shows the URL, never the secret again.
			r = adm.get("/console/webhook")
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, hookURL, `value="`+hookURL+`"`)
			wantLacks(t, r, "whsec_", "webhook-secret", "will not be shown again")

			// Saving again keeps the secret; rotating changes it.
			wantRedirect(t, adm.post("/console/webhook", url.Values{"url": {hookURL}}), "/console/webhook#secret")
			if got := shownSecret(adm.get("/console/webhook")); got != secret {
				t.Errorf("a save without rotate changed the secret")
			}
			wantRedirect(t, adm.post("/console/webhook", url.Values{"url": {hookURL}, "rotate": {"1"}}), "/console/webhook#secret")
			if got := shownSecret(adm.get("/console/webhook")); got == "" || got == secret {
				t.Errorf("rotate gave %q, want a new secret", got)
			} else {
				secret = got
			}
			wantLacks(t, adm.get("/console/webhook"), "whsec_")
		})

		t.Run("agents and viewers read the URL and may not set it", func(t *testing.T) {
			for name, b := range map[string]*browser{"agent": agent, "viewer": viewer} {
				r := b.get("/console/webhook")
				wantStatus(t, r, http.StatusOK)
				wantContains(t, r, hookURL, "Admins and owners set the endpoint")
				wantLacks(t, r, `id="webhook-form"`, `name="rotate"`, "whsec_")
				r = b.post("/console/webhook", url.Values{"url": {"https://evil.example/" + name}, "rotate": {"1"}})
				wantStatus(t, r, http.StatusForbidden)
				wantLacks(t, r, "whsec_")
			}
			ep, err := hooks.Webhook(uitest.As(m.MemberActor(m.Hoppin, m.HoppinViewer)))
			if err != nil || ep.URL != hookURL {
				t.Fatalf("endpoint after refused posts: %v %v", ep, err)
			}
		})

		// Deliveries: nimbus has an endpoint of its own; both hear of their
		// inquiries, and hoppin of its agent's replies.
		if _, err := hooks.SetWebhook(uitest.As(m.MemberActor(m.Nimbus, m.NimbusOwner)), "https://hooks.nimbus.example/in", false); err != nil {
			t.Fatal(err)
		}
		s := seedInquiries(t, m)
		asAgent := uitest.As(m.MemberActor(m.Hoppin, m.HoppinAgent))
		for i := range 25 {
			if err := m.Svc.Inquiries.AddMessage(asAgent, s.minji.ID, &vocdesk.Message{Body: fmt.Sprintf("answer %d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		mine, _, err := hooks.FindWebhookDeliveries(asAgent, vocdesk.WebhookDeliveryFilter{Limit: 100})
		if err != nil || len(mine) != 26 {
			t.Fatalf("hoppin's deliveries: %d, %v; want 26", len(mine), err)
		}
		theirs, _, err := hooks.FindWebhookDeliveries(uitest.As(m.MemberActor(m.Nimbus, m.NimbusOwner)), vocdesk.WebhookDeliveryFilter{})
		if err != nil || len(theirs) != 1 {
			t.Fatalf("nimbus's deliveries: %d, %v; want 1", len(theirs), err)
		}
		created := mine[len(mine)-1] // the oldest: inquiry.created
		newest := mine[0]
		sys := uitest.System()
		now := time.Now()
		for _, a := range []struct {
			at    vocdesk.WebhookAttempt
			final bool
		}{
			{vocdesk.WebhookAttempt{At: now.Add(-time.Minute), StatusCode: 503, Duration: 120 * time.Millisecond}, false},
			{vocdesk.WebhookAttempt{At: now, Error: "dial tcp 203.0.113.7:443: connect: connection refused", Duration: 3 * time.Second}, true},
		} {
			if err := hooks.RecordAttempt(sys, newest.ID, a.at, false, a.final); err != nil {
				t.Fatal(err)
			}
		}
		if err := hooks.RecordAttempt(sys, mine[1].ID, vocdesk.WebhookAttempt{At: now, StatusCode: 204, Duration: 45 * time.Millisecond}, true, false); err != nil {
			t.Fatal(err)
		}

		t.Run("the secret shown is the one deliveries are signed with", func(t *testing.T) {
			_, ep, err := hooks.DeliveryForSending(sys, newest.ID)
			if err != nil || ep == nil || ep.Secret != secret {
				t.Fatalf("sending with %v (%v), want the secret the page showed last", ep, err)
			}
		})

		t.Run("the log: newest first, attempts, filter and paging", func(t *testing.T) {
			r := agent.get("/console/webhook")
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "Delivery log", "inquiry.replied", newest.EventID, mine[1].EventID,
				"Failed", "Delivered", "Pending", "No answer", "connection refused", "503", "120 ms", "3000 ms", "204", "45 ms",
				`&#34;type&#34;: &#34;inquiry.replied&#34;`, `action="/console/webhook/deliveries/`+itoa(newest.ID)+`/redeliver"`)
			wantLacks(t, r, created.EventID, theirs[0].EventID)
			if strings.Index(r.body, newest.EventID) > strings.Index(r.body, mine[1].EventID) {
				t.Error("the log is not newest first")
			}
			next := regexp.MustCompile(`href="(/console/webhook\?cursor=[^"]+)" rel="next"`).FindStringSubmatch(r.body)
			if next == nil {
				t.Fatal("no link to older deliveries")
			}
			r = agent.get(strings.ReplaceAll(next[1], "&amp;", "&"))
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, created.EventID, "inquiry.created", `href="/console/webhook#log"`)
			wantLacks(t, r, newest.EventID, `rel="next"`)

			r = agent.get("/console/webhook?status=failed")
			wantContains(t, r, newest.EventID)
			wantLacks(t, r, mine[1].EventID, created.EventID)
			r = agent.get("/console/webhook?status=delivered")
			wantContains(t, r, mine[1].EventID)
			wantLacks(t, r, newest.EventID)
			for _, q := range []string{"status=bogus", "cursor=" + url.QueryEscape("a b"), "cursor=zzz"} {
				r = agent.get("/console/webhook?" + q)
				wantStatus(t, r, http.StatusOK)
				wantContains(t, r, "could not be read", newest.EventID)
			}

			// Korean has every word too (the browser fails on a raw key).
			agent.lang = "ko"
			wantContains(t, agent.get("/console/webhook"), "전송 기록", "다시 보내기", "실패")
			agent.lang = "en"

			// Nimbus sees its own delivery only.
			r = people["nimbus"].get("/console/webhook")
			wantContains(t, r, theirs[0].EventID, "https://hooks.nimbus.example/in")
			wantLacks(t, r, newest.EventID, hookURL)
		})

		t.Run("redeliver", func(t *testing.T) {
			agent.get("/console/webhook")
			path := "/console/webhook/deliveries/" + itoa(newest.ID) + "/redeliver"
			r := agent.post(path, url.Values{})
			wantRedirect(t, r, "/console/webhook?redelivered="+itoa(newest.ID)+"#d"+itoa(newest.ID))
			r = agent.get("/console/webhook?redelivered=" + itoa(newest.ID))
			wantContains(t, r, "queued to be sent again")
			ds, _, err := hooks.FindWebhookDeliveries(asAgent, vocdesk.WebhookDeliveryFilter{Limit: 1})
			if err != nil || ds[0].ID != newest.ID || ds[0].Status != vocdesk.DeliveryPending || ds[0].EventID != newest.EventID {
				t.Fatalf("after redeliver: %+v, %v", ds, err)
			}

			// A viewer has no button, and its post is refused.
			r = viewer.get("/console/webhook")
			wantLacks(t, r, "/redeliver")
			wantStatus(t, viewer.post(path, url.Values{}), http.StatusForbidden)

			// Another developer's delivery is a missing one.
			theirPath := "/console/webhook/deliveries/" + itoa(theirs[0].ID) + "/redeliver"
			missingPath := "/console/webhook/deliveries/999999/redeliver"
			sameNotFound(t, agent.post(theirPath, url.Values{}), agent.post(missingPath, url.Values{}), theirPath, missingPath)
			wantStatus(t, agent.post("/console/webhook/deliveries/abc/redeliver", url.Values{}), http.StatusNotFound)
			ds, _, _ = hooks.FindWebhookDeliveries(uitest.As(m.MemberActor(m.Nimbus, m.NimbusOwner)), vocdesk.WebhookDeliveryFilter{})
			if ds[0].Status != theirs[0].Status {
				t.Errorf("nimbus's delivery changed: %s", ds[0].Status)
			}
		})

		t.Run("CSRF: posts without the token are refused", func(t *testing.T) {
			adm.get("/console/webhook")
			for _, p := range []string{"/console/webhook", "/console/webhook/deliveries/" + itoa(created.ID) + "/redeliver"} {
				r := adm.post(p, url.Values{"csrf": {""}, "url": {"https://evil.example/"}, "rotate": {"1"}})
				wantStatus(t, r, http.StatusForbidden)
				wantLacks(t, r, "whsec_")
				r = adm.post(p, url.Values{"url": {"https://evil.example/"}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
				wantStatus(t, r, http.StatusForbidden)
			}
			ep, err := hooks.Webhook(asAgent)
			if err != nil || ep.URL != hookURL {
				t.Errorf("endpoint after forged posts: %v %v", ep, err)
			}
		})
	})
}

// TestWebhookPageWithoutService checks that a server without webhooks has
// no webhook page.
func TestWebhookPageWithoutService(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		b := e.browser()
		b.login("/developer/login", e.m.HoppinOwner.Email, "/console")
		wantStatus(t, b.get("/console/webhook"), http.StatusNotFound)
		b.get("/console")
		wantStatus(t, b.post("/console/webhook", url.Values{"url": {"https://hooks.hoppin.example/"}}), http.StatusNotFound)
		wantStatus(t, b.post("/console/webhook/deliveries/1/redeliver", url.Values{}), http.StatusNotFound)
	})
}
