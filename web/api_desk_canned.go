package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// cannedReplyJSON is a canned reply. Its body keeps its placeholders
// ({{customer.name}}, ...); a reply with canned_reply_id fills them in.
type cannedReplyJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Locale    string `json:"locale"`
	Body      string `json:"body"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func newCannedReplyJSON(c *vocdesk.CannedReply) cannedReplyJSON {
	return cannedReplyJSON{ID: c.ID, Name: c.Name, Locale: c.Locale, Body: c.Body,
		CreatedAt: timeJSON(c.CreatedAt), UpdatedAt: timeJSON(c.UpdatedAt)}
}

// cannedReplyRequest is the body of a create or a full update.
type cannedReplyRequest struct {
	Name   string `json:"name"`
	Locale string `json:"locale"`
	Body   string `json:"body"`
}

func decodeCannedReply(w http.ResponseWriter, r *http.Request) (*vocdesk.CannedReply, error) {
	var req cannedReplyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return nil, err
	}
	c := &vocdesk.CannedReply{Name: req.Name, Locale: req.Locale, Body: req.Body}
	return c, c.Validate()
}

// listCannedReplies is GET /canned-replies?locale=: every member reads them
// to answer with.
func (s *Server) listCannedReplies(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	locale := r.URL.Query().Get("locale")
	if locale != "" && locale != "ko" && locale != "en" {
		return vocdesk.Errorf(vocdesk.EINVALID, "locale must be ko or en")
	}
	list, err := d.FindCannedReplies(r.Context(), locale)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, "", newCannedReplyJSON))
	return nil
}

// createCannedReply is POST /canned-replies (admins and owners).
func (s *Server) createCannedReply(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	c, err := decodeCannedReply(w, r)
	if err != nil {
		return err
	}
	if err := d.CreateCannedReply(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newCannedReplyJSON(c))
	return nil
}

// putCannedReply is PUT /canned-replies/{id}: name, locale and body anew.
func (s *Server) putCannedReply(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	id, err := parseID("canned reply", r.PathValue("id"))
	if err != nil {
		return err
	}
	c, err := decodeCannedReply(w, r)
	if err != nil {
		return err
	}
	c.ID = id
	if err := d.UpdateCannedReply(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newCannedReplyJSON(c))
	return nil
}

// deleteCannedReply is DELETE /canned-replies/{id}.
func (s *Server) deleteCannedReply(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	id, err := parseID("canned reply", r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := d.DeleteCannedReply(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
