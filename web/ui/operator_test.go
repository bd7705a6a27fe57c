package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

var revokeRE = regexp.MustCompile(`action="(/operator/keys/\d+/revoke)"`)

func TestOperatorHome(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		b := e.browser()
		b.login("/operator/login", m.Operator.Email, "/operator")

		r := b.get("/operator")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, "Hoppin Games", "Nimbus Labs", "호핀 퀘스트", "Nimbus Notes",
			m.JunPurchases[0].TxID, m.JunPurchases[1].TxID, m.MinjiPurchases[0].TxID, "No API keys yet.")

		// Create a developer key: the post answers with a redirect, and the
		// page it leads to shows the secret, once.
		r = b.post("/operator/keys", url.Values{"name": {"hoppin-server"}, "realm": {"developer"}, "developer": {"hoppin"}})
		wantRedirect(t, r, "/operator/keys/new")
		r = b.get("/operator/keys/new")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, "API key created", "API key “hoppin-server” created.", "hoppin-server", "will not be shown again")
		secret := regexp.MustCompile(`id="secret" class="mono" readonly value="([^"]+)"`).FindStringSubmatch(r.body)
		if secret == nil || len(secret[1]) < 20 {
			t.Fatalf("no secret on the created page")
		}
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("created key page Cache-Control %q, want no-store", cc)
		}
		if a, err := m.Svc.Auth.ActorForAPIKey(t.Context(), secret[1]); err != nil || a.DeveloperID != m.Hoppin.ID {
			t.Fatalf("the shown secret does not authenticate as hoppin: %v %v", a, err)
		}

		// Reloading the page shows the secret no more and creates no key.
		wantRedirect(t, b.get("/operator/keys/new"), "/operator#keys")
		if keys, err := m.Svc.Auth.FindAPIKeys(uitest.As(vocdesk.SystemActor())); err != nil || len(keys) != 1 {
			t.Fatalf("after a reload: %d keys (%v), want 1", len(keys), err)
		}

		r = b.get("/operator")
		wantContains(t, r, "hoppin-server", "Active")
		wantLacks(t, r, secret[1])

		// Revoke it with the list's own form.
		action := revokeRE.FindStringSubmatch(r.body)
		if action == nil {
			t.Fatal("no revoke form")
		}
		wantRedirect(t, b.post(action[1], url.Values{}), "/operator#keys")
		if _, err := m.Svc.Auth.ActorForAPIKey(t.Context(), secret[1]); err == nil {
			t.Fatal("a revoked key still authenticates")
		}
		r = b.get("/operator")
		wantContains(t, r, "Revoked")
		if revokeRE.MatchString(r.body) {
			t.Error("a revoked key still has a revoke button")
		}

		// Bad input answers with a page, not a crash.
		wantStatus(t, b.post("/operator/keys", url.Values{"name": {""}, "realm": {"operator"}}), http.StatusBadRequest)
		wantStatus(t, b.post("/operator/keys", url.Values{"name": {"x"}, "realm": {"root"}}), http.StatusBadRequest)
		// An unknown developer is the service's to judge (400 or 404), never a 500.
		if r := b.post("/operator/keys", url.Values{"name": {"x"}, "realm": {"developer"}, "developer": {"nobody"}}); r.StatusCode/100 != 4 {
			t.Errorf("key for an unknown developer: status %d, want 4xx", r.StatusCode)
		}
		wantStatus(t, b.post("/operator/keys/999999/revoke", url.Values{}), http.StatusNotFound)
		wantStatus(t, b.post("/operator/keys/abc/revoke", url.Values{}), http.StatusNotFound)
	})
}
