package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// Issue 16, finding 8: the pre-login CSRF cookie counts only in the form we
// set it in. Before: a cookie "x" with a posted token "x" passed.
func TestPreLoginTokenMustHaveOurForm(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		for _, forged := range []string{"x", strings.Repeat("a", 32), strings.Repeat("!", 43)} {
			form := url.Values{"csrf": {forged}, "email": {e.m.Minji.Email}, "password": {uitest.Password}}
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "vocdesk_csrf", Value: forged})
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("cookie and token %q: %d; want 403", forged, res.StatusCode)
			}
		}
	})
}

// Issue 16, finding 8: next= is judged as the browser will follow it, after
// cleaning. Before: /my/../console passed the check and http.Redirect then
// cleaned it to /console.
func TestNextIsJudgedAfterCleaning(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		for next, want := range map[string]string{
			"/my/../console":       "/my",
			"/my/./../operator":    "/my",
			"/my/%2e%2e/console":   "/my",
			"/my/..%2fconsole":     "/my",
			"/my/purchases?page=2": "/my/purchases?page=2",
			"/my/./inquiries/../":  "/my/",
			"/my/inquiries/1/../2": "/my/inquiries/2",
		} {
			b := e.browser()
			b.get("/login")
			r := b.post("/login", url.Values{"email": {e.m.Minji.Email}, "password": {uitest.Password}, "next": {next}})
			if got := r.Header.Get("Location"); got != want {
				t.Errorf("next=%s: redirected to %q, want %q", next, got, want)
			}
		}
	})
}
