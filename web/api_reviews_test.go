package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/ratelimit"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// TestReviewsAPI walks a review's life through the API: A's customer
// reviewed A's app with 2 stars (seeded); B's customer never bought it.
func TestReviewsAPI(t *testing.T) {
	public := "/api/v1/apps/${A.app}/reviews"
	runScenarios(t, []scenario{
		{name: "a second review of the same app", method: "POST", url: "/api/v1/me/reviews", as: "custA",
			body: `{"app":"${A.app}","rating":5,"body":"again"}`, status: 409, code: "conflict"},
		{name: "a customer who never bought the app", method: "POST", url: "/api/v1/me/reviews", as: "custB",
			body: `{"app":"${A.app}","rating":1,"body":"never bought"}`, status: 422, code: "not_a_buyer"},
		{name: "no such app: the same answer", method: "POST", url: "/api/v1/me/reviews", as: "custB",
			body: `{"app":"zulu-none","rating":1}`, status: 422, code: "not_a_buyer"},
		{name: "zero stars", method: "POST", url: "/api/v1/me/reviews", as: "custB", body: `{"app":"${B.app}","rating":0}`, status: 400},
		{name: "stars as a string", method: "POST", url: "/api/v1/me/reviews", as: "custB", body: `{"app":"${B.app}","rating":"5"}`, status: 400},
		{name: "an unknown field", method: "POST", url: "/api/v1/me/reviews", as: "custB", body: `{"app":"${B.app}","rating":5,"html":"<b>"}`,
			status: 400, want: []string{"unknown field"}},
		{name: "too long", method: "POST", url: "/api/v1/me/reviews", as: "custB",
			body: `{"app":"${B.app}","rating":5,"body":"` + strings.Repeat("가", 2001) + `"}`, status: 400},
		{name: "a developer cannot review", method: "POST", url: "/api/v1/me/reviews", as: "devA",
			body: `{"app":"${A.app}","rating":5}`, status: 404},

		{name: "the public page, no sign-in", method: "GET", url: public, as: "none", status: 200,
			want:    []string{`"rating_average":2.00`, `"rating_count":1`, `"2":1`, `"author":"Customer alpha"`, `"verified_purchase":true`, `"reply":null`},
			notWant: []string{"${A.email}", "010-1234-5678", "customer_id"}},
		{name: "the customer edits: 1 star, markup stays text", method: "PUT", url: "/api/v1/me/reviews/${A.review}", as: "custA",
			body: `{"rating":1,"body":"<script>alert(1)</script> I paid and got nothing"}`, status: 200, want: []string{`"rating":1`}},
		{name: "the app cannot change", method: "PUT", url: "/api/v1/me/reviews/${A.review}", as: "custA",
			body: `{"app":"${B.app}","rating":1}`, status: 400},
		{name: "the average follows", method: "GET", url: public, as: "none", status: 200,
			want: []string{`"rating_average":1.00`, `"1":1`, `"2":0`, `\u003cscript\u003e`}},

		{name: "the developer's inbox by stars", method: "GET", url: "/api/v1/reviews?rating=1&replied=false", as: "memberA", status: 200,
			want: []string{`"id":${A.review}`, `"customer_id":${A.customer}`}},
		{name: "replied filter", method: "GET", url: "/api/v1/reviews?replied=true", as: "memberA", status: 200, want: []string{`"items":[]`}},
		{name: "a bad rating filter", method: "GET", url: "/api/v1/reviews?rating=six", as: "memberA", status: 400},
		{name: "a bad replied filter", method: "GET", url: "/api/v1/reviews?replied=maybe", as: "memberA", status: 400},
		{name: "search", method: "GET", url: "/api/v1/reviews?q=GOT%20NOTHING", as: "devA", status: 200, want: []string{`"id":${A.review}`}},
		{name: "the reviewer's purchases and inquiries", method: "GET", url: "/api/v1/reviews/${A.review}", as: "memberA", status: 200,
			want: []string{`"txid":"${A.txid}"`, `"customer_inquiries":[{"id":${A.inquiry}`}},
		{name: "the official reply", method: "PUT", url: "/api/v1/reviews/${A.review}/reply", as: "memberA",
			body: `{"body":"We re-sent your gems; TX ${A.txid} is delivered."}`, status: 200, want: []string{`"reply":{"body":"We re-sent`}},
		{name: "the public page shows the reply", method: "GET", url: public, as: "none", status: 200, want: []string{`We re-sent your gems`}},
		{name: "an empty reply", method: "PUT", url: "/api/v1/reviews/${A.review}/reply", as: "memberA", body: `{"body":""}`, status: 400},

		{name: "the developer reports it", method: "POST", url: "/api/v1/reviews/${A.review}/reports", as: "devA",
			body: `{"reason":"insults our support staff"}`, status: 201, want: []string{`"status":"open"`}},
		{name: "the store's queue", method: "GET", url: "/api/v1/review-reports", as: "op", status: 200,
			want: []string{`insults our support staff`, `"open_reports":1`}},
		{name: "a bad queue status", method: "GET", url: "/api/v1/review-reports?status=maybe", as: "op", status: 400},
		{name: "hiding needs a reason", method: "POST", url: "/api/v1/reviews/${A.review}/hide", as: "op", body: `{}`, status: 400},
		{name: "the store hides it", method: "POST", url: "/api/v1/reviews/${A.review}/hide", as: "op",
			body: `{"reason":"personal attack on staff"}`, status: 200, want: []string{`"hidden":true`, `"open_reports":0`}},
		{name: "a hidden review leaves the page and the average", method: "GET", url: public, as: "none", status: 200,
			want: []string{`"rating_count":0`, `"rating_average":0.00`, `"items":[]`}},
		{name: "its author still sees it, and why", method: "GET", url: "/api/v1/me/reviews", as: "custA", status: 200,
			want: []string{`"hidden":true`, `"hidden_reason":"personal attack on staff"`}},
		{name: "the queue is empty", method: "GET", url: "/api/v1/review-reports", as: "op", status: 200, want: []string{`"items":[]`}},
		{name: "the store restores it", method: "POST", url: "/api/v1/reviews/${A.review}/restore", as: "op",
			body: `{"reason":"appeal accepted"}`, status: 200, want: []string{`"hidden":false`}},
		{name: "back on the page", method: "GET", url: public, as: "none", status: 200, want: []string{`"rating_count":1`}},

		{name: "helpful from another customer", method: "POST", url: "/api/v1/reviews/${A.review}/helpful", as: "custB", status: 200,
			want: []string{`"helpful":1`}, notWant: []string{"customer_id"}},
		{name: "not one's own", method: "POST", url: "/api/v1/reviews/${A.review}/helpful", as: "custA", status: 422},
		{name: "most helpful first", method: "GET", url: public + "?sort=helpful", as: "none", status: 200, want: []string{`"helpful":1`}},
		{name: "an unknown sort", method: "GET", url: public + "?sort=stars", as: "none", status: 400},
		{name: "no such app", method: "GET", url: "/api/v1/apps/zulu-none/reviews", as: "none", status: 404},
		{name: "the developer's server heard of it", method: "GET", url: "/api/v1/webhook/deliveries", as: "devA", status: 200,
			want: []string{`review.created`, `review.updated`}},
	})
}

