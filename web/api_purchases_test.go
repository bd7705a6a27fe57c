package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// purchase is a POST /purchases body for customer A on app A with fields
// replaced as given ("amount": `"1200"` sets the raw JSON of amount; an
// empty value drops the field).
func purchase(fields ...string) string {
	m := map[string]string{
		"txid": `"TX-NEW-1"`, "tid": `"order-new-1"`, "customer_id": `${A.customer}`, "app": `"${A.app}"`,
		"item": `"${A.item}"`, "amount": `"1200"`, "currency": `"KRW"`, "method": `"carrier"`,
		"paid_at": `"2024-06-01T12:00:00+09:00"`,
	}
	order := []string{"txid", "tid", "customer_id", "app", "item", "amount", "currency", "method", "paid_at"}
	for i := 0; i+1 < len(fields); i += 2 {
		if _, ok := m[fields[i]]; !ok {
			order = append(order, fields[i])
		}
		m[fields[i]] = fields[i+1]
	}
	var parts []string
	for _, k := range order {
		if m[k] != "" {
			parts = append(parts, `"`+k+`":`+m[k])
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestAPIPurchases(t *testing.T) {
	var first string // the body of the first 201, to compare with the repeat
	bad := func(name, body, msg string) scenario {
		return scenario{name: name, method: "POST", url: "/api/v1/purchases", body: body, as: "op",
			status: http.StatusBadRequest, code: "invalid_request", want: []string{msg}, unchanged: true}
	}
	runScenarios(t, []scenario{
		{name: "record", method: "POST", url: "/api/v1/purchases", body: purchase(), as: "op", status: http.StatusCreated,
			want: []string{`"txid":"TX-NEW-1"`, `"amount":"1200"`, `"refunded_amount":"0"`, `"currency":"KRW"`,
				`"status":"paid"`, `"developer":"${A.slug}"`, `"paid_at":"2024-06-01T03:00:00Z"`, `"app_name":"App alpha"`},
			after: func(t *testing.T, e *env, res *httptest.ResponseRecorder) { first = res.Body.String() }},
		{name: "same again answers 200 with the same body", method: "POST", url: "/api/v1/purchases", body: purchase(), as: "op",
			status: http.StatusOK, unchanged: true,
			after: func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
				if res.Body.String() != first {
					t.Errorf("repeat body differs:\n%s\n%s", first, res.Body)
				}
			}},
		{name: "same values written differently are the same purchase", method: "POST", url: "/api/v1/purchases",
			body: purchase("amount", `"1200.00"`, "paid_at", `"2024-06-01T03:00:00Z"`), as: "op", status: http.StatusOK, unchanged: true},
		{name: "other amount under a known txid", method: "POST", url: "/api/v1/purchases", body: purchase("amount", `"1300"`), as: "op",
			status: http.StatusConflict, code: "conflict", unchanged: true},
		{name: "other customer under a known txid", method: "POST", url: "/api/v1/purchases", body: purchase("customer_id", `${B.customer}`), as: "op",
			status: http.StatusConflict, code: "conflict", unchanged: true},
		{name: "tid reused by the same developer", method: "POST", url: "/api/v1/purchases", body: purchase("txid", `"TX-NEW-2"`), as: "op",
			status: http.StatusConflict, code: "conflict", unchanged: true},
		{name: "USD amount keeps its cents", method: "POST", url: "/api/v1/purchases",
			body: purchase("txid", `"TX-USD-1"`, "tid", `"usd-1"`, "amount", `"10"`, "currency", `"USD"`), as: "op",
			status: http.StatusCreated, want: []string{`"amount":"10.00"`, `"refunded_amount":"0.00"`}},

		bad("unknown currency", purchase("txid", `"TX-BAD"`, "currency", `"XXX"`), `unknown currency`),
		bad("lower-case currency", purchase("txid", `"TX-BAD"`, "currency", `"krw"`), `unknown currency`),
		bad("zero amount", purchase("txid", `"TX-BAD"`, "amount", `"0"`), `greater than zero`),
		bad("negative amount", purchase("txid", `"TX-BAD"`, "amount", `"-1200"`), `greater than zero`),
		bad("half a won", purchase("txid", `"TX-BAD"`, "amount", `"0.5"`), `more decimals than KRW allows`),
		bad("amount as a JSON number", purchase("txid", `"TX-BAD"`, "amount", `1200`), `never a JSON number`),
		bad("amount with an exponent", purchase("txid", `"TX-BAD"`, "amount", `"1e3"`), `not a decimal number`),
		bad("empty amount", purchase("txid", `"TX-BAD"`, "amount", `""`), `amount is required`),
		bad("missing txid", purchase("txid", ""), `txid is required`),
		bad("missing tid", purchase("txid", `"TX-BAD"`, "tid", ""), `tid is required`),
		bad("missing customer", purchase("txid", `"TX-BAD"`, "customer_id", ""), `customer_id is required`),
		bad("missing currency", purchase("txid", `"TX-BAD"`, "currency", ""), `currency is required`),
		bad("missing paid_at", purchase("txid", `"TX-BAD"`, "paid_at", ""), `paid_at is required`),
		bad("paid_at not RFC 3339", purchase("txid", `"TX-BAD"`, "paid_at", `"2024-06-01 12:00"`), `RFC 3339`),
		bad("unknown method", purchase("txid", `"TX-BAD"`, "method", `"bitcoin"`), `method must be one of`),
		bad("customer_id as a string", purchase("txid", `"TX-BAD"`, "customer_id", `"1"`), `customer_id must be a number`),
		bad("unknown field", purchase("txid", `"TX-BAD"`, "coupon", `"FREE"`), `unknown field \"coupon\"`),
		bad("malformed JSON", `{"txid": "TX-BAD",`, `malformed JSON`),
		bad("not an object", `["TX-BAD"]`, `must be a JSON object`),
		bad("empty body", ``, `request body is empty`),
		bad("trailing data", purchase("txid", `"TX-BAD"`)+`{}`, `exactly one JSON object`),
		bad("unknown app", purchase("txid", `"TX-BAD"`, "app", `"no-such-app"`), `unknown app`),
		bad("unknown customer", purchase("txid", `"TX-BAD"`, "customer_id", `987654`), `unknown customer`),
		{name: "form content type", method: "POST", url: "/api/v1/purchases", body: purchase("txid", `"TX-BAD"`), as: "op",
			header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			status: http.StatusBadRequest, code: "invalid_request", want: []string{"Content-Type must be application/json"}, unchanged: true},
		{name: "no content type is tolerated", method: "POST", url: "/api/v1/purchases",
			body: purchase("txid", `"TX-NOCT"`, "tid", `"noct-1"`), as: "op",
			header: http.Header{"Content-Type": {""}}, status: http.StatusCreated},
		{name: "body over 1 MiB", method: "POST", url: "/api/v1/purchases",
			body: purchase("txid", `"TX-BIG"`, "tid", `"`+strings.Repeat("x", 1<<20)+`"`), as: "op",
			status: http.StatusRequestEntityTooLarge, code: "too_large", unchanged: true},
		{name: "developer key may not record", method: "POST", url: "/api/v1/purchases", body: purchase("txid", `"TX-DEV"`), as: "devA",
			status: http.StatusNotFound, code: "not_found", unchanged: true},
		{name: "no credentials", method: "POST", url: "/api/v1/purchases", body: purchase("txid", `"TX-ANON"`),
			status: http.StatusUnauthorized, code: "unauthorized", unchanged: true,
			after: func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
				if res.Header().Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			}},
		{name: "revoked-looking key", method: "POST", url: "/api/v1/purchases", body: purchase("txid", `"TX-ANON"`), as: "Bearer vdk_live_nope",
			status: http.StatusUnauthorized, code: "unauthorized", unchanged: true},

		{name: "developer lists its own", method: "GET", url: "/api/v1/purchases", as: "devA", status: http.StatusOK,
			want: []string{"${A.txid}", "TX-NEW-1"}, notWant: []string{"${B.txid}"}},
		{name: "operator lists all", method: "GET", url: "/api/v1/purchases", as: "op", status: http.StatusOK,
			want: []string{"${A.txid}", "${B.txid}"}},
		{name: "filter by txid", method: "GET", url: "/api/v1/purchases?txid=${A.txid}", as: "op", status: http.StatusOK,
			want: []string{"${A.txid}"}, notWant: []string{"${B.txid}", "TX-NEW-1"}},
		{name: "filter by tid", method: "GET", url: "/api/v1/purchases?tid=${B.tid}", as: "op", status: http.StatusOK,
			want: []string{"${B.txid}"}, notWant: []string{"${A.txid}"}},
		{name: "filter by customer", method: "GET", url: "/api/v1/purchases?customer_id=${B.customer}", as: "op", status: http.StatusOK,
			want: []string{"${B.txid}"}, notWant: []string{"${A.txid}"}},
		{name: "filter by time", method: "GET", url: "/api/v1/purchases?from=2024-06-01T00:00:00Z&to=2024-07-01T00:00:00Z", as: "op",
			status: http.StatusOK, want: []string{"TX-NEW-1"}, notWant: []string{"${A.txid}"}},
		{name: "paging", method: "GET", url: "/api/v1/purchases?limit=1", as: "op", status: http.StatusOK,
			after: func(t *testing.T, e *env, res *httptest.ResponseRecorder) { walkPages(t, e, res, 5) }},
		{name: "bad from", method: "GET", url: "/api/v1/purchases?from=yesterday", as: "op", status: http.StatusBadRequest, code: "invalid_request"},
		{name: "bad customer_id", method: "GET", url: "/api/v1/purchases?customer_id=abc", as: "op", status: http.StatusBadRequest, code: "invalid_request"},
		{name: "limit too big", method: "GET", url: "/api/v1/purchases?limit=500", as: "op", status: http.StatusBadRequest, code: "invalid_request"},
		{name: "customer may not use the developer list", method: "GET", url: "/api/v1/purchases", as: "custA", status: http.StatusNotFound, code: "not_found"},

		{name: "developer reads its own", method: "GET", url: "/api/v1/purchases/${A.txid}", as: "devA", status: http.StatusOK,
			want: []string{`"tid":"${A.tid}"`}},
		{name: "member reads its own", method: "GET", url: "/api/v1/purchases/${A.txid}", as: "memberA", status: http.StatusOK},
		{name: "developer reads another's", method: "GET", url: "/api/v1/purchases/${B.txid}", as: "devA", status: http.StatusNotFound, code: "not_found"},
		{name: "missing txid", method: "GET", url: "/api/v1/purchases/TX-NOPE", as: "op", status: http.StatusNotFound, code: "not_found"},

		{name: "customer's own purchases", method: "GET", url: "/api/v1/me/purchases", as: "custA", status: http.StatusOK,
			want: []string{"${A.txid}", "TX-NEW-1"}, notWant: []string{"${B.txid}"}},
		{name: "customer's purchases by app", method: "GET", url: "/api/v1/me/purchases?app=${B.app}", as: "custA", status: http.StatusOK,
			want: []string{`"items":[]`}},
		{name: "customer's purchases bad to", method: "GET", url: "/api/v1/me/purchases?to=soon", as: "custA", status: http.StatusBadRequest},
		{name: "customer's own purchase", method: "GET", url: "/api/v1/me/purchases/${A.txid}", as: "custA", status: http.StatusOK},
		{name: "another customer's purchase", method: "GET", url: "/api/v1/me/purchases/${A.txid}", as: "custB", status: http.StatusNotFound, code: "not_found"},
		{name: "developer may not use /me", method: "GET", url: "/api/v1/me/purchases", as: "devA", status: http.StatusNotFound, code: "not_found"},
	})
}

// walkPages follows next_cursor from a first page and checks that pages
// neither repeat nor skip, newest paid first.
func walkPages(t *testing.T, e *env, res *httptest.ResponseRecorder, want int) {
	t.Helper()
	seen := map[string]bool{}
	last := ""
	for page := 0; ; page++ {
		var l struct {
			Items []struct {
				TxID   string `json:"txid"`
				PaidAt string `json:"paid_at"`
			}
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal(res.Body.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		for _, it := range l.Items {
			if seen[it.TxID] {
				t.Fatalf("page %d repeats %s", page, it.TxID)
			}
			if last != "" && it.PaidAt > last {
				t.Errorf("%s paid at %s comes after one paid at %s: not newest first", it.TxID, it.PaidAt, last)
			}
			seen[it.TxID], last = true, it.PaidAt
		}
		if l.NextCursor == "" || page > 20 {
			break
		}
		res = e.do("GET", "/api/v1/purchases?limit=1&cursor="+url.QueryEscape(l.NextCursor), "", bearer(e.opKey))
		if res.Code != http.StatusOK {
			t.Fatalf("next page: %d %s", res.Code, res.Body)
		}
	}
	if len(seen) != want {
		t.Errorf("paged through %d purchases; want %d", len(seen), want)
	}
}
