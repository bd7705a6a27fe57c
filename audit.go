package vocdesk

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// AuditEntry is one change in the append-only audit trail: who did what to
// which thing, when, and the thing before and after (JSON, as stored).
type AuditEntry struct {
	ID            int64
	At            time.Time
	ActorRealm    Realm // customer, developer or operator ("system" is an operator named system)
	ActorID       int64 // the customer, member or operator; 0 for an API key or the system
	ActorKeyID    int64 // the API key used, 0 for a signed-in person
	ActorName     string
	DeveloperID   int64 // the tenant the change concerns, 0 for the store's own
	DeveloperSlug string
	Action        string // "inquiry.rated", "api_key.revoked", ...
	Entity        string // "inquiry", "api_key", ...
	EntityID      string
	Before        string // JSON, "" when nothing was before (a creation)
	After         string // JSON, "" when nothing is after (a deletion)
}

// AuditFilter selects audit entries. Every field is optional; results are
// newest first.
type AuditFilter struct {
	// Actor is who: a realm ("operator", "developer", "customer"), a realm
	// and id ("developer:12"), or else a part of the actor's name.
	Actor string
	// Action is what: an action ("inquiry.rated") or, without a dot, a
	// family of them ("inquiry").
	Action string
	// Entity is what to: an entity ("inquiry") or one of them ("inquiry:42").
	Entity string
	// From and To bound when, From included, To excluded.
	From, To time.Time
	// Q is free text searched in the before and after JSON.
	Q string
	// Developer narrows the operator's view to one developer (slug).
	Developer string
	Cursor    string
	Limit     int // default 50, at most 200
}

// Validate checks a filter's text before any lookup.
func (f *AuditFilter) Validate() error {
	for name, v := range map[string]string{"actor": f.Actor, "action": f.Action, "entity": f.Entity, "q": f.Q, "developer": f.Developer} {
		if len(v) > 200 {
			return Errorf(EINVALID, "%s is at most 200 characters", name)
		}
		if err := CheckText(name, v); err != nil {
			return err
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return Errorf(EINVALID, "from must be before to")
	}
	if _, _, err := f.ActorParts(); err != nil {
		return err
	}
	return nil
}

// ActorParts splits Actor into a realm and an id ("developer:12"), or a
// realm alone; realm "" means Actor is a part of a name.
func (f *AuditFilter) ActorParts() (Realm, int64, error) {
	s := strings.TrimSpace(f.Actor)
	realm, id, hasID := strings.Cut(s, ":")
	r := Realm(strings.ToLower(realm))
	switch r {
	case RealmCustomer, RealmDeveloper, RealmOperator:
	default:
		return "", 0, nil
	}
	if !hasID {
		return r, 0, nil
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < 0 {
		return "", 0, Errorf(EINVALID, "actor is a realm, realm:id or a name")
	}
	return r, n, nil
}

// EntityParts splits Entity into its kind and optional id.
func (f *AuditFilter) EntityParts() (kind, id string) {
	kind, id, _ = strings.Cut(strings.TrimSpace(f.Entity), ":")
	return kind, id
}

// AuditService reads the audit trail: operators all of it, a developer's
// owners and admins their own organisation's entries (never the store's
// internal ones about it), nobody else anything.
type AuditService interface {
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, string, error)
}
