package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// mail is the service behind the mail log's routes; without it (a server
// built without the email channel) they answer like routes that do not
// exist.
func (s *Server) mail() (vocdesk.MailService, error) {
	if s.svc.Mail == nil {
		return nil, errNotFound
	}
	return s.svc.Mail, nil
}

// mailMessageJSON is one entry of the mail log.
type mailMessageJSON struct {
	ID         int64  `json:"id"`
	MessageID  string `json:"message_id"`
	From       string `json:"from"`
	To         string `json:"to"`
	Subject    string `json:"subject"`
	ReceivedAt string `json:"received_at"`
	Outcome    string `json:"outcome"`
	InquiryID  *int64 `json:"inquiry_id"`
	Developer  string `json:"developer"`
	Problem    string `json:"problem"`
	Size       int64  `json:"size"`
	RawURL     string `json:"raw_url"`
}

func newMailMessageJSON(m *vocdesk.MailMessage) mailMessageJSON {
	j := mailMessageJSON{ID: m.ID, MessageID: m.MessageID, From: m.From, To: m.To, Subject: m.Subject,
		ReceivedAt: timeJSON(m.ReceivedAt), Outcome: string(m.Outcome), Developer: m.DeveloperSlug, Problem: m.Problem,
		Size: m.Size, RawURL: mailRawURL(m.ID)}
	if m.InquiryID != 0 {
		id := m.InquiryID
		j.InquiryID = &id
	}
	return j
}

func mailRawURL(id int64) string {
	return apiPrefix + "mail/messages/" + strconv.FormatInt(id, 10) + "/raw"
}

// listMailMessages is GET /mail/messages: what arrived by mail, newest
// first; operators see every developer's (developer= narrows), developers
// their own.
func (s *Server) listMailMessages(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.mail()
	if err != nil {
		return err
	}
	// Unknown parameters were refused before (query_params.go).
	q := r.URL.Query()
	f := vocdesk.MailFilter{Outcome: vocdesk.MailOutcome(q.Get("outcome")), Developer: q.Get("developer"), Cursor: q.Get("cursor")}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	list, next, err := svc.FindMailMessages(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, newMailMessageJSON))
	return nil
}

// getMailMessage is GET /mail/messages/{id}: one entry of the log.
func (s *Server) getMailMessage(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.mail()
	if err != nil {
		return err
	}
	id, err := parseID("mail message", r.PathValue("id"))
	if err != nil {
		return err
	}
	m, _, err := svc.FindMailRaw(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newMailMessageJSON(m))
	return nil
}

// getMailRaw is GET /mail/messages/{id}/raw: the bytes exactly as received,
// as message/rfc822. A download, never a page: mail carries HTML and
// scripts of anyone's making.
func (s *Server) getMailRaw(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.mail()
	if err != nil {
		return err
	}
	id, err := parseID("mail message", r.PathValue("id"))
	if err != nil {
		return err
	}
	_, raw, err := svc.FindMailRaw(r.Context(), id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "message/rfc822")
	h.Set("Content-Length", strconv.Itoa(len(raw)))
	h.Set("Content-Disposition", `attachment; filename="mail-`+strconv.FormatInt(id, 10)+`.eml"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(raw)
	}
	return nil
}

// mailDeliveryJSON is how an answer's email went.
type mailDeliveryJSON struct {
	State     string `json:"state"`
	To        string `json:"to"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error"`
	MessageID string `json:"message_id"`
	UpdatedAt string `json:"updated_at"`
}

// addDeliveries puts each answer's email delivery beside it in a thread.
// The service shows them to the desk's side only.
func (s *Server) addDeliveries(ctx context.Context, inquiryID int64, msgs []messageJSON) error {
	if s.svc.Mail == nil {
		return nil
	}
	ds, err := s.svc.Mail.FindDeliveries(ctx, inquiryID)
	if err != nil || len(ds) == 0 {
		return err
	}
	for i := range msgs {
		if d, ok := ds[msgs[i].ID]; ok {
			msgs[i].Email = &mailDeliveryJSON{State: string(d.State), To: d.To, Attempts: d.Attempts, LastError: d.LastError,
				MessageID: d.MessageID, UpdatedAt: timeJSON(d.UpdatedAt)}
		}
	}
	return nil
}
