package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// dryRunSize is how many of the developer's newest inquiries a dry run
// tries a rule on.
const dryRunSize = 100

// DryRunRule tries r on the developer's last 100 inquiries as if each had
// just been created (its first message is the event's text), in a read
// transaction: nothing is written, and the round-robin turn is followed in
// memory from where the rule's cursor stands. Admins and owners, who write
// rules, run it.
func (s *AutomationService) DryRunRule(ctx context.Context, r *vocdesk.Rule) ([]*vocdesk.RuleRunPreview, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if err := canManage(a, a.DeveloperID, vocdesk.RoleAdmin); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.checkRuleRefs(ctx, a, r); err != nil {
		return nil, err
	}
	r.DeveloperID = a.DeveloperID
	c := compileRule(r)
	// As if each inquiry had just been created: the event is the creation
	// whatever the rule listens to.
	c.events = map[vocdesk.RuleEvent]bool{vocdesk.RuleOnCreated: true}

	names := map[int64]string{}
	rows, err := tx.query(ctx, `SELECT id, name FROM members WHERE developer_id = $1`, a.DeveloperID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dry run: %w", err)
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlstore: dry run: %w", err)
		}
		names[id] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: dry run: %w", err)
	}
	var turn []int64
	var last int64
	if r.Actions.AssignRoundRobin {
		if turn, err = tx.inTurn(ctx, a.DeveloperID); err != nil {
			return nil, err
		}
		if r.ID != 0 {
			// Only the developer's own rule's cursor: an id of another's
			// reads as a rule with no turn taken yet.
			err := tx.queryRow(ctx, `SELECT c.last_member_id FROM rule_cursors c JOIN rules r ON r.id = c.rule_id
				WHERE c.rule_id = $1 AND r.developer_id = $2`, r.ID, a.DeveloperID).Scan(&last)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, fmt.Errorf("sqlstore: dry run: %w", err)
			}
		}
	}
	var reply string
	if id := r.Actions.CannedReplyID; id != 0 {
		cr, err := tx.cannedReply(ctx, a, id)
		if err != nil {
			return nil, refError(err, "canned_gone", "canned reply %d does not exist", id)
		}
		reply = cr.Name
	}

	ins, firsts, err := tx.lastInquiries(ctx, a, dryRunSize)
	if err != nil {
		return nil, err
	}
	// The turn is followed oldest first, the order the inquiries came
	// in; the answer lists them newest first, as the inbox does.
	out := make([]*vocdesk.RuleRunPreview, len(ins))
	for i := len(ins) - 1; i >= 0; i-- {
		in := ins[i]
		p := &vocdesk.RuleRunPreview{Inquiry: in}
		ok, err := c.matches(tx.factsFor(ctx, in, vocdesk.RuleOnCreated, firsts[i]))
		if err != nil {
			return nil, err
		}
		if ok {
			p.Matched = true
			p.Actions = previewActions(r, in, names, turn, &last, reply)
		}
		maskInquiry(a, in)
		out[i] = p
	}
	return out, nil
}

// previewActions says what the rule would do to in, moving the in-memory
// round-robin cursor last as nextInTurn would move the stored one.
func previewActions(r *vocdesk.Rule, in *vocdesk.Inquiry, names map[int64]string, turn []int64, last *int64, reply string) []string {
	var did []string
	act := r.Actions
	switch {
	case act.AssignRoundRobin:
		if next := nextAfter(turn, *last); next != 0 {
			*last = next
			did = append(did, "assign (round-robin): "+names[next])
		} else {
			did = append(did, "assign (round-robin): skipped (no agent is in)")
		}
	case act.AssigneeID != 0:
		did = append(did, "assign: "+names[act.AssigneeID])
	}
	for _, t := range act.AddTags {
		if t = normalizeTag(t); !slices.Contains(in.Tags, t) {
			did = append(did, "tag: "+t)
		}
	}
	if act.Priority != "" {
		did = append(did, "priority: "+string(act.Priority))
	}
	if reply != "" {
		did = append(did, "reply: "+reply)
	}
	return did
}

// lastInquiries reads the developer's newest inquiries with the text of
// each one's first message.
func (tx *Tx) lastInquiries(ctx context.Context, a *vocdesk.Actor, n int) ([]*vocdesk.Inquiry, []string, error) {
	rows, err := tx.query(ctx, `SELECT id FROM inquiries WHERE developer_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, a.DeveloperID, n)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: dry run: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("sqlstore: dry run: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("sqlstore: dry run: %w", err)
	}
	ins := make([]*vocdesk.Inquiry, 0, len(ids))
	firsts := make([]string, 0, len(ids))
	for _, id := range ids {
		in, err := tx.inquiryFor(ctx, a, id, false)
		if err != nil {
			return nil, nil, err
		}
		var body string
		err = tx.queryRow(ctx, `SELECT body FROM inquiry_messages WHERE inquiry_id = $1 AND author = 'customer'
			ORDER BY id LIMIT 1`, id).Scan(&body)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, nil, fmt.Errorf("sqlstore: dry run: %w", err)
		}
		ins = append(ins, in)
		firsts = append(firsts, strings.TrimSpace(body))
	}
	return ins, firsts, nil
}
