package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vocdesk/vocdesk"
)

// AuditService implements vocdesk.AuditService: the audit trail, readable.
type AuditService struct{ db *DB }

// NewAuditService returns the audit trail's reader on db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// storeInternalActions are entries about a developer that are the store's
// own business: its notes on the developer and its oversight of the
// developer's inquiries. The developer's owners and admins read every other
// entry that concerns their organisation, never these.
var storeInternalActions = []string{"developer_note.added", "inquiry.escalated"}

// scopeAudit limits audit entries (alias l) to those the actor may read:
// operators all; a developer's owners and admins (and its API keys, which
// act as admin) their organisation's, without the store's internal ones;
// lower roles are forbidden; customers find nothing.
func scopeAudit(c *conds, a *vocdesk.Actor) error {
	switch {
	case a.IsOperator():
		return nil
	case a.IsDeveloper():
		if err := canManage(a, a.DeveloperID, vocdesk.RoleAdmin); err != nil {
			return err
		}
		c.add(idIs("l.developer_id"), a.DeveloperID)
		marks := make([]string, len(storeInternalActions))
		args := make([]any, len(storeInternalActions))
		for i, act := range storeInternalActions {
			marks[i], args[i] = "?", act
		}
		c.add("l.action NOT IN ("+strings.Join(marks, ", ")+")", args...)
		return nil
	}
	return errNotFound
}

// FindAudit implements vocdesk.AuditService: newest first, keyset-paged on
// (at, id), each filter an index's prefix (migration 00116); free text of
// three characters or more goes through a trigram index (00117).
func (s *AuditService) FindAudit(ctx context.Context, f vocdesk.AuditFilter) ([]*vocdesk.AuditEntry, string, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	var c conds
	if err := scopeAudit(&c, a); err != nil {
		return nil, "", err
	}
	if f.Developer != "" && a.IsOperator() {
		c.add("l.developer_id = (SELECT id FROM developers WHERE slug = ?)", strings.ToLower(strings.TrimSpace(f.Developer)))
	}
	realm, actorID, _ := f.ActorParts()
	switch {
	case realm != "":
		c.add("l.actor_realm = ?", string(realm))
		if strings.Contains(f.Actor, ":") {
			c.add("l.actor_id = ?", actorID)
		}
	case strings.TrimSpace(f.Actor) != "":
		c.add(`LOWER(l.actor_name) LIKE ? ESCAPE '\'`, "%"+escapeLike(strings.ToLower(strings.TrimSpace(f.Actor)))+"%")
	}
	if act := strings.TrimSpace(f.Action); act != "" {
		if strings.Contains(act, ".") {
			c.add("l.action = ?", act)
		} else {
			// A family: "inquiry" is every "inquiry.*", as a range the
			// action index walks ('/' follows '.').
			c.add("l.action >= ? AND l.action < ?", act+".", act+"/")
		}
	}
	if kind, id := f.EntityParts(); kind != "" {
		c.add("l.entity = ?", kind)
		if id != "" {
			c.add("l.entity_id = ?", id)
		}
	}
	if !f.From.IsZero() {
		c.add("l.at >= ?", micros(f.From))
	}
	if !f.To.IsZero() {
		c.add("l.at < ?", micros(f.To))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		q = strings.ToLower(q)
		if s.db.dialect == dialectSQLite && utf8.RuneCountInString(q) >= 3 {
			// The trigram index (migration 00117) narrows to the entries
			// holding q's trigrams in order; the LIKE below decides, so
			// the answer is the substring match either way. PostgreSQL's
			// trigram indexes serve the LIKE itself.
			c.add("l.id IN (SELECT rowid FROM audit_text WHERE audit_text MATCH ?)", ftsPhrase(q))
		}
		pat := "%" + escapeLike(q) + "%"
		c.add(`(LOWER(COALESCE(l.before_json, '')) LIKE ? ESCAPE '\' OR LOWER(COALESCE(l.after_json, '')) LIKE ? ESCAPE '\')`, pat, pat)
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		c.add("(l.at, l.id) < (?, ?)", at, id)
	}
	limit := pageLimit(f.Limit)
	q := `SELECT l.id, l.at, l.actor_realm, l.actor_id, l.actor_key_id, l.actor_name, COALESCE(l.developer_id, 0), COALESCE(d.slug, ''),
		l.action, l.entity, l.entity_id, l.before_json, l.after_json
		FROM audit_log l LEFT JOIN developers d ON d.id = l.developer_id` + c.where() +
		` ORDER BY l.at DESC, l.id DESC LIMIT ` + c.next(limit+1)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, q, c.args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: audit: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.AuditEntry
	for rows.Next() {
		var e vocdesk.AuditEntry
		var at int64
		var realm string
		var before, after sql.NullString
		if err := rows.Scan(&e.ID, &at, &realm, &e.ActorID, &e.ActorKeyID, &e.ActorName, &e.DeveloperID, &e.DeveloperSlug,
			&e.Action, &e.Entity, &e.EntityID, &before, &after); err != nil {
			return nil, "", fmt.Errorf("sqlstore: audit: %w", err)
		}
		e.At, e.ActorRealm, e.Before, e.After = fromMicros(at), vocdesk.Realm(realm), before.String, after.String
		list = append(list, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlstore: audit: %w", err)
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = encodeCursor(micros(last.At), last.ID)
	}
	return list, next, nil
}

// ftsPhrase quotes text as one FTS5 phrase: with the trigram tokenizer, the
// entries that hold text as a substring (case folded), whatever quotes,
// operators or punctuation it contains.
func ftsPhrase(text string) string {
	return `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
}
