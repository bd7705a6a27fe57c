package ui

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
)

// The mail log's views: what arrived by email and what became of it, for
// the developer (its own) and the back office (every developer's).
const (
	viewMailLog     view = "mail_log"
	viewMailMessage view = "mail_message"
)

// mailRoutes adds the mail log's pages to mux.
func (h *handler) mailRoutes(mux *pageMux) {
	dev := func(fn http.HandlerFunc) http.Handler { return h.require(realmDeveloper, fn) }
	op := func(fn http.HandlerFunc) http.Handler { return h.require(realmOperator, fn) }
	mux.Handle("GET /console/mail", dev(h.mailLog))
	mux.Handle("GET /console/mail/{id}", dev(h.mailMessage))
	mux.Handle("GET /console/mail/{id}/raw", dev(h.mailRaw))
	mux.Handle("GET /operator/mail", op(h.mailLog))
	mux.Handle("GET /operator/mail/{id}", op(h.mailMessage))
	mux.Handle("GET /operator/mail/{id}/raw", op(h.mailRaw))
}

// mailBase is where the signed-in actor's mail pages and inquiries live.
func mailBase(a *vocdesk.Actor) (mailPath, inquiries string) {
	if a.IsOperator() {
		return "/operator/mail", "/operator/inquiries"
	}
	return "/console/mail", "/console/inquiries"
}

// mailLogData is the mail log page.
type mailLogData struct {
	Operator  bool
	Base      string
	Inquiries string
	Outcome   string
	Developer string
	Outcomes  []vocdesk.MailOutcome
	Items     []*vocdesk.MailMessage
	Next      string // the next page's query, "" on the last
	Invalid   bool
}

var mailOutcomes = []vocdesk.MailOutcome{vocdesk.MailInquiry, vocdesk.MailReply, vocdesk.MailDuplicate,
	vocdesk.MailAutoReply, vocdesk.MailBounce, vocdesk.MailUnparsed}

func (h *handler) mailLog(w http.ResponseWriter, r *http.Request) {
	if h.svc.Mail == nil {
		h.notFound(w, r)
		return
	}
	a := stateFrom(r).actor()
	q := r.URL.Query()
	d := &mailLogData{Operator: a.IsOperator(), Outcome: q.Get("outcome"), Outcomes: mailOutcomes}
	d.Base, d.Inquiries = mailBase(a)
	f := vocdesk.MailFilter{Outcome: vocdesk.MailOutcome(d.Outcome), Cursor: q.Get("cursor"), Limit: 50}
	if d.Operator {
		d.Developer = q.Get("developer")
		f.Developer = d.Developer
	}
	if f.Outcome != "" && !f.Outcome.Valid() {
		// A hand-edited link: show everything and say the filter was wrong.
		d.Invalid, d.Outcome, f.Outcome = true, "", ""
	}
	list, next, err := h.svc.Mail.FindMailMessages(r.Context(), f)
	if vocdesk.ErrorCode(err) == vocdesk.EINVALID && f.Cursor != "" {
		f.Cursor, d.Invalid = "", true
		list, next, err = h.svc.Mail.FindMailMessages(r.Context(), f)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Items = list
	if next != "" {
		v := url.Values{"cursor": {next}}
		if d.Outcome != "" {
			v.Set("outcome", d.Outcome)
		}
		if d.Developer != "" {
			v.Set("developer", d.Developer)
		}
		d.Next = "?" + v.Encode()
	}
	h.render(w, r, http.StatusOK, viewMailLog, "mail.title", d)
}

// mailMessageData is one logged message with its source.
type mailMessageData struct {
	Base, Inquiries string
	M               *vocdesk.MailMessage
	Source          string
	Cut             bool
}

func (h *handler) mailMessage(w http.ResponseWriter, r *http.Request) {
	m, raw, ok := h.findMail(w, r)
	if !ok {
		return
	}
	d := &mailMessageData{M: m}
	d.Base, d.Inquiries = mailBase(stateFrom(r).actor())
	d.Source, d.Cut = mail.Source(raw)
	h.render(w, r, http.StatusOK, viewMailMessage, "mail.message_title", d)
}

// mailRaw downloads the message exactly as received: a file, never a page.
func (h *handler) mailRaw(w http.ResponseWriter, r *http.Request) {
	m, raw, ok := h.findMail(w, r)
	if !ok {
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "message/rfc822")
	hdr.Set("Content-Disposition", `attachment; filename="mail-`+strconv.FormatInt(m.ID, 10)+`.eml"`)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	hdr.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", m.ReceivedAt, bytes.NewReader(raw))
}

func (h *handler) findMail(w http.ResponseWriter, r *http.Request) (*vocdesk.MailMessage, []byte, bool) {
	if h.svc.Mail == nil {
		h.notFound(w, r)
		return nil, nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return nil, nil, false
	}
	m, raw, err := h.svc.Mail.FindMailRaw(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, false
	}
	return m, raw, true
}

// addDeliveries sets each answer's email delivery on the thread, for the
// desk's side (the service gives customers none).
func (h *handler) addDeliveries(ctx context.Context, inquiryID int64, msgs []*vocdesk.Message) error {
	if h.svc.Mail == nil {
		return nil
	}
	ds, err := h.svc.Mail.FindDeliveries(ctx, inquiryID)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		m.Email = ds[m.ID]
	}
	return nil
}
