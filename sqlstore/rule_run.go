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
	"time"

	"github.com/vocdesk/vocdesk"
)

// runRules evaluates the developer's rules on an event of in, in the
// transaction of the event itself: the rules' changes commit or vanish with
// it. key names the event (the inquiry's creation, a message's id, a status
// change's time); a rule applies at most once per inquiry and key
// (rule_runs), so an event replayed by a retry applies nothing twice. text
// is the event's message, searched with the subject for the rule's words.
//
// Rules never trigger rules: their actions (assign, tag, priority, a reply)
// are not events a rule listens to.
//
// The rules that match are applied together, so that an event costs a fixed
// number of statements however many rules match (issue 22's goal: rules add
// at most 1 ms p99 to a creation with 50 rules, bench/rules): one INSERT
// records every run, the actions are gathered in memory in rule order, then
// written once each (the tags, the inquiry's row, its system events, the
// priority) with one audit entry for the event. Replies come last, each a
// message of its own, after the row they read has been written. Two rules
// that matched on a creation took about 18 statements one rule at a time;
// they take 8 this way.
func (tx *Tx) runRules(ctx context.Context, in *vocdesk.Inquiry, event vocdesk.RuleEvent, key, text string) error {
	if timing := tx.db.RuleTiming; timing != nil {
		start := time.Now()
		defer func() { timing(time.Since(start)) }()
	}
	set, err := tx.ruleSetOf(ctx, in.DeveloperID)
	if err != nil || set == nil || len(set.rules) == 0 {
		return err
	}
	// Conditions test what the event brought (channel, category, app,
	// words, spend, the SLA state at its start), none of which a rule's
	// action changes, so every rule is tested before any applies.
	facts := tx.factsFor(ctx, in, event, text)
	var matched []*vocdesk.Rule
	for _, c := range set.rules {
		ok, err := c.matches(facts)
		if err != nil {
			return err
		}
		if ok {
			matched = append(matched, c.rule)
		}
	}
	if len(matched) == 0 {
		return nil
	}
	ran, err := tx.recordRuns(ctx, in, key, matched)
	if err != nil || len(ran) == 0 {
		return err
	}
	run := ruleBatch{in: in, before: viewOf(in)}
	for _, r := range ran {
		if err := run.apply(ctx, tx, r); err != nil {
			return err
		}
	}
	if err := run.write(ctx, tx); err != nil {
		return err
	}
	replied := false
	for i, r := range ran {
		if id := r.Actions.CannedReplyID; id != 0 {
			ok, err := tx.ruleReply(ctx, r, in, id, &run.entries[i])
			if err != nil {
				return err
			}
			replied = replied || ok
		}
	}
	if replied {
		// A reply moved the inquiry on (status, unread markers): give the
		// caller the row as it now is.
		fresh, err := tx.inquiryFor(ctx, ruleActor(&vocdesk.Rule{DeveloperID: in.DeveloperID}), in.ID, false)
		if err != nil {
			return err
		}
		*in = *fresh
	}
	return run.audit(ctx, tx, key)
}

// recordRuns records the runs of the matched rules on in's event key, in one
// statement, and returns the rules that had not run on it yet, in order. A
// rule's row is named again so that a rule deleted since the set was cached
// is skipped rather than failing the event.
func (tx *Tx) recordRuns(ctx context.Context, in *vocdesk.Inquiry, key string, matched []*vocdesk.Rule) ([]*vocdesk.Rule, error) {
	var q strings.Builder
	q.WriteString(`INSERT INTO rule_runs (rule_id, inquiry_id, event, at)
		SELECT r.id, CAST($1 AS BIGINT), CAST($2 AS TEXT), CAST($3 AS BIGINT) FROM rules r
		WHERE r.developer_id = $4 AND r.id IN (`)
	args := []any{in.ID, key, micros(tx.now), in.DeveloperID}
	for i, r := range matched {
		if i > 0 {
			q.WriteString(", ")
		}
		args = append(args, r.ID)
		q.WriteString("$" + strconv.Itoa(len(args)))
	}
	q.WriteString(`) ON CONFLICT (rule_id, inquiry_id, event) DO NOTHING RETURNING rule_id`)
	rows, err := tx.queryShape(ctx, len(matched), q.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: rule run: %w", err)
	}
	defer rows.Close()
	fresh := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlstore: rule run: %w", err)
		}
		fresh[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: rule run: %w", err)
	}
	var ran []*vocdesk.Rule
	for _, r := range matched {
		if fresh[r.ID] {
			ran = append(ran, r)
		}
	}
	return ran, nil
}

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

