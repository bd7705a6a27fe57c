package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// TestUnknownQueryParameters walks every API route of the route table as a
// caller the route lets in, aimed at that caller's own things: a query
// parameter the route does not take answers 400 unknown_parameter naming
// it, and every parameter the route does take is let through to the
// handler (it may still be refused as an invalid value, but never as
// unknown).
func TestUnknownQueryParameters(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		own := e.aimAt(e.a)
		declared := web.QueryParams(e.srv)
		walked := 0
		for _, rt := range web.Routes(e.srv) {
			if !rt.API {
				continue
			}
			pattern := rt.Method + " " + rt.Path
			known, ok := declared[pattern]
			if !ok {
				t.Errorf("%s: the OpenAPI document does not describe it, so its query is not checked", pattern)
				continue
			}
			var header http.Header
			switch {
			case rt.Public:
			case slices.Contains(rt.Realms, vocdesk.RealmOperator):
				header = bearer(e.opKey)
			case slices.Contains(rt.Realms, vocdesk.RealmDeveloper):
				header = bearer(e.a.key)
			default:
				header = bearer(e.a.customerToken)
			}
			walked++
			t.Run(pattern, func(t *testing.T) {
				e.t = t
				path := own.fill(t, rt.Path, true)
				res := serve(e.srv, rt.Method, path+"?phone=01012345678&app="+e.a.app, "", header)
				if res.Code != http.StatusBadRequest {
					t.Fatalf("?phone= answers %d; want 400\n%s", res.Code, res.Body)
				}
				code, msg := errorOf(t, res)
				if code != "unknown_parameter" || !strings.Contains(msg, "phone") {
					t.Errorf("?phone= answers %s %q; want unknown_parameter naming phone", code, msg)
				}
				if strings.Contains(msg, "unknown query parameter app") {
					t.Errorf("the message names a parameter the route takes: %q", msg)
				}
				for name := range known {
					res := serve(e.srv, rt.Method, path+"?"+name+"=x", "", header)
					if res.Code == http.StatusBadRequest {
						if code, _ := errorOf(t, res); code == "unknown_parameter" {
							t.Errorf("?%s= is documented but refused as unknown", name)
						}
					}
				}
			})
		}
		if walked < 60 {
			t.Errorf("walked only %d routes", walked)
		}
	})
}

// TestUnknownParameterIsNotAFilter is the bug that started it: ?phone= on
// the purchase list used to answer the whole, unfiltered list.
func TestUnknownParameterIsNotAFilter(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		res := e.do("GET", "/api/v1/purchases?phone=010-1234-5678", "", bearer(e.a.key))
		if res.Code != http.StatusBadRequest {
			t.Fatalf("?phone= answers %d; want 400\n%s", res.Code, res.Body)
		}
		if code, msg := errorOf(t, res); code != "unknown_parameter" || !strings.Contains(msg, "phone") {
			t.Errorf("answer %s %q", code, msg)
		}
		// Across the line the realm check answers first: a customer asking
		// a staff route learns nothing about its parameters.
		res = e.do("GET", "/api/v1/purchases?phone=1", "", bearer(e.a.customerToken))
		if res.Code != http.StatusNotFound {
			t.Errorf("customer on a staff route with an unknown parameter: %d; want 404", res.Code)
		}
	})
}
