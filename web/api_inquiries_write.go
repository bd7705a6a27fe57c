package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/desk"
)

// messageTarget reads the {id} of a message route and the inquiry it names,
// in the caller's scope: someone else's inquiry is 404 before anything else
// is said about the request.
func (s *Server) messageTarget(r *http.Request) (vocdesk.InquiryService, *vocdesk.Inquiry, error) {
	svc, err := s.inquiries()
	if err != nil {
		return nil, nil, err
	}
	id, err := parseID("inquiry", r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	in, err := svc.FindInquiryByID(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	return svc, in, nil
}

// replyInquiry is POST /inquiries/{id}/replies: the developer answers (or an
// operator writes to the customer); the customer is told on My Page and by
// mail. A canned reply is filled in with the inquiry's data here, so the
// stored message is exactly what the customer reads.
func (s *Server) replyInquiry(w http.ResponseWriter, r *http.Request) error {
	svc, in, err := s.messageTarget(r)
	if err != nil {
		return err
	}
	m, cannedID, err := decodeReply(w, r)
	if err != nil {
		return err
	}
	if cannedID != 0 {
		if m.Body, err = s.renderCanned(r, in, cannedID); err != nil {
			return err
		}
	}
	if err := svc.AddMessage(r.Context(), in.ID, m); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newMessageJSON(m))
	return nil
}

// renderCanned fills canned reply id's placeholders for inquiry in.
func (s *Server) renderCanned(r *http.Request, in *vocdesk.Inquiry, id int64) (string, error) {
	d, err := s.desk()
	if err != nil {
		return "", err
	}
	list, err := d.FindCannedReplies(r.Context(), "")
	if err != nil {
		return "", err
	}
	var c *vocdesk.CannedReply
	for _, cr := range list {
		if cr.ID == id {
			c = cr
		}
	}
	if c == nil {
		return "", vocdesk.NotFound("canned reply")
	}
	var p *vocdesk.Purchase
	if in.TxID != "" {
		if p, err = s.svc.Purchases.FindPurchaseByTxID(r.Context(), in.TxID); err != nil && vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			return "", err
		}
	}
	body := desk.Render(c.Body, desk.Vars(in, p, actorFrom(r).Name))
	return body, vocdesk.ValidateBody(body)
}

// noteInquiry is POST /inquiries/{id}/notes: an internal note, which the
// customer never sees.
func (s *Server) noteInquiry(w http.ResponseWriter, r *http.Request) error {
	return s.postMessage(w, r, true)
}

// postMessage adds the request's message to the inquiry it names, as an
// internal note or to the thread, and answers with the message.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, internal bool) error {
	svc, in, err := s.messageTarget(r)
	if err != nil {
		return err
	}
	m, err := decodeMessage(w, r)
	if err != nil {
		return err
	}
	m.Internal = internal
	if err := svc.AddMessage(r.Context(), in.ID, m); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newMessageJSON(m))
	return nil
}

// patchInquiry is PATCH /inquiries/{id}: status, assignee, tags.
func (s *Server) patchInquiry(w http.ResponseWriter, r *http.Request) error {
	svc, in, err := s.messageTarget(r)
	if err != nil {
		return err
	}
	u, err := decodePatchInquiry(w, r)
	if err != nil {
		return err
	}
	updated, err := svc.UpdateInquiry(r.Context(), in.ID, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newInquiryJSON(updated))
	return nil
}

// bulkJSON says how many inquiries a bulk call changed; ids the caller may
// not see, and inquiries already in the asked state, are not counted.
type bulkJSON struct {
	Updated int `json:"updated"`
}

// bulkInquiries is POST /inquiries/bulk: assign, tag or close many at once.
func (s *Server) bulkInquiries(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.inquiries()
	if err != nil {
		return err
	}
	ids, u, err := decodeBulk(w, r)
	if err != nil {
		return err
	}
	n, err := svc.BulkUpdateInquiries(r.Context(), ids, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, bulkJSON{Updated: n})
	return nil
}