// apply carries out r's assignment, tags and priority on the batch, in
// memory but for the round-robin cursor and an assignee's name, and says
// what each did. The reply is runRules' (ruleReply), after the write.
func (b *ruleBatch) apply(ctx context.Context, tx *Tx, r *vocdesk.Rule) error {
	in, act := b.in, r.Actions
	var did []string

	if act.AssignRoundRobin || act.AssigneeID != 0 {
		id, how, name := act.AssigneeID, "assign", ""
		var err error
		if act.AssignRoundRobin {
			how = "assign (round-robin)"
			id, name, err = tx.nextInTurn(ctx, r.ID, in.DeveloperID)
		} else if id != in.AssigneeID {
			name, err = tx.memberName(ctx, id, in.DeveloperID)
		}
		switch {
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
		return "", vocdesk.Errorf(vocdesk.EINVALID, "assignee %d is not a member of this developer", id)
	} else if err != nil {
		return "", fmt.Errorf("sqlstore: assignee: %w", err)
	}
	return name, nil
}

// write stores what the batch changed, a statement per table touched, and
// nothing where nothing changed.
func (b *ruleBatch) write(ctx context.Context, tx *Tx) error {
	in := b.in
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
		if _, err := tx.execShape(ctx, len(b.newTags), q.String(), args...); err != nil {
			return fmt.Errorf("sqlstore: add tag: %w", err)
		}
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
		if _, err := tx.execShape(ctx, len(b.events), q.String(), args...); err != nil {
			return fmt.Errorf("sqlstore: system message: %w", err)
		}
	}
	if b.assigned || len(b.newTags) > 0 {
		// The row's assignee and its copy of the tags, which the inbox
		// reads (migration 00054); nothing else of it changed.
		tags := []byte("[]")
		if len(in.Tags) > 0 {
			var err error
			if tags, err = json.Marshal(in.Tags); err != nil {
				return fmt.Errorf("sqlstore: tags: %w", err)
			}
		}
		in.UpdatedAt = tx.now
		if _, err := tx.execOnce(ctx, `UPDATE inquiries SET assignee_id = $2, tags = $3, updated_at = $4 WHERE id = $1`,
			in.ID, nullID(in.AssigneeID), string(tags), micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: save inquiry: %w", err)
		}
	}
	if b.priority != "" {
		if err := tx.setPriority(ctx, in, b.priority); err != nil {
			return err
		}
	}
	return nil
}

// audit records the event's run in one entry, named after the rules that
// ran, once their replies are sent.
func (b *ruleBatch) audit(ctx context.Context, tx *Tx, key string) error {
	in := b.in
	names := make([]string, len(b.entries))
	for i, e := range b.entries {
		names[i] = e.Name
	}
	a := ruleActor(&vocdesk.Rule{DeveloperID: in.DeveloperID, Name: strings.Join(names, ", ")})
	return tx.audit(ctx, a, change{action: "rule.applied", entity: "inquiry", entityID: in.ID, developerID: in.DeveloperID,
		before: b.before, after: ruleRunView{workflowView: viewOf(in), Priority: b.priority, Event: key, Rules: b.entries}})
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

// setPriority stores the inquiry's priority.
func (tx *Tx) setPriority(ctx context.Context, in *vocdesk.Inquiry, p vocdesk.Priority) error {
	_, err := tx.execOnce(ctx, `INSERT INTO inquiry_priorities (inquiry_id, developer_id, priority) VALUES ($1, $2, $3)
		ON CONFLICT (inquiry_id) DO UPDATE SET priority = excluded.priority`, in.ID, in.DeveloperID, string(p))
	if err != nil {
		return fmt.Errorf("sqlstore: set priority: %w", err)
	}
	return nil
}

// inTurn lists who a round-robin rule of the developer hands work to:
// members who answer (agents, admins, owners) and are in, by id.
func (tx *Tx) inTurn(ctx context.Context, devID int64) ([]int64, error) {
	rows, err := tx.query(ctx, `SELECT m.id FROM members m LEFT JOIN member_availability v ON v.member_id = m.id
		WHERE m.developer_id = $1 AND m.role IN ('owner', 'admin', 'agent') AND (v.away IS NULL OR v.away = $2)
		ORDER BY m.id`, devID, false)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: agents in: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlstore: agents in: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// nextAfter is the member after last in the turn (ids ascending), wrapping
// round; 0 when nobody is in.
func nextAfter(ids []int64, last int64) int64 {
	for _, id := range ids {
		if id > last {
			return id
		}
	}
	if len(ids) > 0 {
		return ids[0]
	}
	return 0
}

// inTurnSQL selects the members a round-robin rule of the developer ($2)
// hands work to: those who answer (agents, admins, owners) and are in ($3
// is false), as inTurn does for the dry run.
const inTurnSQL = `SELECT m.id FROM members m LEFT JOIN member_availability v ON v.member_id = m.id
	WHERE m.developer_id = $2 AND m.role IN ('owner', 'admin', 'agent') AND (v.away IS NULL OR v.away = $3)`

// nextInTurnSQL moves the rule's ($1) cursor to the next member in turn
// (ids ascending, wrapping round; kept where it is when nobody is in) and
// returns it with its name, NULL when nobody is in. It is one statement,
// where reading the cursor, the members and writing it back were four: the
// upsert locks the cursor's row (on PostgreSQL it waits for a concurrent
// creation's transaction and then sees its cursor; SQLite has one writer),
// so two inquiries created at once go to two members and the turn never
// skips or repeats under concurrency. Members are read in the statement,
// so the turn sees who is in as of now.
const nextInTurnSQL = `INSERT INTO rule_cursors (rule_id, last_member_id)
	VALUES ($1, COALESCE((SELECT MIN(t.id) FROM (` + inTurnSQL + `) t), 0))
	ON CONFLICT (rule_id) DO UPDATE SET last_member_id = COALESCE(
		(SELECT MIN(t.id) FROM (` + inTurnSQL + `) t WHERE t.id > rule_cursors.last_member_id),
		(SELECT MIN(t.id) FROM (` + inTurnSQL + `) t),
		rule_cursors.last_member_id)
	RETURNING last_member_id, (SELECT n.name FROM members n WHERE n.id = rule_cursors.last_member_id
		AND n.id IN (` + inTurnSQL + `))`

// nextInTurn takes the rule's next member and moves its cursor, in the
// caller's transaction (nextInTurnSQL); 0 when nobody is in.
func (tx *Tx) nextInTurn(ctx context.Context, ruleID, devID int64) (int64, string, error) {
	var last int64
	var name sql.NullString
	if err := tx.queryRowOnce(ctx, nextInTurnSQL, ruleID, devID, false).Scan(&last, &name); err != nil {
		return 0, "", fmt.Errorf("sqlstore: rule cursor: %w", err)
	}
	if !name.Valid {
		return 0, "", nil
	}
	return last, name.String, nil
}