// TestReviewWritesAreRateLimited: a customer's review writes stop at the
// limiter's burst with 429, whatever they are.
func TestReviewWritesAreRateLimited(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		srv, err := web.NewServer(web.Config{Logger: slog.New(slog.DiscardHandler),
			ReviewLimiter: ratelimit.NewLimiter(time.Hour, 2, 64)}, e.svc)
		if err != nil {
			t.Fatal(err)
		}
		do := func(method, target, body string) *httptest.ResponseRecorder {
			h := bearer(e.b.customerToken)
			h.Set("Content-Type", "application/json")
			return serve(srv, method, target, body, h)
		}
		if res := do("PUT", "/api/v1/me/reviews/"+strconv.FormatInt(e.b.reviewID, 10), `{"rating":4}`); res.Code != http.StatusOK {
			t.Fatalf("first: %d %s", res.Code, res.Body)
		}
		if res := do("POST", "/api/v1/reviews/"+strconv.FormatInt(e.a.reviewID, 10)+"/helpful", ``); res.Code != http.StatusOK {
			t.Fatalf("second: %d %s", res.Code, res.Body)
		}
		res := do("POST", "/api/v1/reviews/"+strconv.FormatInt(e.a.reviewID, 10)+"/helpful", ``)
		if res.Code != http.StatusTooManyRequests {
			t.Fatalf("third: %d %s; want 429", res.Code, res.Body)
		}
		if code, _ := errorOf(t, res); code != "rate_limited" {
			t.Fatalf("code %s", code)
		}
	})
}
