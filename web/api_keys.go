package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

type keyJSON struct {
	ID         int64   `json:"id"`
	Realm      string  `json:"realm"`
	Developer  string  `json:"developer,omitempty"`
	Name       string  `json:"name"`
	Prefix     string  `json:"prefix"`
	CreatedAt  string  `json:"created_at"`
	LastUsedAt *string `json:"last_used_at,omitempty"`
	RevokedAt  *string `json:"revoked_at,omitempty"`
}

func newKeyJSON(k *vocdesk.APIKey) keyJSON {
	return keyJSON{
		ID: k.ID, Realm: string(k.Realm), Developer: k.DeveloperSlug, Name: k.Name, Prefix: k.Prefix,
		CreatedAt: timeJSON(k.CreatedAt), LastUsedAt: timePtrJSON(k.LastUsedAt), RevokedAt: timePtrJSON(k.RevokedAt),
	}
}

// createdKeyJSON is a new key with its secret: the only time the secret is
// ever shown, since only its hash is stored.
type createdKeyJSON struct {
	keyJSON
	Secret string `json:"secret"`
}

type createKeyRequest struct {
	Realm     string `json:"realm"`
	Developer string `json:"developer"`
	Name      string `json:"name"`
}

// createKey makes an API key for the store (operator) or for a developer's
// server. Operators only.
func (s *Server) createKey(w http.ResponseWriter, r *http.Request) error {
	var req createKeyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := requireFields("realm", req.Realm, "name", req.Name); err != nil {
		return err
	}
	k := &vocdesk.APIKey{Realm: vocdesk.Realm(req.Realm), DeveloperSlug: req.Developer, Name: req.Name}
	switch k.Realm {
	case vocdesk.RealmOperator:
		if req.Developer != "" {
			return vocdesk.Errorf(vocdesk.EINVALID, "developer is only for keys of realm developer")
		}
	case vocdesk.RealmDeveloper:
		if req.Developer == "" {
			return vocdesk.Errorf(vocdesk.EINVALID, "developer is required for keys of realm developer")
		}
	default:
		return vocdesk.Errorf(vocdesk.EINVALID, "realm must be operator or developer")
	}
	secret, err := s.svc.Auth.CreateAPIKey(r.Context(), k)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, createdKeyJSON{keyJSON: newKeyJSON(k), Secret: secret})
	return nil
}

// listKeys lists the keys the actor may see: all for operators, its own for
// a developer. Not paged: there are few keys.
func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) error {
	ks, err := s.svc.Auth.FindAPIKeys(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(ks, "", newKeyJSON))
	return nil
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID("API key", r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.svc.Auth.RevokeAPIKey(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
