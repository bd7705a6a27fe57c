package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

type developerJSON struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	CreatedAt string `json:"created_at"`
}

func newDeveloperJSON(d *vocdesk.Developer) developerJSON {
	return developerJSON{Slug: d.Slug, Name: d.Name, Email: d.Email, CreatedAt: timeJSON(d.CreatedAt)}
}

type createDeveloperRequest struct {
	Slug  string `json:"slug"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// createDeveloper registers a seller organisation (store side).
func (s *Server) createDeveloper(w http.ResponseWriter, r *http.Request) error {
	var req createDeveloperRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := requireFields("slug", req.Slug, "name", req.Name, "email", req.Email); err != nil {
		return err
	}
	d := &vocdesk.Developer{Slug: req.Slug, Name: req.Name, Email: req.Email}
	if err := s.svc.Developers.CreateDeveloper(r.Context(), d); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newDeveloperJSON(d))
	return nil
}

// listDevelopers lists the developers the actor may see: all for operators,
// its own for a developer. The service does not page developers (there are
// few), so next_cursor is always empty.
func (s *Server) listDevelopers(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.svc.Developers.FindDevelopers(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(ds, "", newDeveloperJSON))
	return nil
}

func (s *Server) getDeveloper(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.Developers.FindDeveloperBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newDeveloperJSON(d))
	return nil
}
