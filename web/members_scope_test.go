package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// Finding 6: a member is unique within its developer. Adding alpha's
// member's email to bravo is no oracle (before: 409 naming the member); a
// person in both organisations is two members, and each password signs in
// to its own.
func TestMemberEmailIsPerDeveloper(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		body := `{"email":"` + strings.ToUpper(e.a.memberEmail) + `","name":"Same Person","role":"agent","password":"bravo-side-pw-1"}`
		res := serve(e.srv, "POST", "/api/v1/developers/"+e.b.slug+"/members", body, bearerWith(jsonCT, e.b.key))
		if res.Code != http.StatusCreated {
			t.Fatalf("adding another developer's member's email: %d %s; want 201", res.Code, res.Body)
		}
		res = serve(e.srv, "POST", "/api/v1/developers/"+e.b.slug+"/members", body, bearerWith(jsonCT, e.b.key))
		if res.Code != http.StatusConflict || strings.Contains(res.Body.String(), e.a.slug) {
			t.Fatalf("the same email twice in one developer: %d %s; want 409 about this developer only", res.Code, res.Body)
		}
		for _, c := range []struct{ password, developer string }{{e.a.memberPassword, e.a.slug}, {"bravo-side-pw-1", e.b.slug}} {
			res := serve(e.srv, "POST", "/api/v1/auth/token", tokenBody("developer", e.a.memberEmail, c.password), jsonCT)
			if res.Code != http.StatusCreated {
				t.Fatalf("sign in with %s's password: %d %s", c.developer, res.Code, res.Body)
			}
			var tok struct{ Token string }
			_ = json.Unmarshal(res.Body.Bytes(), &tok)
			apps := serve(e.srv, "GET", "/api/v1/apps", "", bearer(tok.Token))
			if !strings.Contains(apps.Body.String(), c.developer) {
				t.Errorf("%s's password signed in elsewhere: %s", c.developer, apps.Body)
			}
		}
	})
}
