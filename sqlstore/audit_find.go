package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
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
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		c.add("(l.at, l.id) < (?, ?)", at, id)
	}
	limit := pageLimit(f.Limit)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	q := strings.ToLower(strings.TrimSpace(f.Q))
	var list []*vocdesk.AuditEntry
	if a.IsDeveloper() && utf8.RuneCountInString(q) >= 3 {
		list, err = findAuditText(ctx, tx, s.db.dialect, c, a, q, limit)
	} else {
		if q != "" {
			addAuditText(&c, q)
		}
		list, err = auditPage(ctx, tx, auditFrom+c.where(), c, limit)
	}
	if err != nil {
		return nil, "", err
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = encodeCursor(micros(last.At), last.ID)
	}
	return list, next, nil
}

// auditFrom is what auditPage selects from: the entries as l, their
// developer as d.
const auditFrom = ` FROM audit_log l LEFT JOIN developers d ON d.id = l.developer_id`

// addAuditText adds free text: a substring of the before or of the after
// JSON, compared lower-cased. On PostgreSQL the trigram indexes of
// migration 00117 serve exactly these expressions.
func addAuditText(c *conds, q string) {
	pat := "%" + escapeLike(q) + "%"
	c.add(`(LOWER(COALESCE(l.before_json, '')) LIKE ? ESCAPE '\' OR LOWER(COALESCE(l.after_json, '')) LIKE ? ESCAPE '\')`, pat, pat)
}

// textScanRows is how many of the newest entries under the other filters
// findAuditText reads before it turns to the trigram index.
const textScanRows = 1000

// findAuditText answers a developer's free text of three characters or
// more. Neither planner chooses well between the two ways, each slow where
// the other is fast (bench/audit: PostgreSQL took the trigram indexes for
// text every entry holds, 681 ms p95). First the newest
// textScanRows entries under the other filters are read: text most
// entries hold (a status, a field's name) fills its page there. When it
// does not, the trigram index (audit_text, migration 00117) lists the
// developer's entries holding every trigram of q, and only those are read
// (on PostgreSQL the planner picks among its indexes, pg_trgm's included).
// The trigrams are asked for each on its own, not as a phrase: FTS5 walks
// a phrase's first trigram through every entry that holds it, while it
// leaps between the rarest of separate terms. The LIKE decides, so the
// answer is the substring match either way. Operators' free text is the
// plain query: on SQLite it reads what their other filters leave, as
// before; their searches are mostly of recent days (bench/audit).
func findAuditText(ctx context.Context, tx *Tx, dialect string, c conds, a *vocdesk.Actor, q string, limit int) ([]*vocdesk.AuditEntry, error) {
	n := len(c.list)
	scan := cloneConds(c)
	addAuditText(&scan, q)
	inner := "SELECT * FROM audit_log l"
	if n > 0 {
		inner += " WHERE " + strings.Join(scan.list[:n], " AND ")
	}
	from := ` FROM (` + inner + ` ORDER BY l.at DESC, l.id DESC LIMIT ` + strconv.Itoa(textScanRows) + `) l
		LEFT JOIN developers d ON d.id = l.developer_id WHERE ` + scan.list[n]
	list, err := auditPage(ctx, tx, from, scan, limit)
	if err != nil || len(list) > limit {
		return list, err
	}
	if dialect == dialectPostgres {
		// The planner chooses between the developer's entries and the
		// trigram indexes of migration 00117 with its statistics.
		addAuditText(&c, q)
		return auditPage(ctx, tx, auditFrom+c.where(), c, limit)
	}
	match := "developer : " + ftsPhrase(auditTextDeveloper(a.DeveloperID)) +
		" AND {before_json after_json} : (" + strings.Join(trigramTerms(q), " AND ") + ")"
	idx := cloneConds(c)
	// Entries past the mark are not in the index yet (migration 00147):
	// they are read as the ones it lists, and the LIKE decides for both.
	// (One IN list, so that the plans stay those of the index alone.)
	idx.add(`l.id IN (SELECT rowid FROM audit_text WHERE audit_text MATCH ?
		UNION ALL SELECT id FROM audit_log WHERE id > (SELECT upto FROM audit_text_indexed))`, match)
	addAuditText(&idx, q)
	return auditPage(ctx, tx, auditFrom+idx.where(), idx, limit)
}

// maxTrigramTerms bounds the terms of one search: an entry that holds q
// holds any of its trigrams, so a few narrow as well as all of them.
const maxTrigramTerms = 24

// trigramTerms returns q's distinct trigrams (three characters each), each
// quoted as an FTS5 phrase.
func trigramTerms(q string) []string {
	r := []rune(q)
	seen := map[string]bool{}
	var terms []string
	for i := 0; i+3 <= len(r) && len(terms) < maxTrigramTerms; i++ {
		t := string(r[i : i+3])
		if !seen[t] {
			seen[t] = true
			terms = append(terms, ftsPhrase(t))
		}
	}
	return terms
}

// auditTextDeveloper is how audit_text's developer column holds a
// developer (the trigger of migration 00117 writes the same): delimited,
// so that as a phrase it matches that developer and no other.
func auditTextDeveloper(id int64) string { return "|" + strconv.FormatInt(id, 10) + "|" }

func cloneConds(c conds) conds {
	return conds{list: slices.Clone(c.list), args: slices.Clone(c.args)}
}

// auditPage reads up to limit+1 entries, newest first, from from (which
// names the entries l and their developer d) with c's arguments.
func auditPage(ctx context.Context, tx *Tx, from string, c conds, limit int) ([]*vocdesk.AuditEntry, error) {
	q := `SELECT l.id, l.at, l.actor_realm, l.actor_id, l.actor_key_id, l.actor_name, COALESCE(l.developer_id, 0), COALESCE(d.slug, ''),
		l.action, l.entity, l.entity_id, l.before_json, l.after_json` + from +
		` ORDER BY l.at DESC, l.id DESC LIMIT ` + c.next(limit+1)
	rows, err := tx.query(ctx, q, c.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: audit: %w", err)
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
			return nil, fmt.Errorf("sqlstore: audit: %w", err)
		}
		e.At, e.ActorRealm, e.Before, e.After = fromMicros(at), vocdesk.Realm(realm), before.String, after.String
		list = append(list, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: audit: %w", err)
	}
	return list, nil
}

// ftsPhrase quotes text as one FTS5 phrase: with the trigram tokenizer, the
// entries that hold text as a substring (case folded), whatever quotes,
// operators or punctuation it contains.
func ftsPhrase(text string) string {
	return `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
}
