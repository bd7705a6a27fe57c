package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

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

// auditEntry is one change and who made it, for auditStmt.
type auditEntry struct {
	actor *vocdesk.Actor
	change
}

// auditStmt is audit's statement and its arguments, for a caller that runs
// it with others (a rule run's writes, rule_batch.go).
func (tx *Tx) auditStmt(a *vocdesk.Actor, c change) (string, []any, error) {
	return tx.auditStmts([]auditEntry{{a, c}})
}

// auditStmts appends entries in one statement, in their order: a
// multi-row INSERT numbers its rows in order on both engines, where two
// INSERTs run as one statement on PostgreSQL (execParts) would not.
func (tx *Tx) auditStmts(entries []auditEntry) (string, []any, error) {
	tx.audited = true
	var q strings.Builder
	q.WriteString(`INSERT INTO audit_log
		(at, actor_realm, actor_id, actor_key_id, actor_name, developer_id, action, entity, entity_id, before_json, after_json)
		VALUES `)
	var args []any
	for i, e := range entries {
		before, err := auditJSON(e.before)
		if err != nil {
			return "", nil, err
		}
		after, err := auditJSON(e.after)
		if err != nil {
			return "", nil, err
		}
		a := e.actor
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
		if e.developerID != 0 {
			dev = e.developerID
		}
		if i > 0 {
			q.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)",
			n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11)
		args = append(args, micros(tx.now), string(a.Realm), actorID, a.KeyID, a.Name, dev,
			e.action, e.entity, strconv.FormatInt(e.entityID, 10), before, after)
	}
	return q.String(), args, nil
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
