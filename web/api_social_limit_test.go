package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/ratelimit"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// TestSocialIntakeLimit: past its allowance a connector's signed posts
// answer 429 with Retry-After; another connector is not held back, and
// forged posts naming the connector do not spend its allowance.
func TestSocialIntakeLimit(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		// Two in a row, then one an hour: the test never sees a refill.
		e := newEnvWith(t, db, web.Config{SocialLimiter: ratelimit.NewLimiter(time.Hour, 2, 64)})
		connector := func(name string) (string, string) {
			t.Helper()
			res := e.do("POST", "/api/v1/social-connectors", `{"network":"x","name":"`+name+`","app":"`+e.a.app+`"}`, bearer(e.a.key))
			if res.Code != http.StatusCreated {
				t.Fatalf("create connector: %d %s", res.Code, res.Body)
			}
			var c struct {
				ID     int64  `json:"id"`
				Secret string `json:"secret"`
			}
			mustJSON(t, json.Unmarshal(res.Body.Bytes(), &c))
			return strconv.FormatInt(c.ID, 10), c.Secret
		}
		one, secret1 := connector("@one")
		two, secret2 := connector("@two")
		n := 0
		post := func(cid, secret string) int {
			n++
			id := "msg_" + strconv.Itoa(n)
			body := `{"connector":` + cid + `,"handle":"fan` + strconv.Itoa(n) + `","message":"hi"}`
			res := e.do("POST", "/api/v1/intake/social", body, signedPost(t, secret, id, time.Now(), body))
			if res.Code == http.StatusTooManyRequests {
				if s, err := strconv.Atoi(res.Header().Get("Retry-After")); err != nil || s < 1 || s > 3600 {
					t.Fatalf("429 with Retry-After %q", res.Header().Get("Retry-After"))
				}
			}
			return res.Code
		}
		// Forged posts naming connector one: refused, and not counted.
		for range 3 {
			if code := post(one, "whsec_"+"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="); code != http.StatusUnauthorized {
				t.Fatalf("forged post: %d", code)
			}
		}
		for k, want := range []int{http.StatusCreated, http.StatusCreated, http.StatusTooManyRequests, http.StatusTooManyRequests} {
			if code := post(one, secret1); code != want {
				t.Fatalf("connector one's post %d: %d, want %d", k+1, code, want)
			}
		}
		if code := post(two, secret2); code != http.StatusCreated {
			t.Fatalf("connector two's post: %d", code)
		}
	})
}
