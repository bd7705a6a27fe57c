package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// automation is the macros' and rules' service; without it their routes
// answer like routes that do not exist.
func (s *Server) automation() (vocdesk.AutomationService, error) {
	if s.svc.Automation == nil {
		return nil, errNotFound
	}
	return s.svc.Automation, nil
}

// macroJSON is a macro: its actions as the API takes them.
type macroJSON struct {
	ID        int64                `json:"id"`
	Name      string               `json:"name"`
	Actions   vocdesk.MacroActions `json:"actions"`
	CreatedAt string               `json:"created_at"`
	UpdatedAt string               `json:"updated_at"`
}

func newMacroJSON(m *vocdesk.Macro) macroJSON {
	return macroJSON{ID: m.ID, Name: m.Name, Actions: m.Actions, CreatedAt: timeJSON(m.CreatedAt), UpdatedAt: timeJSON(m.UpdatedAt)}
}

// macroRequest is the body of a create or a full update.
type macroRequest struct {
	Name    string               `json:"name"`
	Actions vocdesk.MacroActions `json:"actions"`
}

// decodeMacro reads and checks a macro's body.
func decodeMacro(w http.ResponseWriter, r *http.Request) (*vocdesk.Macro, error) {
	var req macroRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return nil, err
	}
	m := &vocdesk.Macro{Name: req.Name, Actions: req.Actions}
	return m, m.Validate()
}

// listMacros is GET /macros: every member reads them.
func (s *Server) listMacros(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	list, err := svc.FindMacros(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, "", newMacroJSON))
	return nil
}

// getMacro is GET /macros/{id}.
func (s *Server) getMacro(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	id, err := parseID("macro", r.PathValue("id"))
	if err != nil {
		return err
	}
	m, err := svc.FindMacro(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newMacroJSON(m))
	return nil
}

// createMacro is POST /macros (admins and owners).
func (s *Server) createMacro(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	m, err := decodeMacro(w, r)
	if err != nil {
		return err
	}
	if err := svc.CreateMacro(r.Context(), m); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newMacroJSON(m))
	return nil
}

// putMacro is PUT /macros/{id}: name and actions anew.
func (s *Server) putMacro(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	id, err := parseID("macro", r.PathValue("id"))
	if err != nil {
		return err
	}
	m, err := decodeMacro(w, r)
	if err != nil {
		return err
	}
	m.ID = id
	if err := svc.UpdateMacro(r.Context(), m); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newMacroJSON(m))
	return nil
}

// deleteMacro is DELETE /macros/{id}.
func (s *Server) deleteMacro(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	id, err := parseID("macro", r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := svc.DeleteMacro(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// macroResultJSON is one inquiry's outcome of an application.
type macroResultJSON struct {
	InquiryID int64      `json:"inquiry_id"`
	Applied   bool       `json:"applied"`
	Error     *errorBody `json:"error,omitempty"`
}

// applyMacro is POST /macros/{id}/apply: the macro on one inquiry or many
// (agents and above). Each inquiry gets every action or none; the answer
// says which, per inquiry, in the order sent. An inquiry of another
// developer is reported not found, as a missing one is.
func (s *Server) applyMacro(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	id, err := parseID("macro", r.PathValue("id"))
	if err != nil {
		return err
	}
	var req struct {
		InquiryIDs []int64 `json:"inquiry_ids"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	results, err := svc.ApplyMacro(r.Context(), id, req.InquiryIDs)
	if err != nil {
		return err
	}
	out := struct {
		Results []macroResultJSON `json:"results"`
	}{Results: make([]macroResultJSON, 0, len(results))}
	for _, res := range results {
		j := macroResultJSON{InquiryID: res.InquiryID, Applied: res.Code == ""}
		if res.Code != "" {
			j.Error = &errorBody{Code: res.Code, Message: res.Error}
		}
		out.Results = append(out.Results, j)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
