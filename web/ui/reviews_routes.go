package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// The reviews' views: the store's public app page, the console's reviews
// inbox and one review, the back office's queue of reported reviews. The
// customer writes and edits on the app page and on My Page's purchase.
const (
	viewAppReviews      view = "app_reviews"
	viewConsoleReviews  view = "console_reviews"
	viewConsoleReview   view = "console_review"
	viewOperatorReviews view = "operator_reviews"
)

// reviewRoutes adds the reviews' pages to mux, each with its realm; roles
// are the services' business.
func (h *handler) reviewRoutes(mux *pageMux) {
	cust := func(fn http.HandlerFunc) http.Handler { return h.require(realmCustomer, fn) }
	dev := func(fn http.HandlerFunc) http.Handler { return h.require(realmDeveloper, fn) }
	op := func(fn http.HandlerFunc) http.Handler { return h.require(realmOperator, fn) }

	// The store's public app page: anyone, signed in or not.
	mux.HandleFunc("GET /apps/{slug}", h.appPage)
	// The customer: write or edit their review, find others' helpful.
	mux.Handle("POST /apps/{slug}/review", cust(h.reviewSubmit))
	mux.Handle("POST /apps/{slug}/reviews/{id}/helpful", cust(h.reviewHelpful))

	// The developer: the reviews inbox beside the inquiries.
	mux.Handle("GET /console/reviews", dev(h.consoleReviews))
	mux.Handle("GET /console/reviews/{id}", dev(h.consoleReview))
	mux.Handle("POST /console/reviews/{id}/reply", dev(h.consoleReviewReply))
	mux.Handle("POST /console/reviews/{id}/report", dev(h.consoleReviewReport))

	// The store: reported reviews, hidden or kept with a reason.
	mux.Handle("GET /operator/reviews", op(h.operatorReviews))
	mux.Handle("POST /operator/reviews/{id}/hide", op(h.operatorReviewDecide(true)))
	mux.Handle("POST /operator/reviews/{id}/restore", op(h.operatorReviewDecide(false)))
}

// reviewID reads the {id} of a review page.
func reviewID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// reviewFail answers a refused review form with a page that says why:
// reviews have answers of their own (not a buyer, reviewed already, too
// many writes) beyond fail's.
func (h *handler) reviewFail(w http.ResponseWriter, r *http.Request, err error) {
	switch vocdesk.ErrorCode(err) {
	case vocdesk.ENOTBUYER:
		h.renderError(w, r, http.StatusUnprocessableEntity, "reviews.not_buyer")
	case vocdesk.ECONFLICT:
		h.renderError(w, r, http.StatusConflict, "reviews.conflict")
	case vocdesk.ERATELIMITED:
		h.renderError(w, r, http.StatusTooManyRequests, "reviews.rate_limited")
	case vocdesk.EUNPROCESSABLE:
		h.renderError(w, r, http.StatusUnprocessableEntity, "error.invalid")
	default:
		h.fail(w, r, err)
	}
}

// ratingBar is one line of an app's rating distribution.
type ratingBar struct {
	Stars   int
	Count   int64
	Percent int64 // of all visible reviews, rounded down
}

// ratingBars lists the distribution from five stars down, as stores show it.
func ratingBars(s vocdesk.RatingSummary) []ratingBar {
	n := s.Count()
	bars := make([]ratingBar, 0, 5)
	for stars := 5; stars >= 1; stars-- {
		b := ratingBar{Stars: stars, Count: s.Counts[stars-1]}
		if n > 0 {
			b.Percent = b.Count * 100 / n
		}
		bars = append(bars, b)
	}
	return bars
}

// StarChoices are a review form's ratings, best first (the stars read right
// to left, so CSS can light a star and those before it).
func (p *page) StarChoices() []int { return []int{5, 4, 3, 2, 1} }

// StarsOf draws an app's average as whole stars, rounded half up.
func (p *page) StarsOf(s vocdesk.RatingSummary) string {
	return p.Stars(int((s.AverageHundredths() + 50) / 100))
}

// Excerpt is the start of a review's text for a list: its first 120
// characters, on one line.
func (p *page) Excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return p.T("reviews.no_text")
	}
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}
