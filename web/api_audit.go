package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/vocdesk/vocdesk"
)

// auditJSON is one entry of the audit trail.
type auditJSON struct {
	ID        int64           `json:"id"`
	At        string          `json:"at"`
	Actor     auditActorJSON  `json:"actor"`
	Developer string          `json:"developer"`
	Action    string          `json:"action"`
	Entity    string          `json:"entity"`
	EntityID  string          `json:"entity_id"`
	Before    json.RawMessage `json:"before"`
	After     json.RawMessage `json:"after"`
}

type auditActorJSON struct {
	Kind  string `json:"kind"`
	ID    int64  `json:"id"`
	KeyID int64  `json:"key_id"`
	Name  string `json:"name"`
}

// rawOrNull is stored JSON as it is, or null for nothing; a value that is
// not JSON (never written by vocdesk) travels as a JSON string.
func rawOrNull(s string) json.RawMessage {
	switch {
	case s == "":
		return json.RawMessage("null")
	case json.Valid([]byte(s)):
		return json.RawMessage(s)
	}
	b, _ := json.Marshal(s)
	return b
}

func newAuditJSON(e *vocdesk.AuditEntry) auditJSON {
	return auditJSON{ID: e.ID, At: timeJSON(e.At),
		Actor:     auditActorJSON{Kind: string(e.ActorRealm), ID: e.ActorID, KeyID: e.ActorKeyID, Name: e.ActorName},
		Developer: e.DeveloperSlug, Action: e.Action, Entity: e.Entity, EntityID: e.EntityID,
		Before: rawOrNull(e.Before), After: rawOrNull(e.After)}
}

// listAudit is GET /audit: the audit trail for operators (all of it) and a
// developer's owners, admins and API keys (their own organisation's).
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	if s.svc.Audit == nil {
		return vocdesk.NotFound("route")
	}
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	list, next, err := s.svc.Audit.FindAudit(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, newAuditJSON))
	return nil
}

func auditFilter(r *http.Request) (vocdesk.AuditFilter, error) {
	q := r.URL.Query()
	f := vocdesk.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), Entity: q.Get("entity"), Q: q.Get("q"),
		Developer: q.Get("developer"), Cursor: q.Get("cursor")}
	var err error
	if v := q.Get("from"); v != "" {
		if f.From, err = auditTime("from", v, false); err != nil {
			return f, err
		}
	}
	if v := q.Get("to"); v != "" {
		if f.To, err = auditTime("to", v, true); err != nil {
			return f, err
		}
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return f, err
	}
	return f, f.Validate()
}

// auditTime reads from/to: an RFC 3339 time, or a date whose day is in
// Asia/Seoul (the contract's reports read dates so); a date as to includes
// its whole day.
func auditTime(name, v string, end bool) (time.Time, error) {
	if d, err := time.ParseInLocation(time.DateOnly, v, vocdesk.Seoul); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, vocdesk.Errorf(vocdesk.EINVALID, "%s must be a date (2026-03-01, a day in Asia/Seoul) or an RFC 3339 time", name)
	}
	return t, nil
}
