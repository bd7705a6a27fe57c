package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// The store's oversight of developers: the escalation queue (inquiries left
// unanswered past the store's deadline), escalation counts per developer,
// and operators' notes on a developer's record. Operators only.

// listEscalations is GET /escalations: the escalated inquiries, with the
// inbox's filters and paging.
func (s *Server) listEscalations(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.inquiries()
	if err != nil {
		return err
	}
	f, err := inquiryFilter(r, actorFrom(r), true)
	if err != nil {
		return err
	}
	if f.Q != "" {
		return vocdesk.Errorf(vocdesk.EINVALID, "the escalation queue takes no q; search with GET /api/v1/inquiries?escalated=true&q=")
	}
	f.Escalated = true
	if f.Sort == "" {
		f.Sort = "waiting"
	}
	list, next, err := svc.FindInquiries(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, newInquiryJSON))
	return nil
}

// escalationCountJSON is how often a developer left customers waiting.
type escalationCountJSON struct {
	Developer     string `json:"developer"`
	DeveloperName string `json:"developer_name"`
	Open          int    `json:"open"`
	Total         int    `json:"total"`
	// The store's hand: answers and cancellations the store made for the
	// developer's customers.
	StoreAnswers       int `json:"store_answers"`
	StoreCancellations int `json:"store_cancellations"`
}

// listEscalationCounts is GET /escalations/counts: per developer, most
// open first.
func (s *Server) listEscalationCounts(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	list, err := d.FindEscalationCounts(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, "", func(e *vocdesk.EscalationCount) escalationCountJSON {
		return escalationCountJSON{Developer: e.DeveloperSlug, DeveloperName: e.DeveloperName, Open: e.Open, Total: e.Total,
			StoreAnswers: e.StoreAnswers, StoreCancellations: e.StoreCancellations}
	}))
	return nil
}

// developerNoteJSON is an operator's note on a developer's record.
type developerNoteJSON struct {
	ID         int64  `json:"id"`
	Developer  string `json:"developer"`
	AuthorName string `json:"author_name"`
	Body       string `json:"body"`
	CreatedAt  string `json:"created_at"`
}

func newDeveloperNoteJSON(n *vocdesk.DeveloperNote) developerNoteJSON {
	return developerNoteJSON{ID: n.ID, Developer: n.DeveloperSlug, AuthorName: n.AuthorName, Body: n.Body, CreatedAt: timeJSON(n.CreatedAt)}
}

// listDeveloperNotes is GET /developers/{slug}/notes, newest first.
func (s *Server) listDeveloperNotes(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	slug := r.PathValue("slug")
	if _, err := s.svc.Developers.FindDeveloperBySlug(r.Context(), slug); err != nil {
		return err
	}
	list, err := d.FindDeveloperNotes(r.Context(), slug)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, "", newDeveloperNoteJSON))
	return nil
}

// createDeveloperNote is POST /developers/{slug}/notes.
func (s *Server) createDeveloperNote(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	var req struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	n := &vocdesk.DeveloperNote{DeveloperSlug: r.PathValue("slug"), Body: req.Body}
	if err := d.AddDeveloperNote(r.Context(), n); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newDeveloperNoteJSON(n))
	return nil
}
