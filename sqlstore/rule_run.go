package sqlstore

import (
	"context"
	"database/sql"
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
// message of its own, after the row they read has been written. bench/rules'
// two matching rules took 19 statements one rule at a time; they take 9 on
// SQLite and 5 round trips on PostgreSQL this way.
//
// An inquiry's creation runs its rules in two halves around the row's
// INSERT instead (rule_created.go), so that the row is written once; this
// is the path of every later event (and of a replayed creation).
func (tx *Tx) runRules(ctx context.Context, in *vocdesk.Inquiry, event vocdesk.RuleEvent, key, text string) error {
	if timing := tx.db.RuleTiming; timing != nil {
		start := time.Now()
		defer func() { timing(time.Since(start)) }()
	}
	matched, _, err := tx.matchRules(ctx, in, event, text, false)
	if err != nil || len(matched) == 0 {
		return err
	}
	ran, err := tx.recordRuns(ctx, in, key, matched)
	if err != nil || len(ran) == 0 {
		return err
	}
	run := ruleBatch{in: in, before: viewOf(in)}
	if ran, err = run.applyAll(ctx, tx, ran); err != nil {
		return err
	}
	return run.finish(ctx, tx, key, ran, nil)
}

// finish writes what the rules that ran (in the batch's order) did, lead
// first, then their replies and the event's audit entry.
func (b *ruleBatch) finish(ctx context.Context, tx *Tx, key string, ran []*vocdesk.Rule, lead []stmtPart) error {
	in := b.in
	replies := slices.ContainsFunc(ran, func(r *vocdesk.Rule) bool { return r.Actions.CannedReplyID != 0 })
	if err := b.write(ctx, tx, key, replies, lead); err != nil {
		return err
	}
	if !replies {
		return nil
	}
	replied := false
	for i, r := range ran {
		if id := r.Actions.CannedReplyID; id != 0 {
			ok, err := tx.ruleReply(ctx, r, in, id, &b.entries[i])
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
	e := b.auditEntry(key)
	return tx.audit(ctx, e.actor, e.change)
}

// recordRuns records the runs of the matched rules on in's event key, in one
// statement, and returns the rules that had not run on it yet, in order. A
// rule's row is named again so that a rule deleted since the set was cached
// is skipped rather than failing the event.
func (tx *Tx) recordRuns(ctx context.Context, in *vocdesk.Inquiry, key string, matched []*vocdesk.Rule) ([]*vocdesk.Rule, error) {
	q, args := tx.runsStmt(in, key, matched)
	rows, err := tx.queryShape(ctx, len(matched), q+` RETURNING rule_id`, args...)
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

// runsStmt is the statement that records the runs of rules on in's event
// key, skipping those that ran on it already and those deleted since the
// rule set was read.
func (tx *Tx) runsStmt(in *vocdesk.Inquiry, key string, rules []*vocdesk.Rule) (string, []any) {
	var q strings.Builder
	q.WriteString(`INSERT INTO rule_runs (rule_id, inquiry_id, event, at)
		SELECT r.id, CAST($1 AS BIGINT), CAST($2 AS TEXT), CAST($3 AS BIGINT) FROM rules r
		WHERE r.developer_id = $4 AND r.id IN (`)
	args := []any{in.ID, key, micros(tx.now), in.DeveloperID}
	for i, r := range rules {
		if i > 0 {
			q.WriteString(", ")
		}
		args = append(args, r.ID)
		q.WriteString("$" + strconv.Itoa(len(args)))
	}
	q.WriteString(`) ON CONFLICT (rule_id, inquiry_id, event) DO NOTHING`)
	return q.String(), args
}

const setPrioritySQL = `INSERT INTO inquiry_priorities (inquiry_id, developer_id, priority) VALUES ($1, $2, $3)
	ON CONFLICT (inquiry_id) DO UPDATE SET priority = excluded.priority`

// setRowPrioritySQL writes the row's copy of the priority, which the inbox
// reads (migration 00137).
const setRowPrioritySQL = `UPDATE inquiries SET priority = $2 WHERE id = $1`

// setPriority stores the inquiry's priority, in inquiry_priorities (the
// inbox's filter) and the row's copy.
func (tx *Tx) setPriority(ctx context.Context, in *vocdesk.Inquiry, p vocdesk.Priority) error {
	if _, err := tx.execOnce(ctx, setPrioritySQL, in.ID, in.DeveloperID, string(p)); err != nil {
		return fmt.Errorf("sqlstore: set priority: %w", err)
	}
	if _, err := tx.execOnce(ctx, setRowPrioritySQL, in.ID, string(p)); err != nil {
		return fmt.Errorf("sqlstore: set priority: %w", err)
	}
	in.Priority = p
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
// so the turn sees who is in as of now. The rule's row is named so that a
// rule deleted since its set was read moves no cursor and returns no row
// (errRuleGone): the created event's rules take their turn before their
// run is recorded (rule_created.go).
const nextInTurnSQL = turnInsertSQL + `FROM rules r WHERE r.id = $1` + turnUpsertSQL

// turnInsertSQL and turnUpsertSQL are nextInTurnSQL around the rule's row,
// which readRules names with a condition of its own (guardedTurnSQL).
const turnInsertSQL = `INSERT INTO rule_cursors (rule_id, last_member_id)
	SELECT r.id, COALESCE((SELECT MIN(t.id) FROM (` + inTurnSQL + `) t), 0) `

const turnUpsertSQL = `
	ON CONFLICT (rule_id) DO UPDATE SET last_member_id = COALESCE(
		(SELECT MIN(t.id) FROM (` + inTurnSQL + `) t WHERE t.id > rule_cursors.last_member_id),
		(SELECT MIN(t.id) FROM (` + inTurnSQL + `) t),
		rule_cursors.last_member_id)
	RETURNING last_member_id, (SELECT n.name FROM members n WHERE n.id = rule_cursors.last_member_id
		AND n.id IN (` + inTurnSQL + `))`

// errRuleGone says a rule was deleted since its rule set was read.
var errRuleGone = errors.New("sqlstore: rule deleted")

// nextInTurn takes the rule's next member and moves its cursor, in the
// caller's transaction (nextInTurnSQL); 0 when nobody is in, errRuleGone
// when the rule is no more.
func (tx *Tx) nextInTurn(ctx context.Context, ruleID, devID int64) (int64, string, error) {
	var last int64
	var name sql.NullString
	err := tx.queryRowOnce(ctx, nextInTurnSQL, ruleID, devID, false).Scan(&last, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", errRuleGone
	} else if err != nil {
		return 0, "", fmt.Errorf("sqlstore: rule cursor: %w", err)
	}
	if !name.Valid {
		return 0, "", nil
	}
	return last, name.String, nil
}
