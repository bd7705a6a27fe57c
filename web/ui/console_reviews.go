package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/desk"
)

// reviewFilterForm is the reviews inbox's filter form as sent, for the form
// to show it again.
type reviewFilterForm struct {
	App, Rating, Replied, From, To, Q string
}

type consoleReviewsData struct {
	Form    reviewFilterForm
	Apps    []*vocdesk.App
	Reviews []*vocdesk.Review
	Next    string
	Invalid bool // a filter was malformed; the list is empty
}

// consoleReviews is the developer's reviews inbox: filters by app, stars,
// replied or not, dates (days in Seoul) and words.
func (h *handler) consoleReviews(w http.ResponseWriter, r *http.Request) {
	if h.svc.Reviews == nil {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	d := &consoleReviewsData{Form: reviewFilterForm{App: q.Get("app"), Rating: q.Get("rating"), Replied: q.Get("replied"),
		From: q.Get("from"), To: q.Get("to"), Q: q.Get("q")}}
	f, ok := d.Form.filter()
	f.Cursor = q.Get("cursor")
	var err error
	if d.Apps, err = h.svc.Developers.FindApps(ctx, vocdesk.AppFilter{}); err != nil {
		h.fail(w, r, err)
		return
	}
	if !ok {
		d.Invalid = true
	} else {
		var next string
		d.Reviews, next, err = h.svc.Reviews.FindReviews(ctx, f)
		if err != nil && vocdesk.ErrorCode(err) != vocdesk.EINVALID {
			h.fail(w, r, err)
			return
		}
		d.Invalid = err != nil
		if next != "" {
			q.Set("cursor", next)
			d.Next = "/console/reviews?" + q.Encode()
		}
	}
	h.render(w, r, http.StatusOK, viewConsoleReviews, "reviews.inbox_title", d)
}

// filter turns the form into a filter; false when a field is malformed.
func (f reviewFilterForm) filter() (vocdesk.ReviewFilter, bool) {
	out := vocdesk.ReviewFilter{AppSlug: f.App, Q: strings.TrimSpace(f.Q)}
	if f.Rating != "" {
		n, err := strconv.Atoi(f.Rating)
		if err != nil || n < 1 || n > 5 {
			return out, false
		}
		out.Rating = n
	}
	switch f.Replied {
	case "":
	case "yes", "no":
		b := f.Replied == "yes"
		out.Replied = &b
	default:
		return out, false
	}
	// Dates are days in Seoul, the store's; To is inclusive.
	for _, d := range []struct {
		s   string
		dst *time.Time
		add int
	}{{f.From, &out.From, 0}, {f.To, &out.To, 1}} {
		if d.s == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.s, vocdesk.Seoul)
		if err != nil {
			return out, false
		}
		*d.dst = t.AddDate(0, 0, d.add)
	}
	return out, true
}

type consoleReviewData struct {
	Review    *vocdesk.Review
	Purchases []*vocdesk.Purchase
	Inquiries []*vocdesk.Inquiry
	Canned    []cannedView
	CannedID  int64
	Draft     string // the reply's text: the current reply, or a canned one chosen without script
	Reported  bool   // the report was sent
}

