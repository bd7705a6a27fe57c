package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestAPIAuthAndKeys(t *testing.T) {
	var newKey struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	var token string
	signIn := func(realm, email, password string, status int, code string) scenario {
		return scenario{name: "sign in " + realm + " " + email, method: "POST", url: "/api/v1/auth/token",
			body:   `{"realm":"` + realm + `","email":"` + email + `","password":"` + password + `"}`,
			status: status, code: code}
	}
	table := []scenario{
		{name: "sign in", method: "POST", url: "/api/v1/auth/token",
			body:   `{"realm":"customer","email":"${A.email}","password":"alpha-customer-pw-1"}`,
			status: http.StatusCreated, want: []string{`"token":"`, `"expires_at":"`},
			after: func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
				var tok struct{ Token string }
				_ = json.Unmarshal(res.Body.Bytes(), &tok)
				token = tok.Token
			}},
		{name: "the token works", method: "GET", url: "/api/v1/me", as: "token", status: http.StatusOK},
		{name: "sign out", method: "DELETE", url: "/api/v1/auth/token", as: "token", status: http.StatusNoContent},
		{name: "the token no longer works", method: "GET", url: "/api/v1/me", as: "token", status: http.StatusUnauthorized},
		{name: "an API key cannot sign out", method: "DELETE", url: "/api/v1/auth/token", as: "devA", status: http.StatusBadRequest},
		signIn("customer", "alpha.customer@example.com", "wrong-password", http.StatusUnauthorized, "unauthorized"),
		signIn("developer", "alpha.customer@example.com", "alpha-customer-pw-1", http.StatusUnauthorized, "unauthorized"),
		signIn("nobody", "alpha.customer@example.com", "x", http.StatusBadRequest, "invalid_request"),
		{name: "sign in without password", method: "POST", url: "/api/v1/auth/token",
			body: `{"realm":"customer","email":"x@example.com"}`, status: http.StatusBadRequest, want: []string{"password is required"}},
	}
	// Five tries pass the limiter (and fail on the password); the sixth is
	// refused before the password is looked at.
	for range 5 {
		table = append(table, signIn("customer", "guess@example.com", "guess", http.StatusUnauthorized, "unauthorized"))
	}
	table = append(table,
		scenario{name: "too many sign-ins", method: "POST", url: "/api/v1/auth/token",
			body:   `{"realm":"customer","email":"Guess@Example.com","password":"guess"}`,
			status: http.StatusTooManyRequests, code: "rate_limited",
			after: func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
				if s, err := strconv.Atoi(res.Header().Get("Retry-After")); err != nil || s < 1 {
					t.Errorf("Retry-After = %q", res.Header().Get("Retry-After"))
				}
			}},
		signIn("customer", "other@example.com", "guess", http.StatusUnauthorized, "unauthorized"),

		scenario{name: "operator lists keys", method: "GET", url: "/api/v1/keys", as: "op", status: http.StatusOK,
			want: []string{"alpha server", "bravo server", `"prefix":"vdk_`}, notWant: []string{`"secret"`}},
		scenario{name: "developer lists its keys", method: "GET", url: "/api/v1/keys", as: "devA", status: http.StatusOK,
			want: []string{"alpha server"}, notWant: []string{"bravo", "billing"}},
		scenario{name: "customer may not list keys", method: "GET", url: "/api/v1/keys", as: "custA", status: http.StatusNotFound},
		scenario{name: "create a developer key", method: "POST", url: "/api/v1/keys", as: "op",
			body: `{"realm":"developer","developer":"${A.slug}","name":"alpha ci"}`, status: http.StatusCreated,
			want: []string{`"secret":"vdk_`, `"developer":"${A.slug}"`},
			after: func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
				if err := json.Unmarshal(res.Body.Bytes(), &newKey); err != nil {
					t.Fatal(err)
				}
			}},
		scenario{name: "the new key works", method: "GET", url: "/api/v1/purchases", as: "newkey", status: http.StatusOK,
			want: []string{"${A.txid}"}},
		scenario{name: "developer key without developer", method: "POST", url: "/api/v1/keys", as: "op",
			body: `{"realm":"developer","name":"x"}`, status: http.StatusBadRequest},
		scenario{name: "operator key with a developer", method: "POST", url: "/api/v1/keys", as: "op",
			body: `{"realm":"operator","developer":"${A.slug}","name":"x"}`, status: http.StatusBadRequest},
		scenario{name: "customer key", method: "POST", url: "/api/v1/keys", as: "op",
			body: `{"realm":"customer","name":"x"}`, status: http.StatusBadRequest},
		scenario{name: "developer may not create keys", method: "POST", url: "/api/v1/keys", as: "devA",
			body: `{"realm":"developer","developer":"${A.slug}","name":"x"}`, status: http.StatusNotFound},
		scenario{name: "another developer may not revoke it", method: "DELETE", url: "/api/v1/keys/newkey", as: "devB", status: http.StatusNotFound},
		scenario{name: "revoke it", method: "DELETE", url: "/api/v1/keys/newkey", as: "op", status: http.StatusNoContent},
		scenario{name: "the revoked key no longer works", method: "GET", url: "/api/v1/purchases", as: "newkey", status: http.StatusUnauthorized},
		scenario{name: "revoke a missing key", method: "DELETE", url: "/api/v1/keys/987654", as: "op", status: http.StatusNotFound},
	)
	// token and newKey exist only once earlier scenarios ran, so the callers
	// and URLs that use them are filled in just before the request.
	for i := range table {
		sc := &table[i]
		as, url := sc.as, sc.url
		sc.prepare = func(sc *scenario) {
			switch as {
			case "token":
				sc.as = "Bearer " + token
			case "newkey":
				sc.as = "Bearer " + newKey.Secret
			}
			sc.url = strings.Replace(url, "/keys/newkey", "/keys/"+strconv.FormatInt(newKey.ID, 10), 1)
		}
	}
	runScenarios(t, table)
}
