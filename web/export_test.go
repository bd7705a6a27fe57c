package web

import (
	"net/http"
	"time"

	"github.com/vocdesk/vocdesk"
)

// RouteInfo is one line of the route table, for the tests in web_test.
type RouteInfo struct {
	Method, Path string
	Public       bool // no credentials needed
	API          bool // under /api/v1, errors in JSON
	Realms       []vocdesk.Realm
}

// Routes returns the route table of s.
func Routes(s *Server) []RouteInfo {
	var out []RouteInfo
	for _, rt := range s.routes() {
		ri := RouteInfo{Method: rt.method, Path: rt.path, Public: rt.realms == public, API: rt.json}
		for _, r := range []vocdesk.Realm{vocdesk.RealmCustomer, vocdesk.RealmDeveloper, vocdesk.RealmOperator} {
			if rt.realms.has(r) {
				ri.Realms = append(ri.Realms, r)
			}
		}
		out = append(out, ri)
	}
	return out
}

// PagePatterns lists the pattern of every browser page of s.
func PagePatterns(s *Server) []string {
	return s.pages.(interface{ Patterns() []string }).Patterns()
}

// DecodePurchase is the request decoder of POST /api/v1/purchases.
func DecodePurchase(r *http.Request) (*vocdesk.Purchase, error) { return decodePurchase(nil, r) }

// OpenAPIDoc is the embedded OpenAPI document.
func OpenAPIDoc() []byte { return openAPIDoc }

// MaxBodyBytes is the request body limit.
const MaxBodyBytes = maxBodyBytes

// QueryParams is, per route pattern, the query parameters the route takes.
func QueryParams(s *Server) map[string]map[string]bool { return s.queryParams }

// DecodeMerge and DecodeSnooze are the request decoders of POST
// /inquiries/{id}/merge and PUT /inquiries/{id}/snooze.
func DecodeMerge(r *http.Request) (int64, error) { return decodeMerge(nil, r) }

func DecodeSnooze(r *http.Request) (*time.Time, error) { return decodeSnooze(nil, r) }