// consoleReview is one review with what the developer needs to answer it:
// the reviewer's purchases of its apps and inquiries with it, the reply
// form with canned replies, and the report form.
func (h *handler) consoleReview(w http.ResponseWriter, r *http.Request) {
	id, ok := reviewID(r)
	if !ok || h.svc.Reviews == nil {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	rv, err := h.svc.Reviews.FindReviewByID(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &consoleReviewData{Review: rv, Reported: r.URL.Query().Get("reported") == "1"}
	if rv.Reply != nil {
		d.Draft = rv.Reply.Body
	}
	// The reviewer bought from this developer (only buyers review), so the
	// services let it see the customer's purchases of its apps.
	ps, _, err := h.svc.Purchases.FindPurchases(ctx, vocdesk.PurchaseFilter{CustomerID: rv.CustomerID, Limit: 50})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The reviewed app's purchases first: "I paid and got nothing" is
	// about one of them.
	slices.SortStableFunc(ps, func(a, b *vocdesk.Purchase) int {
		return boolRank(b.AppID == rv.AppID) - boolRank(a.AppID == rv.AppID)
	})
	d.Purchases = ps
	if h.svc.Inquiries != nil {
		if d.Inquiries, _, err = h.svc.Inquiries.FindInquiries(ctx, vocdesk.InquiryFilter{CustomerID: rv.CustomerID, Limit: 50}); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if a.Role.AtLeast(vocdesk.RoleAgent) && h.svc.Desk != nil {
		if c := r.URL.Query().Get("canned"); c != "" {
			d.CannedID, _ = strconv.ParseInt(c, 10, 64)
		}
		canned, err := h.svc.Desk.FindCannedReplies(ctx, "")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		// A reply is public: only the reviewer's public name, the app and
		// the agent fill placeholders; purchase and contact ones stay as
		// written, for the agent to see and remove.
		vars := map[string]string{"customer.name": rv.Author, "app.name": rv.AppName, "agent.name": a.Name}
		for _, c := range canned {
			cv := cannedView{ID: c.ID, Name: c.Name, Locale: c.Locale, Text: desk.Render(c.Body, vars)}
			d.Canned = append(d.Canned, cv)
			if c.ID == d.CannedID {
				d.Draft = cv.Text
			}
		}
	}
	h.render(w, r, http.StatusOK, viewConsoleReview, "reviews.review_title", d)
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// consoleReviewReply sets or replaces the official reply.
func (h *handler) consoleReviewReply(w http.ResponseWriter, r *http.Request) {
	id, ok := reviewID(r)
	if !ok || h.svc.Reviews == nil {
		h.notFound(w, r)
		return
	}
	if _, err := h.svc.Reviews.ReplyToReview(r.Context(), id, r.PostForm.Get("body")); err != nil {
		h.reviewFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/reviews/"+strconv.FormatInt(id, 10)+"#reply", http.StatusSeeOther)
}

// consoleReviewReport asks the store to look at an abusive review.
func (h *handler) consoleReviewReport(w http.ResponseWriter, r *http.Request) {
	id, ok := reviewID(r)
	if !ok || h.svc.Reviews == nil {
		h.notFound(w, r)
		return
	}
	if _, err := h.svc.Reviews.ReportReview(r.Context(), id, r.PostForm.Get("reason")); err != nil {
		h.reviewFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/reviews/"+strconv.FormatInt(id, 10)+"?reported=1#report", http.StatusSeeOther)
}

type operatorReviewsData struct {
	Status  string
	Reports []*vocdesk.ReviewReport
	Next    string
}

// operatorReviews is the store's queue of reported reviews (and, by
// status, the decided ones), oldest first.
func (h *handler) operatorReviews(w http.ResponseWriter, r *http.Request) {
	if h.svc.Reviews == nil {
		h.notFound(w, r)
		return
	}
	q := r.URL.Query()
	status := q.Get("status")
	switch status {
	case vocdesk.ReportHidden, vocdesk.ReportKept:
	default:
		status = vocdesk.ReportOpen
	}
	list, next, err := h.svc.Reviews.FindReviewReports(r.Context(), vocdesk.ReviewReportFilter{Status: status, Cursor: q.Get("cursor")})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &operatorReviewsData{Status: status, Reports: list}
	if next != "" {
		d.Next = "/operator/reviews?" + url.Values{"status": {status}, "cursor": {next}}.Encode()
	}
	h.render(w, r, http.StatusOK, viewOperatorReviews, "reviews.queue_title", d)
}

// operatorReviewDecide hides (hide) or restores a review with a reason;
// the author is told by mail.
func (h *handler) operatorReviewDecide(hide bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := reviewID(r)
		if !ok || h.svc.Reviews == nil {
			h.notFound(w, r)
			return
		}
		decide := h.svc.Reviews.RestoreReview
		if hide {
			decide = h.svc.Reviews.HideReview
		}
		if _, err := decide(r.Context(), id, r.PostForm.Get("reason")); err != nil {
			h.reviewFail(w, r, err)
			return
		}
		back := r.PostForm.Get("status")
		if back != vocdesk.ReportHidden && back != vocdesk.ReportKept {
			back = vocdesk.ReportOpen
		}
		http.Redirect(w, r, "/operator/reviews?status="+back, http.StatusSeeOther)
	}
}
