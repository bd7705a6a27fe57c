package ui

import (
	"context"
	"net/http"
	"strconv"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/desk"
)

// inquiryData is one inquiry as the developer (or the operator) works on it:
// the thread, the customer panel, the workflow, the reply box.
type inquiryData struct {
	Base      string // the inbox this inquiry is listed in
	Operator  bool
	Inquiry   *vocdesk.Inquiry
	Messages  []*vocdesk.Message
	Customer  *vocdesk.Customer   // nil for a contact without a store account
	Purchase  *vocdesk.Purchase   // the purchase asked about; nil for a general question
	Purchases []*vocdesk.Purchase // the customer's purchases of this developer's apps
	Earlier   []*vocdesk.Inquiry  // the customer's other inquiries, newest first
	Members   []*vocdesk.Member
	Canned    []cannedView
	CannedID  int64 // the canned reply inserted into Draft without script
	Draft     string
	Note      string
	ErrorKey  string // why the last post was refused
	ErrorFor  string // "reply" or "note"
	Limits    attachmentLimits
	Evidence  *evidenceData // the asked purchase's delivery evidence (console_purchase.go)
	Refunds   []*refundView // the inquiry's cancellation requests
	// PurchaseLeft is what may still be asked back of the linked purchase;
	// Refundable the customer's purchases with something left, to pick
	// from when none is linked (console_inquiry_cancel.go).
	PurchaseLeft int64
	Refundable   []*vocdesk.Purchase
	// CancelKey and Reasons are the store's cancellation form's
	// (operators: store_hand.go).
	CancelKey string
	Reasons   []vocdesk.CancellationReason
	// Day is the merge and snooze panels (console_inquiry_day.go).
	Day *dayData
	// Collision names who replied while the agent wrote (the traffic
	// cop, console_reply_guard.go); Seen is the newest message the
	// refused form had seen, kept so that only "send anyway" sends, and
	// Then what the refused post was to do after sending.
	Collision string
	Seen      int64
	Then      string
	// Consent is what the caller of a phone inquiry agreed to, for the
	// store (console_channels.go).
	Consent *vocdesk.CallConsent
	// Social is where a social inquiry's conversation is: the post's
	// link, shown only when it is http or https (console_channels.go).
	Social *vocdesk.SocialThread
	// Macros an agent may apply here, and the inquiry's priority (set by
	// rules; console_automation.go).
	Macros   []*vocdesk.Macro
	Priority vocdesk.Priority
}

// cannedView is a canned reply with its placeholders already filled for
// this inquiry.
type cannedView struct {
	ID     int64
	Name   string
	Locale string
	Text   string
}

// inquiryID reads the {id} of an inquiry's path.
func inquiryID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// consoleInquiry shows one inquiry. Another developer's inquiry answers
// like a missing one: the service finds neither.
func (h *handler) consoleInquiry(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	d := &inquiryData{}
	if c := r.URL.Query().Get("canned"); c != "" {
		d.CannedID, _ = strconv.ParseInt(c, 10, 64)
	}
	h.showInquiry(w, r, id, d, http.StatusOK)
}

// showInquiry renders the inquiry page with d's draft and error (after a
// refused post, so nothing typed is lost).
func (h *handler) showInquiry(w http.ResponseWriter, r *http.Request, id int64, d *inquiryData, status int) {
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	if err := h.loadInquiry(ctx, a, id, d); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.loadDay(ctx, r, a, d); err != nil {
		h.fail(w, r, err)
		return
	}
	if a.IsDeveloper() && d.Inquiry.UnreadByDeveloper {
		if err := h.svc.Inquiries.MarkRead(ctx, id); err != nil {
			h.log.WarnContext(ctx, "ui: mark read", "inquiry", id, "err", err)
		}
	}
	h.render(w, r, status, viewConsoleInquiry, "inquiry.title", d)
}

