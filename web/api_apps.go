package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

type appJSON struct {
	Developer string `json:"developer"`
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
}

func newAppJSON(a *vocdesk.App) appJSON {
	return appJSON{Developer: a.DeveloperSlug, Slug: a.Slug, Name: a.Name, CreatedAt: timeJSON(a.CreatedAt)}
}

type createAppRequest struct {
	Developer string `json:"developer"`
	Slug      string `json:"slug"`
	Name      string `json:"name"`
}

// createApp registers an app for a developer (store side).
func (s *Server) createApp(w http.ResponseWriter, r *http.Request) error {
	var req createAppRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := requireFields("developer", req.Developer, "slug", req.Slug, "name", req.Name); err != nil {
		return err
	}
	a := &vocdesk.App{DeveloperSlug: req.Developer, Slug: req.Slug, Name: req.Name}
	if err := s.svc.Developers.CreateApp(r.Context(), a); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newAppJSON(a))
	return nil
}

// listApps lists the apps the actor may see, optionally of one developer.
// The service returns one page of at most limit apps without a cursor.
func (s *Server) listApps(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	f := vocdesk.AppFilter{DeveloperSlug: r.URL.Query().Get("developer"), Limit: limit}
	as, err := s.svc.Developers.FindApps(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(as, "", newAppJSON))
	return nil
}
