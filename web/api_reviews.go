package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
)

// replyJSON is a developer's official reply.
type replyJSON struct {
	Body      string `json:"body"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// publicReviewJSON is a review as anyone sees it on the store's app page:
// a display name, never the reviewer's id, email or phone.
type publicReviewJSON struct {
	ID               int64      `json:"id"`
	Rating           int        `json:"rating"`
	Body             string     `json:"body"`
	Author           string     `json:"author"`
	CreatedAt        string     `json:"created_at"`
	UpdatedAt        string     `json:"updated_at"`
	VerifiedPurchase bool       `json:"verified_purchase"`
	Helpful          int64      `json:"helpful"`
	Reply            *replyJSON `json:"reply"`
}

func newPublicReviewJSON(r *vocdesk.Review) publicReviewJSON {
	out := publicReviewJSON{ID: r.ID, Rating: r.Rating, Body: r.Body, Author: r.Author, CreatedAt: timeJSON(r.CreatedAt),
		UpdatedAt: timeJSON(r.UpdatedAt), VerifiedPurchase: r.VerifiedPurchase, Helpful: r.Helpful}
	if r.Reply != nil {
		out.Reply = &replyJSON{Body: r.Reply.Body, CreatedAt: timeJSON(r.Reply.CreatedAt), UpdatedAt: timeJSON(r.Reply.UpdatedAt)}
	}
	return out
}

// reviewJSON is a review as its author, its developer and the store see
// it: with its app, whether it is hidden and why, and open reports.
type reviewJSON struct {
	publicReviewJSON
	App          string  `json:"app"`
	AppName      string  `json:"app_name"`
	CustomerID   int64   `json:"customer_id"`
	Hidden       bool    `json:"hidden"`
	HiddenAt     *string `json:"hidden_at"`
	HiddenReason string  `json:"hidden_reason"`
	OpenReports  int     `json:"open_reports"`
}

func newReviewJSON(r *vocdesk.Review) reviewJSON {
	return reviewJSON{publicReviewJSON: newPublicReviewJSON(r), App: r.AppSlug, AppName: r.AppName, CustomerID: r.CustomerID,
		Hidden: r.HiddenAt != nil, HiddenAt: timePtrJSON(r.HiddenAt), HiddenReason: r.HiddenReason, OpenReports: r.OpenReports}
}

// appReviewsJSON is the public page's answer: the app, its ratings over
// visible reviews, and a page of them.
type appReviewsJSON struct {
	App           appSummaryJSON     `json:"app"`
	RatingAverage json.Number        `json:"rating_average"`
	RatingCount   int64              `json:"rating_count"`
	RatingCounts  map[string]int64   `json:"rating_counts"`
	Items         []publicReviewJSON `json:"items"`
	NextCursor    string             `json:"next_cursor"`
}

type appSummaryJSON struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	Developer string `json:"developer"`
}

func (s *Server) reviews() (vocdesk.ReviewService, error) {
	if s.svc.Reviews == nil {
		return nil, errNotFound
	}
	return s.svc.Reviews, nil
}

// listAppReviews is GET /apps/{slug}/reviews, the store's public app page:
// no credentials. rating_average is exact to two places (integer
// arithmetic on the counts), 0 when there are no reviews.
func (s *Server) listAppReviews(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reviews()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := vocdesk.ReviewFilter{Sort: q.Get("sort"), Cursor: q.Get("cursor")}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	app, sum, list, next, err := svc.PublicReviews(r.Context(), r.PathValue("slug"), f)
	if err != nil {
		return err
	}
	out := appReviewsJSON{App: appSummaryJSON{Slug: app.Slug, Name: app.Name, Developer: app.DeveloperSlug},
		RatingAverage: json.Number(sum.Average()), RatingCount: sum.Count(), RatingCounts: map[string]int64{},
		Items: make([]publicReviewJSON, 0, len(list)), NextCursor: next}
	for i, n := range sum.Counts {
		out.RatingCounts[strconv.Itoa(i+1)] = n
	}
	for _, rv := range list {
		out.Items = append(out.Items, newPublicReviewJSON(rv))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// reviewRequest is a customer's new review or edit.
type reviewRequest struct {
	App    string `json:"app"`
	Rating int    `json:"rating"`
	Body   string `json:"body"`
}

// decodeReview reads a review's body; the app only on a new one.
func decodeReview(w http.ResponseWriter, r *http.Request, create bool) (reviewRequest, error) {
	var req reviewRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return req, err
	}
	if create && req.App == "" {
		return req, vocdesk.Errorf(vocdesk.EINVALID, "app is required")
	}
	if !create && req.App != "" {
		return req, vocdesk.Errorf(vocdesk.EINVALID, "app cannot change; review the other app instead")
	}
	return req, vocdesk.ValidateRating(req.Rating)
}

// limitReviews spends one of the customer's review writes: a person
// writes and edits a few reviews; a script flooding the store is refused.
func (s *Server) limitReviews(r *http.Request) error {
	a := actorFrom(r)
	ok, wait := s.reviewLimiter.Reserve("review:" + strconv.FormatInt(a.CustomerID, 10))
	if !ok {
		return vocdesk.Errorf(vocdesk.ERATELIMITED, "too many review changes; try again in %d seconds", int(wait.Round(time.Second)/time.Second)+1)
	}
	return nil
}

// createMyReview is POST /me/reviews.
func (s *Server) createMyReview(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reviews()
	if err != nil {
		return err
	}
	req, err := decodeReview(w, r, true)
	if err != nil {
		return err
	}
	if err := s.limitReviews(r); err != nil {
		return err
	}
	rv := &vocdesk.Review{AppSlug: req.App, Rating: req.Rating, Body: req.Body}
	if err := svc.CreateReview(r.Context(), rv); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newReviewJSON(rv))
	return nil
}

// updateMyReview is PUT /me/reviews/{id}: the customer's own review.
func (s *Server) updateMyReview(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reviews()
	if err != nil {
		return err
	}
	id, err := parseID("review", r.PathValue("id"))
	if err != nil {
		return err
	}
	req, err := decodeReview(w, r, false)
	if err != nil {
		return err
	}
	if err := s.limitReviews(r); err != nil {
		return err
	}
	rv, err := svc.UpdateReview(r.Context(), id, req.Rating, req.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newReviewJSON(rv))
	return nil
}

// listMyReviews is GET /me/reviews: the customer's own, hidden ones too.
func (s *Server) listMyReviews(w http.ResponseWriter, r *http.Request) error {
	return s.writeReviews(w, r, "app", "cursor", "limit")
}

// markHelpful is POST /reviews/{id}/helpful: a customer found someone
// else's review helpful.
func (s *Server) markHelpful(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reviews()
	if err != nil {
		return err
	}
	id, err := parseID("review", r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.limitReviews(r); err != nil {
		return err
	}
	rv, err := svc.MarkHelpful(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPublicReviewJSON(rv))
	return nil
}
