package web

import (
	"net/http"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// reviewFilter reads the review list's filters; allowed names those the
// route takes (customers filter their own by app only).
func reviewFilter(r *http.Request, allowed ...string) (vocdesk.ReviewFilter, error) {
	q := r.URL.Query()
	var f vocdesk.ReviewFilter
	var err error
	for _, name := range allowed {
		v := q.Get(name)
		if v == "" {
			continue
		}
		switch name {
		case "app":
			f.AppSlug = v
		case "rating":
			if f.Rating, err = strconv.Atoi(v); err != nil || f.Rating < 1 || f.Rating > 5 {
				return f, vocdesk.Errorf(vocdesk.EINVALID, "rating must be a whole number from 1 to 5")
			}
		case "replied":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return f, vocdesk.Errorf(vocdesk.EINVALID, "replied must be true or false")
			}
			f.Replied = &b
		case "from":
			if f.From, err = parseTime("from", v); err != nil {
				return f, err
			}
		case "to":
			if f.To, err = parseTime("to", v); err != nil {
				return f, err
			}
		case "q":
			f.Q = v
		case "customer_id":
			if f.CustomerID, err = strconv.ParseInt(v, 10, 64); err != nil || f.CustomerID <= 0 {
				return f, vocdesk.Errorf(vocdesk.EINVALID, "customer_id must be a positive whole number")
			}
		case "cursor":
			f.Cursor = v
		}
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return f, err
	}
	return f, nil
}

func (s *Server) writeReviews(w http.ResponseWriter, r *http.Request, allowed ...string) error {
	svc, err := s.reviews()
	if err != nil {
		return err
	}
	f, err := reviewFilter(r, allowed...)
	if err != nil {
		return err
	}
	list, next, err := svc.FindReviews(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, newReviewJSON))
	return nil
}

// listReviews is GET /reviews: the developer's reviews inbox (operators:
// every developer's), newest first.
func (s *Server) listReviews(w http.ResponseWriter, r *http.Request) error {
	return s.writeReviews(w, r, "app", "rating", "replied", "from", "to", "q", "customer_id", "cursor")
}

// reviewDetailJSON is a review in the console, with the reviewer's
// purchases of the developer's apps and their inquiries with it: a 1-star
// "I paid and got nothing" is answered with the purchase in view.
type reviewDetailJSON struct {
	reviewJSON
	CustomerPurchases []purchaseJSON `json:"customer_purchases"`
	CustomerInquiries []inquiryJSON  `json:"customer_inquiries"`
}

func (s *Server) writeReviewDetail(w http.ResponseWriter, r *http.Request, rv *vocdesk.Review) error {
	out := reviewDetailJSON{reviewJSON: newReviewJSON(rv)}
	var err error
	out.CustomerPurchases, out.CustomerInquiries, err = s.customerPanel(r.Context(), rv.CustomerID, rv.DeveloperID, 0)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// reviewTarget reads the {id} of a review route.
func (s *Server) reviewTarget(r *http.Request) (vocdesk.ReviewService, int64, error) {
	svc, err := s.reviews()
	if err != nil {
		return nil, 0, err
	}
	id, err := parseID("review", r.PathValue("id"))
	return svc, id, err
}

// reviewText reads the {id} of a review route and its one-field body.
func (s *Server) reviewText(w http.ResponseWriter, r *http.Request, field string) (vocdesk.ReviewService, int64, string, error) {
	svc, id, err := s.reviewTarget(r)
	if err != nil {
		return nil, 0, "", err
	}
	text, err := decodeText(w, r, field)
	return svc, id, text, err
}

// getReview is GET /reviews/{id}.
func (s *Server) getReview(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.reviewTarget(r)
	if err != nil {
		return err
	}
	rv, err := svc.FindReviewByID(r.Context(), id)
	if err != nil {
		return err
	}
	return s.writeReviewDetail(w, r, rv)
}

// decodeText reads a body of one text field: {"body"} of a reply, or
// {"reason"} of a report or of the store's decision.
func decodeText(w http.ResponseWriter, r *http.Request, field string) (string, error) {
	var v string
	var err error
	if field == "body" {
		var req struct {
			Body string `json:"body"`
		}
		err = decodeJSON(w, r, &req)
		v = req.Body
	} else {
		var req struct {
			Reason string `json:"reason"`
		}
		err = decodeJSON(w, r, &req)
		v = req.Reason
	}
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", vocdesk.Errorf(vocdesk.EINVALID, "%s is required", field)
	}
	return v, nil
}

// replyReview is PUT /reviews/{id}/reply: the developer's official reply,
// set or replaced.
func (s *Server) replyReview(w http.ResponseWriter, r *http.Request) error {
	svc, id, body, err := s.reviewText(w, r, "body")
	if err != nil {
		return err
	}
	rv, err := svc.ReplyToReview(r.Context(), id, body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newReviewJSON(rv))
	return nil
}

// reviewReportJSON is one report in the store's queue.
type reviewReportJSON struct {
	ID         int64       `json:"id"`
	Review     *reviewJSON `json:"review,omitempty"`
	Reporter   string      `json:"reporter"`
	Reason     string      `json:"reason"`
	Status     string      `json:"status"`
	CreatedAt  string      `json:"created_at"`
	ResolvedAt *string     `json:"resolved_at"`
}

func newReviewReportJSON(rep *vocdesk.ReviewReport) reviewReportJSON {
	out := reviewReportJSON{ID: rep.ID, Reporter: rep.ReporterName, Reason: rep.Reason, Status: rep.Status,
		CreatedAt: timeJSON(rep.CreatedAt), ResolvedAt: timePtrJSON(rep.ResolvedAt)}
	if rep.Review != nil {
		rv := newReviewJSON(rep.Review)
		out.Review = &rv
	}
	return out
}

// reportReview is POST /reviews/{id}/reports: the developer asks the store
// to look at an abusive review.
func (s *Server) reportReview(w http.ResponseWriter, r *http.Request) error {
	svc, id, reason, err := s.reviewText(w, r, "reason")
	if err != nil {
		return err
	}
	rep, err := svc.ReportReview(r.Context(), id, reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newReviewReportJSON(rep))
	return nil
}

// listReviewReports is GET /review-reports: the store's queue, oldest
// first.
func (s *Server) listReviewReports(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reviews()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := vocdesk.ReviewReportFilter{Status: q.Get("status"), Cursor: q.Get("cursor")}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	list, next, err := svc.FindReviewReports(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, newReviewReportJSON))
	return nil
}

// hideReview is POST /reviews/{id}/hide and restoreReview POST
// /reviews/{id}/restore: the store's decision, with a reason the author is
// told.
func (s *Server) hideReview(w http.ResponseWriter, r *http.Request) error {
	return s.moderateReview(w, r, true)
}

func (s *Server) restoreReview(w http.ResponseWriter, r *http.Request) error {
	return s.moderateReview(w, r, false)
}

func (s *Server) moderateReview(w http.ResponseWriter, r *http.Request, hide bool) error {
	svc, id, reason, err := s.reviewText(w, r, "reason")
	if err != nil {
		return err
	}
	moderate := svc.RestoreReview
	if hide {
		moderate = svc.HideReview
	}
	rv, err := moderate(r.Context(), id, reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newReviewJSON(rv))
	return nil
}
