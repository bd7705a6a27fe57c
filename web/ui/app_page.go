package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// appPageData is the store's public app page: ratings, reviews and replies,
// and for a signed-in buyer the form to write or edit their own review.
type appPageData struct {
	App     *vocdesk.App
	Summary vocdesk.RatingSummary
	Bars    []ratingBar
	Reviews []*vocdesk.Review
	Sort    string
	Next    string // the next page's URL, "" on the last
	Mine    *myReviewData
	// Customer is set when a customer is signed in; they may write when
	// Mine.CanWrite.
	Customer bool
	MineID   int64 // the customer's own review, which they cannot mark helpful
}

// myReviewData is the customer's own review of an app, or the form to
// write one: on the app page and on My Page's purchase.
type myReviewData struct {
	AppSlug  string
	Review   *vocdesk.Review // nil until written
	CanWrite bool            // a buyer: may write (or edit)
	Back     string          // where the form returns: "app" or a purchase's txid
}

// appPage is /apps/{slug}, for anyone. The list is the API's public list;
// a signed-in customer also sees their own review (even hidden) and the form.
func (h *handler) appPage(w http.ResponseWriter, r *http.Request) {
	if h.svc.Reviews == nil {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	sort := q.Get("sort")
	if sort != vocdesk.ReviewsHelpful {
		sort = vocdesk.ReviewsNewest
	}
	slug := r.PathValue("slug")
	app, sum, list, next, err := h.svc.Reviews.PublicReviews(ctx, slug, vocdesk.ReviewFilter{Sort: sort, Cursor: q.Get("cursor")})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &appPageData{App: app, Summary: sum, Bars: ratingBars(sum), Reviews: list, Sort: sort}
	if next != "" {
		d.Next = "/apps/" + url.PathEscape(slug) + "?" + url.Values{"sort": {sort}, "cursor": {next}}.Encode()
	}
	if a := vocdesk.ActorFromContext(ctx); a.IsCustomer() {
		d.Customer = true
		if d.Mine, err = h.myReviewOf(r, slug, "app"); err != nil {
			h.fail(w, r, err)
			return
		}
		if d.Mine.Review != nil {
			d.MineID = d.Mine.Review.ID
		}
	}
	h.render(w, r, http.StatusOK, viewAppReviews, "reviews.app_title", d)
}

// myReviewOf reads the signed-in customer's review of the app and whether
// they may write one: a purchase of it that was not wholly refunded.
func (h *handler) myReviewOf(r *http.Request, slug, back string) (*myReviewData, error) {
	ctx := r.Context()
	d := &myReviewData{AppSlug: slug, Back: back}
	mine, _, err := h.svc.Reviews.FindReviews(ctx, vocdesk.ReviewFilter{AppSlug: slug, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(mine) > 0 {
		d.Review = mine[0]
	}
	ps, _, err := h.svc.Purchases.FindPurchases(ctx, vocdesk.PurchaseFilter{AppSlug: slug, Limit: 200})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.Refunded < p.Amount {
			d.CanWrite = true
			break
		}
	}
	return d, nil
}

// reviewSubmit is the customer's review form, new or edited; it returns to
// the page it came from (the app page, or the purchase on My Page).
func (h *handler) reviewSubmit(w http.ResponseWriter, r *http.Request) {
	if h.svc.Reviews == nil {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	slug := r.PathValue("slug")
	rating, err := strconv.Atoi(r.PostForm.Get("rating"))
	if err != nil || vocdesk.ValidateRating(rating) != nil {
		h.renderError(w, r, http.StatusBadRequest, "reviews.need_rating")
		return
	}
	if ok, _ := h.reviews.Reserve("review:" + strconv.FormatInt(a.CustomerID, 10)); !ok {
		h.reviewFail(w, r, vocdesk.Errorf(vocdesk.ERATELIMITED, "too many review changes"))
		return
	}
	body := r.PostForm.Get("body")
	if id, _ := strconv.ParseInt(r.PostForm.Get("review"), 10, 64); id > 0 {
		_, err = h.svc.Reviews.UpdateReview(ctx, id, rating, body)
	} else {
		err = h.svc.Reviews.CreateReview(ctx, &vocdesk.Review{AppSlug: slug, Rating: rating, Body: body})
	}
	if err != nil {
		h.reviewFail(w, r, err)
		return
	}
	target := "/apps/" + url.PathEscape(slug) + "#my-review"
	if txid := r.PostForm.Get("back"); txid != "" && txid != "app" {
		target = "/my/purchases/" + url.PathEscape(txid) + "#review"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// reviewHelpful records a customer's "helpful" and returns to the review.
func (h *handler) reviewHelpful(w http.ResponseWriter, r *http.Request) {
	id, ok := reviewID(r)
	if !ok || h.svc.Reviews == nil {
		h.notFound(w, r)
		return
	}
	a := vocdesk.ActorFromContext(r.Context())
	if ok, _ := h.reviews.Reserve("review:" + strconv.FormatInt(a.CustomerID, 10)); !ok {
		h.reviewFail(w, r, vocdesk.Errorf(vocdesk.ERATELIMITED, "too many review changes"))
		return
	}
	if _, err := h.svc.Reviews.MarkHelpful(r.Context(), id); err != nil {
		h.reviewFail(w, r, err)
		return
	}
	q := url.Values{}
	if s := r.PostForm.Get("sort"); s == vocdesk.ReviewsHelpful {
		q.Set("sort", s)
	}
	target := "/apps/" + url.PathEscape(r.PathValue("slug"))
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	http.Redirect(w, r, target+"#review-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
