package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// maxPreparedRows is the most rows a rule run's multi-row statements have
// for them to be prepared once (writeStmt): each count is a statement of its
// own, and two rules matching an event is the common case; more run
// unprepared rather than fill the write pool's cache.
const maxPreparedRows = 2

func (tx *Tx) queryShape(ctx context.Context, rows int, query string, args ...any) (*sql.Rows, error) {
	if rows <= maxPreparedRows {
		return tx.queryOnce(ctx, query, args...)
	}
	return tx.query(ctx, query, args...)
}

func (tx *Tx) execShape(ctx context.Context, rows int, query string, args ...any) (sql.Result, error) {
	if rows <= maxPreparedRows {
		return tx.execOnce(ctx, query, args...)
	}
	return tx.exec(ctx, query, args...)
}

// ruleRunView is what the audit trail keeps of an event's rules: one entry
// per event (action rule.applied, entity the inquiry), its actor named
// after the rules, with the inquiry before and after and what each rule
// did.
type ruleRunView struct {
	workflowView
	Priority vocdesk.Priority `json:"priority,omitempty"`
	Event    string           `json:"event"`
	Rules    []ruleRunEntry   `json:"rules"`
}

// ruleRunEntry is one rule's part of an event's run.
type ruleRunEntry struct {
	RuleID  int64    `json:"rule_id"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

// ruleActor is who a rule's changes are made by: its developer, as an admin
// with no member behind it, named after the rule.
func ruleActor(r *vocdesk.Rule) *vocdesk.Actor {
	return &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: r.DeveloperID, Role: vocdesk.RoleAdmin, Name: r.Name}
}

// ruleBatch gathers what the rules that ran on one event do to the
// inquiry, to be written once (write).
type ruleBatch struct {
	in       *vocdesk.Inquiry
	before   workflowView
	entries  []ruleRunEntry
	assigned bool                   // the assignee changed
	events   []vocdesk.MessageEvent // assignment events, in order
	bodies   []string
	newTags  []string
	priority vocdesk.Priority
	// inserted: the inquiry's row was inserted with the batch's
	// assignee, tags and priority (rule_created.go), so write leaves it.
	inserted bool
	// audits go in before the event's own entry, in the same statement
	// (the inquiry's creation, rule_created.go).
	audits []auditEntry
	// turns are round-robin turns already taken (readRules), by rule id.
	turns map[int64]takenTurn
}

// skipped says an action was skipped because its target has gone (a
// removed member, a deleted canned reply, no agent in): a rule never keeps
// a customer's inquiry from being taken in. Other errors are returned.
func skipped(did *[]string, what string, err error) error {
	if code := vocdesk.ErrorCode(err); code == vocdesk.EINVALID || code == vocdesk.ENOTFOUND || code == vocdesk.EUNPROCESSABLE {
		*did = append(*did, what+": skipped ("+vocdesk.ErrorMessage(err)+")")
		return nil
	}
	return err
}

// applyAll applies rules on the batch in order and returns those that
// applied: all but a rule deleted since its set was read (errRuleGone).
func (b *ruleBatch) applyAll(ctx context.Context, tx *Tx, rules []*vocdesk.Rule) ([]*vocdesk.Rule, error) {
	var applied []*vocdesk.Rule
	for _, r := range rules {
		err := b.apply(ctx, tx, r)
		switch {
		case errors.Is(err, errRuleGone):
		case err != nil:
			return nil, err
		default:
			applied = append(applied, r)
		}
	}
	return applied, nil
}

// apply carries out r's assignment, tags and priority on the batch, in
// memory but for the round-robin cursor and an assignee's name, and says
// what each did. The reply is runRules' (ruleReply), after the write. A
// rule whose cursor finds it deleted (errRuleGone) has done nothing: the
// assignment comes first.
func (b *ruleBatch) apply(ctx context.Context, tx *Tx, r *vocdesk.Rule) error {
	in, act := b.in, r.Actions
	var did []string

	if act.AssignRoundRobin || act.AssigneeID != 0 {
		id, how, name := act.AssigneeID, "assign", ""
		var err error
		if act.AssignRoundRobin {
			how = "assign (round-robin)"
			if t, ok := b.turns[r.ID]; !ok {
				id, name, err = tx.nextInTurn(ctx, r.ID, in.DeveloperID)
			} else if t.gone {
				err = errRuleGone
			} else {
				id, name = t.member, t.name
			}
		} else if id != in.AssigneeID {
			name, err = tx.memberName(ctx, id, in.DeveloperID)
		}
		switch {
		case errors.Is(err, errRuleGone):
			return err
		case err != nil:
			if err := skipped(&did, how, err); err != nil {
				return err
			}
		case id == 0:
			did = append(did, how+": skipped (no agent is in)")
		default:
			if id != in.AssigneeID {
				in.AssigneeID, in.AssigneeName, b.assigned = id, name, true
				b.events = append(b.events, vocdesk.MessageEvent{Kind: vocdesk.EventAssigned, Params: map[string]string{"name": name}})
				b.bodies = append(b.bodies, "Assigned to "+name)
			}
			did = append(did, how+": "+strconv.FormatInt(id, 10))
		}
	}

	if len(act.AddTags) > 0 {
		var add []string
		for _, t := range act.AddTags {
			if t = normalizeTag(t); !slices.Contains(in.Tags, t) && !slices.Contains(add, t) {
				add = append(add, t)
			}
		}
		switch {
		case len(add) == 0:
		case len(in.Tags)+len(add) > maxTags:
			did = append(did, fmt.Sprintf("tag: skipped (an inquiry carries at most %d tags)", maxTags))
		default:
			in.Tags = append(in.Tags, add...)
			b.newTags = append(b.newTags, add...)
			for _, t := range add {
				did = append(did, "tag: "+t)
			}
		}
	}

	if act.Priority != "" {
		b.priority = act.Priority
		did = append(did, "priority: "+string(act.Priority))
	}
	b.entries = append(b.entries, ruleRunEntry{RuleID: r.ID, Name: r.Name, Actions: did})
	return nil
}

// memberName is the name of the developer's member id; EINVALID when it is
// no member of the developer's (removed since the rule was saved).
func (tx *Tx) memberName(ctx context.Context, id, devID int64) (string, error) {
	var name string
	err := tx.queryRowOnce(ctx, `SELECT name FROM members WHERE id = $1 AND developer_id = $2`, id, devID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", vocdesk.Errorf(vocdesk.EINVALID, "assignee %d is not a member of this developer", id).Because("assignee_gone")
	} else if err != nil {
		return "", fmt.Errorf("sqlstore: assignee: %w", err)
	}
	return name, nil
}

// stmtPart is one statement of a rule run's writes, its placeholders
// numbered from $1; rows is its number of VALUES rows (execShape).
type stmtPart struct {
	query string
	args  []any
	rows  int
}

// write stores what the batch changed, a statement per table touched and
// nothing where nothing changed, and the event's audit entry unless replies
// are still to come (finish then writes it after them); lead are
// statements to run first, with them.
func (b *ruleBatch) write(ctx context.Context, tx *Tx, key string, replies bool, lead []stmtPart) error {
	in := b.in
	parts := lead
	if len(b.newTags) > 0 {
		var q strings.Builder
		q.WriteString(`INSERT INTO inquiry_tags (inquiry_id, developer_id, tag) VALUES `)
		args := []any{in.ID, in.DeveloperID}
		for i, t := range b.newTags {
			if i > 0 {
				q.WriteString(", ")
			}
			args = append(args, t)
			q.WriteString("($1, $2, $" + strconv.Itoa(len(args)) + ")")
		}
		parts = append(parts, stmtPart{q.String(), args, len(b.newTags)})
		slices.Sort(in.Tags)
	}
	if len(b.events) > 0 {
		var q strings.Builder
		q.WriteString(`INSERT INTO inquiry_messages (inquiry_id, author, author_id, author_name, body, internal, created_at, event) VALUES `)
		args := []any{in.ID, micros(tx.now)}
		for i, ev := range b.events {
			raw, err := json.Marshal(ev)
			if err != nil {
				return fmt.Errorf("sqlstore: system message: %w", err)
			}
			if i > 0 {
				q.WriteString(", ")
			}
			args = append(args, b.bodies[i], ev.TeamOnly(), string(raw))
			n := len(args)
			fmt.Fprintf(&q, "($1, 'system', 0, '', $%d, $%d, $2, $%d)", n-2, n-1, n)
		}
		parts = append(parts, stmtPart{q.String(), args, len(b.events)})
	}
	switch {
	case b.inserted:
	case b.assigned || len(b.newTags) > 0:
		// The row's assignee, its copy of the tags (migration 00054) and
		// of the priority (00137), which the inbox reads, in one update of
		// the row; nothing else of it changed.
		tags, err := tagsJSON(in.Tags)
		if err != nil {
			return err
		}
		if b.priority != "" {
			in.Priority = b.priority
		}
		in.UpdatedAt = tx.now
		parts = append(parts, stmtPart{`UPDATE inquiries SET assignee_id = $2, tags = $3, priority = $4, updated_at = $5 WHERE id = $1`,
			[]any{in.ID, nullID(in.AssigneeID), tags, string(in.Priority), micros(tx.now)}, 1})
	case b.priority != "":
		in.Priority = b.priority
		parts = append(parts, stmtPart{setRowPrioritySQL, []any{in.ID, string(b.priority)}, 1})
	}
	if b.priority != "" {
		parts = append(parts, stmtPart{setPrioritySQL, []any{in.ID, in.DeveloperID, string(b.priority)}, 1})
	}
	audits := b.audits
	if !replies {
		audits = append(audits, b.auditEntry(key))
	}
	if len(audits) > 0 {
		q, args, err := tx.auditStmts(audits)
		if err != nil {
			return err
		}
		parts = append(parts, stmtPart{q, args, len(audits)})
	}
	if err := tx.execParts(ctx, parts); err != nil {
		return fmt.Errorf("sqlstore: rule run: %w", err)
	}
	return nil
}

// tagsJSON is the row's copy of its tags (migration 00054): a JSON array,
// sorted by the caller.
func tagsJSON(tags []string) (string, error) {
	if len(tags) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(tags)
	if err != nil {
		return "", fmt.Errorf("sqlstore: tags: %w", err)
	}
	return string(b), nil
}

// execParts runs the statements in order. On PostgreSQL, where each
// statement is a round trip, they go as one: all but the last as
// data-modifying WITH queries (they touch different tables, so their
// common snapshot changes nothing). bench/rules' two matching rules wrote
// in five round trips; as one, their rules' own p50 went from 1.7 to 1.0 ms
// (load 9-18 on 2 cores).
func (tx *Tx) execParts(ctx context.Context, parts []stmtPart) error {
	if tx.dialect != dialectPostgres || len(parts) < 2 {
		for _, p := range parts {
			if _, err := tx.execShape(ctx, p.rows, p.query, p.args...); err != nil {
				return err
			}
		}
		return nil
	}
	var q strings.Builder
	var args []any
	for i, p := range parts {
		switch {
		case i == 0:
			q.WriteString("WITH ")
		case i < len(parts)-1:
			q.WriteString(", ")
		}
		if i < len(parts)-1 {
			fmt.Fprintf(&q, "w%d AS (", i)
		} else {
			q.WriteString(" ")
		}
		q.WriteString(renumber(p.query, len(args)))
		if i < len(parts)-1 {
			q.WriteString(")")
		}
		args = append(args, p.args...)
	}
	_, err := tx.exec(ctx, q.String(), args...)
	return err
}

// renumber shifts the $N placeholders of query by offset. Rule runs' own
// statements carry no '$' in their text but placeholders.
func renumber(query string, offset int) string {
	if offset == 0 {
		return query
	}
	var b strings.Builder
	for i := 0; i < len(query); i++ {
		if query[i] != '$' {
			b.WriteByte(query[i])
			continue
		}
		j := i + 1
		for j < len(query) && query[j] >= '0' && query[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(query[i+1 : j])
		if err != nil {
			b.WriteByte('$')
			continue
		}
		b.WriteString("$" + strconv.Itoa(n+offset))
		i = j - 1
	}
	return b.String()
}

// auditEntry is the event's one audit entry, named after the rules that
// ran.
func (b *ruleBatch) auditEntry(key string) auditEntry {
	in := b.in
	names := make([]string, len(b.entries))
	for i, e := range b.entries {
		names[i] = e.Name
	}
	a := ruleActor(&vocdesk.Rule{DeveloperID: in.DeveloperID, Name: strings.Join(names, ", ")})
	return auditEntry{a, change{action: "rule.applied", entity: "inquiry", entityID: in.ID, developerID: in.DeveloperID,
		before: b.before, after: ruleRunView{workflowView: viewOf(in), Priority: b.priority, Event: key, Rules: b.entries}}}
}

// ruleReply answers in with the rule's canned reply, signed with the rule's
// name, and adds what it did to the rule's entry. A reply's own audit
// entry and events are addMessage's, as for an agent's.
func (tx *Tx) ruleReply(ctx context.Context, r *vocdesk.Rule, in *vocdesk.Inquiry, cannedID int64, e *ruleRunEntry) (bool, error) {
	a := ruleActor(r)
	body, c, err := tx.renderCanned(ctx, a, in, cannedID, r.Name)
	if err == nil {
		err = vocdesk.ValidateBody(body)
	}
	if err == nil {
		err = tx.addMessage(ctx, a, in.ID, &vocdesk.Message{Body: body}, nil)
	}
	if err != nil {
		return false, skipped(&e.Actions, "reply", err)
	}
	e.Actions = append(e.Actions, "reply: "+c.Name)
	return true, nil
}
