package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

type memberJSON struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	CreatedAt string `json:"created_at"`
}

func newMemberJSON(m *vocdesk.Member) memberJSON {
	return memberJSON{ID: m.ID, Email: m.Email, Name: m.Name, Role: string(m.Role), CreatedAt: timeJSON(m.CreatedAt)}
}

type createMemberRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

// createMember adds a person to a developer: operators for any developer, a
// developer's owners and admins for their own (the service decides).
func (s *Server) createMember(w http.ResponseWriter, r *http.Request) error {
	var req createMemberRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := requireFields("email", req.Email, "name", req.Name, "role", req.Role); err != nil {
		return err
	}
	role := vocdesk.Role(req.Role)
	if !role.Valid() {
		return vocdesk.Errorf(vocdesk.EINVALID, "role must be one of owner, admin, agent, viewer")
	}
	m := &vocdesk.Member{Email: req.Email, Name: req.Name, Role: role}
	if err := s.svc.Developers.CreateMember(r.Context(), r.PathValue("slug"), m, req.Password); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newMemberJSON(m))
	return nil
}

// listMembers lists a developer's members; developers see only their own.
// Not paged: an organisation has few members.
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.svc.Developers.FindMembers(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(ms, "", newMemberJSON))
	return nil
}