func (h *handler) loadInquiry(ctx context.Context, a *vocdesk.Actor, id int64, d *inquiryData) error {
	in, msgs, err := h.svc.Inquiries.FindThread(ctx, id)
	if err != nil {
		return err
	}
	d.Base, d.Operator, d.Inquiry, d.Messages, d.Limits = inboxBase(a), a.IsOperator(), in, msgs, limits()
	if err := h.addDeliveries(ctx, id, msgs); err != nil {
		return err
	}
	if err := h.addChannelState(ctx, a, in, d); err != nil {
		return err
	}
	if d.Refunds, err = h.refundsOf(ctx, "", vocdesk.CancellationFilter{InquiryID: id}); err != nil {
		return err
	}
	if in.CustomerID != 0 {
		c, err := h.svc.Customers.FindCustomerByID(ctx, in.CustomerID)
		switch {
		case err == nil:
			d.Customer = maskFor(a, c)
		case vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND:
			return err
		}
		if d.Purchases, _, err = h.svc.Purchases.FindPurchases(ctx, vocdesk.PurchaseFilter{CustomerID: in.CustomerID, Limit: 20}); err != nil {
			return err
		}
		earlier, _, err := h.svc.Inquiries.FindInquiries(ctx, vocdesk.InquiryFilter{CustomerID: in.CustomerID, Limit: 20})
		if err != nil {
			return err
		}
		for _, e := range earlier {
			if e.ID != in.ID {
				d.Earlier = append(d.Earlier, e)
			}
		}
	}
	for _, p := range d.Purchases {
		if p.ID == in.PurchaseID || (in.TxID != "" && p.TxID == in.TxID) {
			d.Purchase = p
		}
	}
	if d.Purchase == nil && in.TxID != "" {
		p, err := h.svc.Purchases.FindPurchaseByTxID(ctx, in.TxID)
		if err == nil {
			d.Purchase = p
		} else if vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			return err
		}
	}
	if d.Purchase != nil {
		// "I paid but never got it" is answered on the page itself: what
		// the developer's server logged, with mark delivered and a reply.
		page := d.Base + "/" + strconv.FormatInt(id, 10)
		if d.Evidence, err = h.reconEvidence(ctx, d.Purchase.TxID, page); err != nil {
			return err
		}
		if d.Evidence != nil && a.IsDeveloper() && a.Role.AtLeast(vocdesk.RoleAgent) {
			d.Evidence.ReplyURL = page + "#reply"
		}
	}
	if err := h.refundChoices(ctx, d); err != nil {
		return err
	}
	if !a.IsDeveloper() {
		return nil
	}
	if d.Members, err = h.svc.Developers.FindMembers(ctx, in.DeveloperSlug); err != nil {
		return err
	}
	if h.svc.Automation != nil {
		d.Priority = in.Priority // read with the inquiry (migration 00137)
		if a.Role.AtLeast(vocdesk.RoleAgent) {
			if d.Macros, err = h.svc.Automation.FindMacros(ctx); err != nil {
				return err
			}
		}
	}
	if a.Role.AtLeast(vocdesk.RoleAgent) {
		canned, err := h.svc.Desk.FindCannedReplies(ctx, "")
		if err != nil {
			return err
		}
		vars := desk.Vars(h.withContact(in, d.Customer), d.Purchase, a.Name)
		for _, c := range canned {
			cv := cannedView{ID: c.ID, Name: c.Name, Locale: c.Locale, Text: desk.Render(c.Body, vars)}
			d.Canned = append(d.Canned, cv)
			if c.ID == d.CannedID && d.Draft == "" {
				d.Draft = cv.Text
			}
		}
	}
	return nil
}

// withContact fills the inquiry's contact from the customer's account for
// the placeholders, when the channel gave none.
func (h *handler) withContact(in *vocdesk.Inquiry, c *vocdesk.Customer) *vocdesk.Inquiry {
	if c == nil || in.ContactEmail != "" {
		return in
	}
	cp := *in
	cp.ContactEmail = c.Email
	if cp.CustomerName == "" {
		cp.CustomerName = c.Name
	}
	return &cp
}

