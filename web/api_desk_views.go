package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// savedViewJSON is a member's named inbox filter: query is the inbox's
// query string (status=open&sort=due).
type savedViewJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Query     string `json:"query"`
	CreatedAt string `json:"created_at"`
}

func newSavedViewJSON(v *vocdesk.SavedView) savedViewJSON {
	return savedViewJSON{ID: v.ID, Name: v.Name, Query: v.Query, CreatedAt: timeJSON(v.CreatedAt)}
}

// listSavedViews is GET /saved-views: the signed-in member's own.
func (s *Server) listSavedViews(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	list, err := d.FindSavedViews(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, "", newSavedViewJSON))
	return nil
}

// createSavedView is POST /saved-views.
func (s *Server) createSavedView(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	var req struct {
		Name  string `json:"name"`
		Query string `json:"query"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := requireFields("name", req.Name); err != nil {
		return err
	}
	v := &vocdesk.SavedView{Name: req.Name, Query: req.Query}
	if err := d.CreateSavedView(r.Context(), v); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newSavedViewJSON(v))
	return nil
}

// deleteSavedView is DELETE /saved-views/{id}. An API key has no views, so
// any id is not found for it.
func (s *Server) deleteSavedView(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	id, err := parseID("saved view", r.PathValue("id"))
	if err != nil {
		return err
	}
	if actorFrom(r).MemberID == 0 {
		return vocdesk.NotFound("saved view")
	}
	if err := d.DeleteSavedView(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// tagJSON is a tag in use, with how many inquiries carry it.
type tagJSON struct {
	Tag   string `json:"tag"`
	Count int    `json:"count"`
}

// listTags is GET /tags: the developer's tags, for filters and pickers.
func (s *Server) listTags(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	list, err := d.FindTags(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, "", func(t *vocdesk.TagCount) tagJSON { return tagJSON{Tag: t.Tag, Count: t.Count} }))
	return nil
}
