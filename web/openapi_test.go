package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// TestOpenAPICoversRoutes holds the document and the route table to each
// other: every route is documented, every documented operation is a route,
// and public routes are the ones documented without security.
func TestOpenAPICoversRoutes(t *testing.T) {
	oas := loadValidator(t)
	srv, err := web.NewServer(web.Config{}, sqlstore.Services(sqlstoretest.OpenSQLite(t)))
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]web.RouteInfo{}
	for _, rt := range web.Routes(srv) {
		routes[rt.Method+" "+rt.Path] = rt
	}
	documented := map[string]bool{}
	for path, item := range oas.doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			documented[key] = true
			rt, ok := routes[key]
			if !ok {
				t.Errorf("%s is documented but not routed", key)
				continue
			}
			openOp := op.Security != nil && len(*op.Security) == 0
			if rt.Public != openOp {
				t.Errorf("%s: public %v in the route table, but the document says security %v", key, rt.Public, op.Security)
			}
			for _, realm := range rt.Realms {
				if !strings.Contains(op.Description, string(realm)) {
					t.Errorf("%s: the description does not name realm %s", key, realm)
				}
			}
			if _, ok := op.Responses.Map()["500"]; rt.API && !ok {
				t.Errorf("%s: no 500 answer documented", key)
			}
			if !rt.Public {
				for _, code := range []string{"401", "404"} {
					if _, ok := op.Responses.Map()[code]; !ok {
						t.Errorf("%s: no %s answer documented", key, code)
					}
				}
			}
		}
	}
	for key := range routes {
		if !documented[key] {
			t.Errorf("%s is routed but not documented", key)
		}
	}
	if len(routes) < 20 {
		t.Errorf("only %d routes in the table", len(routes))
	}
}

// TestOpenAPIServed checks the served document is the embedded one and is
// OpenAPI 3.1.
func TestOpenAPIServed(t *testing.T) {
	srv, err := web.NewServer(web.Config{}, sqlstore.Services(sqlstoretest.OpenSQLite(t)))
	if err != nil {
		t.Fatal(err)
	}
	res := serve(srv, "GET", "/api/v1/openapi.json", "", nil)
	if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", res.Code, res.Header().Get("Content-Type"))
	}
	var doc struct {
		OpenAPI    string `json:"openapi"`
		Components struct {
			Schemas map[string]struct {
				Pattern string `json:"pattern"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(res.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q; want 3.1.x", doc.OpenAPI)
	}
	if p := doc.Components.Schemas["Amount"].Pattern; p == "" {
		t.Error("the Amount schema has no pattern: money must be documented as a decimal string")
	}
	if !slices.Equal(res.Body.Bytes(), web.OpenAPIDoc()) {
		t.Error("served document differs from the embedded one")
	}
}
