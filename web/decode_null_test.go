package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// Issue 16, finding 8: a body of null is not an object. Before: PUT
// /reconciliation-settings with null answered 200 having changed nothing.
func TestNullBodyIsRefused(t *testing.T) {
	e := newEnv(t, sqlstoretest.OpenSQLite(t))
	for _, c := range []struct{ method, url, as string }{
		{"PUT", "/api/v1/reconciliation-settings", e.a.key},
		{"PUT", "/api/v1/webhook", e.a.key},
		{"POST", "/api/v1/customers", e.opKey},
	} {
		for _, body := range []string{"null", " null\n"} {
			res := serve(e.srv, c.method, c.url, body, bearerWith(jsonCT, c.as))
			if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "not null") {
				t.Errorf("%s %s with %q: %d %s; want 400", c.method, c.url, body, res.Code, res.Body)
			}
		}
	}
}
