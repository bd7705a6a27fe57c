package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// TestMetricsNamePages walks every registered page route and checks that
// /metrics counts its request under the route's own pattern, not as
// "unmatched": an operator reading the dashboard must see which pages are
// slow or failing. Only a path that no page matches is "unmatched".
func TestMetricsNamePages(t *testing.T) {
	e := newEnv(t, sqlstoretest.OpenSQLite(t))
	patterns := web.PagePatterns(e.srv)
	if len(patterns) < 40 {
		t.Fatalf("only %d page patterns: %v", len(patterns), patterns)
	}
	wildcard := regexp.MustCompile(`\{[^}]*\}`)
	for _, p := range patterns {
		method, path, _ := strings.Cut(p, " ")
		path = strings.ReplaceAll(path, "{$}", "")
		path = wildcard.ReplaceAllString(path, "1")
		// Unsigned and without a CSRF token: pages answer a login redirect
		// or a refusal, which must be counted under the page all the same.
		serve(e.srv, method, path, "", nil)
	}
	serve(e.srv, "GET", "/no/such/page", "", nil)

	metrics := serve(e.srv, "GET", "/metrics", "", nil).Body.String()
	for _, p := range patterns {
		if !regexp.MustCompile(`vocdesk_http_requests_total\{code="\d+",route="` + regexp.QuoteMeta(p) + `"\} 1\n`).MatchString(metrics) {
			t.Errorf("no request counted under route %q", p)
		}
	}
	unmatched := regexp.MustCompile(`vocdesk_http_requests_total\{code="\d+",route="unmatched"\} (\d+)`).FindAllStringSubmatch(metrics, -1)
	if len(unmatched) != 1 || unmatched[0][1] != "1" {
		t.Errorf("unmatched requests: %v; want exactly the one to /no/such/page", unmatched)
	}
}
