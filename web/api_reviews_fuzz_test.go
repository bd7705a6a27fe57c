package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/web"
)

// FuzzDecodeReview feeds any body to the decoder of POST and PUT
// /api/v1/me/reviews: never a panic; either a 4xx code, or stars from 1 to 5
// and an app exactly when the review is new.
func FuzzDecodeReview(f *testing.F) {
	for _, seed := range []string{
		`{"app":"alpha-quest","rating":1,"body":"I paid and got nothing"}`, `{"rating":5}`, `{"app":"a","rating":"5"}`,
		`{"app":"a","rating":5.5}`, `{"app":"a","rating":0}`, `{"app":"a","rating":6,"body":null}`, `{"app":"a","rating":1,"x":1}`,
		`{"app":"a","rating":1}{"app":"b"}`, `[]`, ``, `{"app":"a","rating":-9223372036854775808}`,
		`{"app":"a","rating":3,"body":"` + strings.Repeat("\\u202e", 100) + `"}`,
	} {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, body string, create bool) {
		req := httptest.NewRequest("POST", "/api/v1/me/reviews", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		app, rating, _, err := web.DecodeReview(req, create)
		if err != nil {
			if c := vocdesk.ErrorCode(err); c != vocdesk.EINVALID && c != vocdesk.EINVALIDTEXT && c != vocdesk.ETOOLARGE {
				t.Fatalf("error with code %q (%v) for %q", c, err, body)
			}
			return
		}
		if rating < 1 || rating > 5 || (app == "") == create {
			t.Fatalf("accepted rating %d app %q (create %v) for %q", rating, app, create, body)
		}
	})
}

// FuzzDecodeText feeds any body to the decoder of replies, reports and the
// store's decisions: a 4xx code or a non-empty text.
func FuzzDecodeText(f *testing.F) {
	for _, seed := range []string{`{"body":"thanks"}`, `{"reason":"spam"}`, `{"body":""}`, `{"reason":1}`, `{"body":"a","reason":"b"}`, `null`, `{}`} {
		f.Add(seed, "body")
		f.Add(seed, "reason")
	}
	f.Fuzz(func(t *testing.T, body, field string) {
		if field != "body" {
			field = "reason"
		}
		req := httptest.NewRequest("POST", "/api/v1/reviews/1/reports", strings.NewReader(body))
		v, err := web.DecodeText(req, field)
		if err != nil {
			if c := vocdesk.ErrorCode(err); c != vocdesk.EINVALID && c != vocdesk.EINVALIDTEXT && c != vocdesk.ETOOLARGE {
				t.Fatalf("error with code %q (%v) for %q", c, err, body)
			}
			return
		}
		if v == "" {
			t.Fatalf("accepted an empty %s from %q", field, body)
		}
	})
}

// FuzzReviewFilter feeds any query to the reviews inbox's filter reader:
// invalid_request or a filter within its bounds.
func FuzzReviewFilter(f *testing.F) {
	for _, seed := range []string{"rating=1&replied=false", "rating=9", "replied=maybe", "from=2024-01-01T00:00:00Z&to=x",
		"customer_id=-1", "q=%E2%80%AE&cursor=abc", "limit=0", "limit=201", "rating=%00", "app=alpha-quest&app=bravo"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, query string) {
		req := httptest.NewRequest("GET", "/api/v1/reviews", nil)
		req.URL.RawQuery = query
		rf, err := web.ReviewFilter(req)
		if err != nil {
			if vocdesk.ErrorCode(err) != vocdesk.EINVALID {
				t.Fatalf("error %v for %q", err, query)
			}
			return
		}
		if rf.Rating < 0 || rf.Rating > 5 || rf.CustomerID < 0 || rf.Limit < 0 || rf.Limit > 200 {
			t.Fatalf("filter out of bounds %+v for %q", rf, query)
		}
	})
}
