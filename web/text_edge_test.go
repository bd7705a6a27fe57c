package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// Finding 3: NUL, other control characters, bidirectional overrides and
// invalid UTF-8 answer 400 invalid_text at every door, on both engines.
// (Before: PostgreSQL answered 500 to a NUL, SQLite stored it; invalid
// UTF-8 in JSON became U+FFFD and was stored.)
func TestTextRuleAtTheEdge(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		inq := strconv.FormatInt(e.a.desk.inquiryID, 10)
		cases := []struct {
			name, method, url, body, as string
		}{
			{"customer name with NUL", "POST", "/api/v1/customers", `{"email":"nul@example.com","name":"a\u0000b"}`, e.opKey},
			{"customer name with raw invalid UTF-8", "POST", "/api/v1/customers", "{\"email\":\"ff@example.com\",\"name\":\"a\xffb\"}", e.opKey},
			{"note with NUL", "POST", "/api/v1/inquiries/" + inq + "/notes", `{"body":"x\u0000y"}`, e.a.key},
			{"inquiry with ESC", "POST", "/api/v1/me/inquiries", `{"app":"` + e.a.app + `","category":"bug","subject":"s","body":"\u001b[31mred"}`, e.a.customerToken},
			{"inquiry with U+202E", "POST", "/api/v1/me/inquiries", `{"app":"` + e.a.app + `","category":"bug","subject":"s","body":"abc\u202edef"}`, e.a.customerToken},
			{"inquiry with the highlight marker", "POST", "/api/v1/me/inquiries", `{"app":"` + e.a.app + `","category":"bug","subject":"\u0002s\u0003","body":"b"}`, e.a.customerToken},
			{"txid query with NUL", "GET", "/api/v1/purchases?txid=a%00b", "", e.a.key},
			{"txid path with NUL", "GET", "/api/v1/purchases/a%00b", "", e.a.key},
			{"txid path with invalid UTF-8", "GET", "/api/v1/me/purchases/a%ffb", "", e.a.customerToken},
			{"deliveries with NUL", "POST", "/api/v1/deliveries", `{"deliveries":[{"txid":"` + e.a.txid + `","tid":"a\u0000","amount":"1200","currency":"KRW","delivered_at":"2024-05-01T09:31:00Z"}]}`, e.a.key},
			{"sign-in with NUL", "POST", "/api/v1/auth/token", `{"realm":"customer","email":"a\u0000@example.com","password":"x"}`, ""},
			{"purchase with a C1 control", "POST", "/api/v1/purchases", `{"txid":"TX-C1\u0085","tid":"t","customer_id":` + strconv.FormatInt(e.a.customerID, 10) +
				`,"app":"` + e.a.app + `","item":"` + e.a.item + `","amount":"1","currency":"KRW","method":"card","paid_at":"2024-01-01T00:00:00Z"}`, e.opKey},
		}
		for _, c := range cases {
			h := http.Header{}
			if c.body != "" {
				h.Set("Content-Type", "application/json")
			}
			if c.as != "" {
				h = bearerWith(h, c.as)
			}
			res := serve(e.srv, c.method, c.url, c.body, h)
			if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), `"code":"invalid_text"`) {
				t.Errorf("%s: %d %s; want 400 invalid_text", c.name, res.Code, res.Body)
			}
		}
		// The pages follow the same rule: a form field, a query parameter.
		if got := pageSignIn(t, e.srv, "/login", "a\x00b@example.com", "password"); got != http.StatusBadRequest {
			t.Errorf("sign-in form with NUL email: %d; want 400", got)
		}
		if got := serve(e.srv, "GET", "/developer/login?next=%1b", "", nil).Code; got != http.StatusBadRequest {
			t.Errorf("page query with ESC: %d; want 400", got)
		}
		// Tab, newline and CRLF are text; so is Korean and U+FFFD itself.
		res := serve(e.srv, "POST", "/api/v1/inquiries/"+inq+"/notes", `{"body":"a\tb\r\nc\n환불 \ufffd"}`, bearerWith(http.Header{"Content-Type": {"application/json"}}, e.a.key))
		if res.Code != http.StatusCreated {
			t.Errorf("note with tab and newlines: %d %s", res.Code, res.Body)
		}
	})
}

func bearerWith(h http.Header, secret string) http.Header {
	h = h.Clone()
	h.Set("Authorization", "Bearer "+secret)
	return h
}
