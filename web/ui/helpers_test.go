package ui_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/ratelimit"
	"github.com/vocdesk/vocdesk/ratelimit/ratelimittest"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/web/ui"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// env is a running UI over a seeded database.
type env struct {
	t   *testing.T
	m   *uitest.Marketplace
	srv *httptest.Server
}

func newEnv(t *testing.T, db *sqlstore.DB, limiter *ratelimit.Guard, with ...func(*uitest.Marketplace)) *env {
	t.Helper()
	m := uitest.Seed(t, db)
	for _, fn := range with {
		fn(m)
	}
	if limiter == nil {
		// Tests sign the same people in many times from one address.
		limiter = ratelimit.NewGuard(ratelimittest.Patient(1000))
	}
	// No job worker runs here: a webhook test event need not wait for one.
	h, err := ui.New(ui.Config{LoginLimiter: limiter, WebhookTestWait: -1}, m.Svc)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, m: m, srv: srv}
}

// browser is a cookie-keeping client that does not follow redirects, so
// tests see each answer.
type browser struct {
	e        *env
	c        *http.Client
	lang     string // Accept-Language
	lastCSRF string // the token of the last page that had a form
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, lang: "en", c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is an answer with its body read.
type response struct {
	*http.Response
	body string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) *response {
	b.e.t.Helper()
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	r := &response{Response: resp, body: string(body)}
	if m := csrfRE.FindStringSubmatch(r.body); m != nil {
		b.lastCSRF = m[1]
	}
	if strings.Contains(r.body, "[[") {
		b.e.t.Errorf("%s %s: page shows an untranslated key: %s", req.Method, req.URL.Path, r.body[strings.Index(r.body, "[["):][:40])
	}
	return r
}

func (b *browser) get(path string) *response {
	b.e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form the way a browser on this site does: same-origin, with
// the CSRF token of the last page unless the form sets its own.
func (b *browser) post(path string, form url.Values, hdr ...string) *response {
	b.e.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.lastCSRF)
	}
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.e.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return b.do(req)
}

// login signs in through the realm's sign-in page and fails the test unless
// it lands on want.
func (b *browser) login(loginPath, email, want string) {
	b.e.t.Helper()
	b.get(loginPath)
	r := b.post(loginPath, url.Values{"email": {email}, "password": {uitest.Password}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != want {
		b.e.t.Fatalf("login %s as %s: %d %q, want 303 to %s", loginPath, email, r.StatusCode, r.Header.Get("Location"), want)
	}
}

func (b *browser) sessionCookie() *http.Cookie {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "vocdesk_session" {
			return c
		}
	}
	return nil
}

func wantStatus(t *testing.T, r *response, status int) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL, r.StatusCode, status, r.body)
	}
}

func wantRedirect(t *testing.T, r *response, to string) {
	t.Helper()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != to {
		t.Fatalf("%s %s: %d to %q, want 303 to %q", r.Request.Method, r.Request.URL, r.StatusCode, r.Header.Get("Location"), to)
	}
}

func wantContains(t *testing.T, r *response, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.body, s) {
			t.Errorf("%s %s: body lacks %q", r.Request.Method, r.Request.URL, s)
		}
	}
}

func wantLacks(t *testing.T, r *response, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(r.body, s) {
			t.Errorf("%s %s: body has %q", r.Request.Method, r.Request.URL, s)
		}
	}
}