// consoleReply sends the developer's answer (with files) and, when asked,
// resolves the inquiry in the same step.
func (h *handler) consoleReply(w http.ResponseWriter, r *http.Request) {
	h.consolePost(w, r, false)
}

// consoleNote adds an internal note: the customer never sees it.
func (h *handler) consoleNote(w http.ResponseWriter, r *http.Request) {
	h.consolePost(w, r, true)
}

func (h *handler) consolePost(w http.ResponseWriter, r *http.Request, note bool) {
	ctx := r.Context()
	id, ok := inquiryID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	body := r.PostForm.Get("body")
	then := r.PostForm.Get("then")
	// "Send anyway" (force) skips the traffic cop; it is the button
	// pressed, so it also says whether to resolve.
	if f := r.PostForm.Get("force"); !note && f != "" {
		if f == "resolve" {
			then = "resolve"
		}
	} else if seen := parseSeen(r.PostForm.Get("seen")); !note && seen > 0 {
		who, err := h.replyCollision(ctx, vocdesk.ActorFromContext(ctx), id, seen)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if who != "" {
			d := &inquiryData{Draft: body, ErrorFor: "reply", Collision: who, Seen: seen, Then: then}
			h.showInquiry(w, r, id, d, http.StatusConflict)
			return
		}
	}
	m := &vocdesk.Message{Body: body, Internal: note}
	files, err := readAttachments(r)
	if err == nil {
		m.Attachments = files
		err = h.svc.Inquiries.AddMessage(ctx, id, m)
	}
	if err == nil && !note && then == "resolve" {
		st := vocdesk.InquiryResolved
		_, err = h.svc.Inquiries.UpdateInquiry(ctx, id, vocdesk.InquiryUpdate{Status: &st})
	}
	if err != nil {
		key := sendErrorKey(err)
		if key == "" {
			h.fail(w, r, err)
			return
		}
		d := &inquiryData{ErrorKey: key, ErrorFor: "reply"}
		if note {
			d.Note, d.ErrorFor = body, "note"
		} else {
			d.Draft = body
		}
		h.showInquiry(w, r, id, d, http.StatusUnprocessableEntity)
		return
	}
	fl := flash{Key: "flash.reply_sent"}
	switch {
	case note:
		fl.Key = "flash.note_added"
	case then == "resolve":
		fl.Key = "flash.reply_sent_resolved"
	}
	h.redirect(w, r, "/console/inquiries/"+strconv.FormatInt(id, 10)+"#m"+strconv.FormatInt(m.ID, 10), fl)
}

// consoleUpdate changes the workflow: status, assignee, a tag added or
// removed. Each field is optional; the form sends what it changes.
func (h *handler) consoleUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	var u vocdesk.InquiryUpdate
	f := r.PostForm
	if s := f.Get("status"); s != "" {
		st := vocdesk.InquiryStatus(s)
		if !st.Valid() {
			h.renderError(w, r, http.StatusBadRequest, "error.invalid")
			return
		}
		u.Status = &st
	}
	if s := f.Get("assignee"); s != "" {
		aid, err := strconv.ParseInt(s, 10, 64)
		if err != nil || aid < 0 {
			h.renderError(w, r, http.StatusBadRequest, "error.invalid")
			return
		}
		u.AssigneeID = &aid
	}
	if s := f.Get("add_tag"); s != "" {
		u.AddTags = []string{s}
	}
	if s := f.Get("remove_tag"); s != "" {
		u.RemoveTags = []string{s}
	}
	if _, err := h.svc.Inquiries.UpdateInquiry(r.Context(), id, u); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/inquiries/"+strconv.FormatInt(id, 10), flash{Key: "flash.inquiry_saved"})
}
