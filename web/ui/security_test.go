package ui_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestSecurityHeadersAndAssets(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		b := e.browser()
		r := b.get("/")
		wantStatus(t, r, http.StatusOK)
		csp := r.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "script-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP allows inline code: %q", csp)
		}
		for h, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "same-origin",
			"Cache-Control":          "no-store",
		} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		// No inline scripts or styles, which the policy would block anyway.
		if regexp.MustCompile(`<script>|<style|style="`).MatchString(r.body) {
			t.Error("page has inline script or style")
		}

		// Assets have content-hashed URLs and are cached for good.
		for _, name := range []string{"app", "favicon"} {
			m := regexp.MustCompile(`"(/static/` + name + `\.[0-9a-f]{10}\.(?:css|js|svg))"`).FindStringSubmatch(r.body)
			if m == nil {
				t.Fatalf("no hashed URL for %s", name)
			}
			a := b.get(m[1])
			wantStatus(t, a, http.StatusOK)
			if cc := a.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
				t.Errorf("%s: Cache-Control %q", m[1], cc)
			}
		}
		wantStatus(t, b.get("/static/app.css"), http.StatusNotFound)
		wantStatus(t, b.get("/static/app.0000000000.css"), http.StatusNotFound)
	})
}
