package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/vocdesk/vocdesk/ratelimit"
	"github.com/vocdesk/vocdesk/ratelimit/ratelimittest"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

func TestLogin(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m

		t.Run("each realm lands on its home", func(t *testing.T) {
			for _, tc := range []struct{ path, email, home string }{
				{"/login", m.Minji.Email, "/my"},
				{"/developer/login", m.HoppinOwner.Email, "/console"},
				{"/operator/login", m.Operator.Email, "/operator"},
			} {
				b := e.browser()
				b.login(tc.path, tc.email, tc.home)
				c := b.sessionCookie()
				if c == nil {
					t.Fatalf("%s: no session cookie", tc.path)
				}
				wantStatus(t, b.get(tc.home), http.StatusOK)
				// A signed-in browser asking for the sign-in page goes home.
				wantRedirect(t, b.get(tc.path), tc.home)
			}
		})

		t.Run("cookie attributes", func(t *testing.T) {
			b := e.browser()
			b.get("/login")
			r := b.post("/login", url.Values{"email": {m.Minji.Email}, "password": {uitest.Password}})
			var found bool
			for _, c := range r.Cookies() {
				if c.Name != "vocdesk_session" {
					continue
				}
				found = true
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
					t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", c)
				}
			}
			if !found {
				t.Fatal("no session cookie set")
			}
		})

		t.Run("next brings the browser back, but only inside its area", func(t *testing.T) {
			b := e.browser()
			wantRedirect(t, b.get("/my/purchases?app=hoppin-quest"), "/login?next=%2Fmy%2Fpurchases%3Fapp%3Dhoppin-quest")
			b.get("/login?next=%2Fmy%2Fpurchases%3Fapp%3Dhoppin-quest")
			r := b.post("/login", url.Values{"email": {m.Minji.Email}, "password": {uitest.Password}, "next": {"/my/purchases?app=hoppin-quest"}})
			wantRedirect(t, r, "/my/purchases?app=hoppin-quest")

			for _, next := range []string{"//evil.example/", "https://evil.example/", "/console", "/\\evil.example"} {
				b := e.browser()
				b.get("/login")
				r := b.post("/login", url.Values{"email": {m.Minji.Email}, "password": {uitest.Password}, "next": {next}})
				wantRedirect(t, r, "/my")
			}
		})

		t.Run("wrong password and unknown email fail alike", func(t *testing.T) {
			b := e.browser()
			b.get("/login")
			bad := b.post("/login", url.Values{"email": {m.Minji.Email}, "password": {"nope"}})
			wantStatus(t, bad, http.StatusOK)
			wantContains(t, bad, "Wrong email or password.")
			unknown := b.post("/login", url.Values{"email": {"nobody@example.com"}, "password": {"nope"}})
			wantContains(t, unknown, "Wrong email or password.")
			if b.sessionCookie() != nil {
				t.Error("a failed sign-in set a session cookie")
			}
			// A customer's password does not open the developer console.
			b.get("/developer/login")
			cross := b.post("/developer/login", url.Values{"email": {m.Minji.Email}, "password": {uitest.Password}})
			wantContains(t, cross, "Wrong email or password.")
		})
	})
}

func TestLoginRateLimit(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, ratelimit.NewGuard(ratelimittest.Patient(3)))
		b := e.browser()
		b.get("/login")
		for i := 0; i < 3; i++ {
			r := b.post("/login", url.Values{"email": {e.m.Minji.Email}, "password": {"guess"}})
			wantStatus(t, r, http.StatusOK)
		}
		r := b.post("/login", url.Values{"email": {e.m.Minji.Email}, "password": {uitest.Password}})
		wantStatus(t, r, http.StatusTooManyRequests)
		wantContains(t, r, "Too many sign-in attempts")
		if r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		if b.sessionCookie() != nil {
			t.Error("a refused sign-in set a session cookie")
		}
		// The bucket is per email: another account from the same address
		// still signs in.
		b.login("/login", e.m.Jun.Email, "/my")
	})
}

func TestLogout(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		b := e.browser()
		b.login("/developer/login", e.m.HoppinOwner.Email, "/console")
		old := b.sessionCookie()
		b.get("/console")
		wantRedirect(t, b.post("/logout", url.Values{}), "/developer/login")
		wantRedirect(t, b.get("/console"), "/developer/login?next=%2Fconsole")

		// The old cookie is dead on the server, not just forgotten by the
		// browser.
		replay := e.browser()
		u, _ := url.Parse(e.srv.URL)
		replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: old.Name, Value: old.Value}})
		wantRedirect(t, replay.get("/console"), "/developer/login?next=%2Fconsole")
	})
}

func TestRealmGating(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		anon := e.browser()
		wantRedirect(t, anon.get("/my"), "/login?next=%2Fmy")
		wantRedirect(t, anon.get("/console"), "/developer/login?next=%2Fconsole")
		wantRedirect(t, anon.get("/operator"), "/operator/login?next=%2Foperator")

		cust := e.browser()
		cust.login("/login", e.m.Minji.Email, "/my")
		wantRedirect(t, cust.get("/console"), "/developer/login?next=%2Fconsole")
		wantRedirect(t, cust.get("/operator"), "/operator/login?next=%2Foperator")
		cust.get("/my")
		wantRedirect(t, cust.post("/operator/keys", url.Values{"name": {"x"}, "realm": {"operator"}}), "/operator/login")

		dev := e.browser()
		dev.login("/developer/login", e.m.HoppinOwner.Email, "/console")
		wantRedirect(t, dev.get("/my/purchases"), "/login?next=%2Fmy%2Fpurchases")

		wantStatus(t, anon.get("/no/such/page"), http.StatusNotFound)
	})
}
