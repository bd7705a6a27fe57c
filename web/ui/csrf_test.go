package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

func TestCSRF(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		b := e.browser()
		b.login("/developer/login", e.m.HoppinOwner.Email, "/console")
		b.get("/console")
		token := b.lastCSRF

		t.Run("missing token", func(t *testing.T) {
			r := b.post("/logout", url.Values{"csrf": {""}})
			wantStatus(t, r, http.StatusForbidden)
			wantStatus(t, b.get("/console"), http.StatusOK) // still signed in
		})
		t.Run("wrong token", func(t *testing.T) {
			wantStatus(t, b.post("/logout", url.Values{"csrf": {token + "x"}}), http.StatusForbidden)
		})
		t.Run("cross-origin post with a valid token", func(t *testing.T) {
			r := b.post("/logout", url.Values{"csrf": {token}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
			wantStatus(t, r, http.StatusForbidden)
			// Browsers without Sec-Fetch-Site still send Origin.
			r = b.post("/logout", url.Values{"csrf": {token}}, "Sec-Fetch-Site", "", "Origin", "https://evil.example")
			wantStatus(t, r, http.StatusForbidden)
			wantStatus(t, b.get("/console"), http.StatusOK)
		})
		t.Run("same-origin post with the token", func(t *testing.T) {
			wantRedirect(t, b.post("/logout", url.Values{"csrf": {token}}), "/developer/login")
		})
		t.Run("sign-in form needs its double-submit token", func(t *testing.T) {
			fresh := e.browser()
			fresh.get("/login")
			r := fresh.post("/login", url.Values{"csrf": {"forged"}, "email": {e.m.Minji.Email}, "password": {uitest.Password}})
			wantStatus(t, r, http.StatusForbidden)
			// Without the cookie the form's token is worth nothing either.
			other := e.browser()
			r = other.post("/login", url.Values{"csrf": {fresh.lastCSRF}, "email": {e.m.Minji.Email}, "password": {uitest.Password}})
			wantStatus(t, r, http.StatusForbidden)
		})
	})
}
