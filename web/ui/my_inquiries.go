package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// myInquiriesPageSize is the number of inquiries on one page of My
// inquiries.
const myInquiriesPageSize = 25

type myInquiriesData struct {
	Inquiries []*vocdesk.Inquiry
	NextURL   string
	FirstURL  string
}

// myInquiries lists the customer's inquiries, the latest first, with the
// unread marker on those the developer has answered since.
func (h *handler) myInquiries(w http.ResponseWriter, r *http.Request) {
	f := vocdesk.InquiryFilter{Limit: myInquiriesPageSize}
	if c := r.URL.Query().Get("cursor"); c != "" && validCursor(c) {
		f.Cursor = c
	}
	ins, next, err := h.svc.Inquiries.FindInquiries(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &myInquiriesData{Inquiries: ins}
	if next != "" {
		d.NextURL = "/my/inquiries?cursor=" + next
	}
	if f.Cursor != "" {
		d.FirstURL = "/my/inquiries"
	}
	h.render(w, r, http.StatusOK, viewMyInquiries, "myinq.title", d)
}

// myInquiryData is one inquiry as its customer sees it: never a note.
type myInquiryData struct {
	Inquiry  *vocdesk.Inquiry
	Messages []*vocdesk.Message
	Purchase *vocdesk.Purchase
	Draft    string
	ErrorKey string
	Sent     bool
	Limits   attachmentLimits
	// Rating is the survey's state once the inquiry is resolved or closed.
	Rating *vocdesk.Survey
	// MergedInto is set when the inquiry was merged into another: the
	// page points there, where the conversation goes on.
	MergedInto *vocdesk.InquiryMerge
}

// CanRate reports whether the rating form shows: a first rating, or a
// change within the window (vocdesk.RatingOpen); a merged inquiry is rated
// where it went on.
func (d *myInquiryData) CanRate() bool {
	return d.Rating != nil && d.Rating.Open == nil && d.MergedInto == nil
}

// AskRating reports whether the page asks for a rating up front: resolved
// and not rated yet.
func (d *myInquiryData) AskRating() bool { return d.CanRate() && d.Inquiry.Rating == 0 }

// CanSolve reports whether the customer may still mark it solved.
func (d *myInquiryData) CanSolve() bool {
	s := d.Inquiry.Status
	return s != vocdesk.InquiryResolved && s != vocdesk.InquiryClosed
}

func (h *handler) myInquiry(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	h.showMyInquiry(w, r, id, &myInquiryData{Sent: r.URL.Query().Get("sent") == "1"}, http.StatusOK)
}

func (h *handler) showMyInquiry(w http.ResponseWriter, r *http.Request, id int64, d *myInquiryData, status int) {
	ctx := r.Context()
	in, msgs, err := h.svc.Inquiries.FindThread(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The service never gives a customer a note; leaving them out here as
	// well means a storage bug cannot show one.
	for _, m := range msgs {
		if !m.Internal {
			d.Messages = append(d.Messages, m)
		}
	}
	d.Inquiry, d.Limits = in, limits()
	if h.svc.Merges != nil {
		if d.MergedInto, _, err = h.svc.Merges.FindMerges(ctx, id); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if in.TxID != "" {
		if p, err := h.svc.Purchases.FindPurchaseByTxID(ctx, in.TxID); err == nil {
			d.Purchase = p
		}
	}
	if h.svc.Surveys != nil && (in.Status == vocdesk.InquiryResolved || in.Status == vocdesk.InquiryClosed) {
		if d.Rating, err = h.svc.Surveys.FindRating(ctx, id); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if in.UnreadByCustomer {
		if err := h.svc.Inquiries.MarkRead(ctx, id); err != nil {
			h.log.WarnContext(ctx, "ui: mark read", "inquiry", id, "err", err)
		}
	}
	h.render(w, r, status, viewMyInquiry, "myinq.one_title", d)
}

// myInquiryReply adds the customer's message, which reopens the inquiry.
func (h *handler) myInquiryReply(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	body := r.PostForm.Get("body")
	m := &vocdesk.Message{Body: body}
	files, err := readAttachments(r)
	if err == nil {
		m.Attachments = files
		err = h.svc.Inquiries.AddMessage(r.Context(), id, m)
	}
	if err != nil {
		key := sendErrorKey(err)
		if key == "" || vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND {
			h.fail(w, r, err)
			return
		}
		h.showMyInquiry(w, r, id, &myInquiryData{Draft: body, ErrorKey: key}, http.StatusUnprocessableEntity)
		return
	}
	h.redirect(w, r, "/my/inquiries/"+strconv.FormatInt(id, 10)+"#m"+strconv.FormatInt(m.ID, 10), flash{Key: "flash.my_reply_sent"})
}

// myInquirySolve marks the customer's inquiry solved.
func (h *handler) myInquirySolve(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	st := vocdesk.InquiryResolved
	if _, err := h.svc.Inquiries.UpdateInquiry(r.Context(), id, vocdesk.InquiryUpdate{Status: &st}); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/my/inquiries/"+strconv.FormatInt(id, 10)+"#rate", http.StatusSeeOther)
}

// myInquiryRate records the rating (1-5) and comment.
func (h *handler) myInquiryRate(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	rating, err := strconv.Atoi(r.PostForm.Get("rating"))
	comment := strings.TrimSpace(r.PostForm.Get("comment"))
	if err != nil || rating < 1 || rating > 5 || len([]rune(comment)) > 2000 {
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	back := "/my/inquiries/" + strconv.FormatInt(id, 10) + "#rate"
	if err := h.svc.Inquiries.RateInquiry(r.Context(), id, rating, comment); err != nil {
		if vocdesk.ErrorCode(err) == vocdesk.ECONFLICT {
			// Final meanwhile (closed, or the window passed).
			h.redirect(w, r, back, flash{Kind: "error", Key: "survey.final_window"})
			return
		}
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, back, flash{Key: "survey.thanks"})
}

// Choices are the rating's values, best first (the stars read right to
// left, so CSS can light a star and those before it).
func (d *myInquiryData) Choices() []int { return []int{5, 4, 3, 2, 1} }
