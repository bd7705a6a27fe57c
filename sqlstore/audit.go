package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// change is one entry of the audit trail. before and after are marshalled to
// JSON; nil leaves the column NULL (nothing before a creation).
type change struct {
	action      string // "purchase.recorded", "api_key.revoked", ...
	entity      string // table-like name: "purchase", "api_key", ...
	entityID    int64
	developerID int64 // the tenant the change concerns, 0 for none
	before      any
	after       any
}

// audit appends a change to audit_log in the caller's transaction, so the
// trail and the change commit or vanish together.
func (tx *Tx) audit(ctx context.Context, a *vocdesk.Actor, c change) error {
	q, args, err := tx.auditStmt(a, c)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("sqlstore: audit %s: %w", c.action, err)
	}
	return nil
}

// auditStmt is audit's statement and its arguments, for a caller that runs
// it with others (a rule run's writes, rule_batch.go).
func (tx *Tx) auditStmt(a *vocdesk.Actor, c change) (string, []any, error) {
	before, err := auditJSON(c.before)
	if err != nil {
		return "", nil, err
	}
	after, err := auditJSON(c.after)
	if err != nil {
		return "", nil, err
	}
	var actorID int64
	switch a.Realm {
	case vocdesk.RealmCustomer:
		actorID = a.CustomerID
	case vocdesk.RealmDeveloper:
		actorID = a.MemberID
	case vocdesk.RealmOperator:
		actorID = a.OperatorID
	}
	var dev any
	if c.developerID != 0 {
		dev = c.developerID
	}
	return `INSERT INTO audit_log
		(at, actor_realm, actor_id, actor_key_id, actor_name, developer_id, action, entity, entity_id, before_json, after_json)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		[]any{micros(tx.now), string(a.Realm), actorID, a.KeyID, a.Name, dev,
			c.action, c.entity, strconv.FormatInt(c.entityID, 10), before, after}, nil
}

func auditJSON(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: audit: %w", err)
	}
	return string(b), nil
}
