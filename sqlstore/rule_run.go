package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
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
func (tx *Tx) runRules(ctx context.Context, in *vocdesk.Inquiry, event vocdesk.RuleEvent, key, text string) error {
	if timing := tx.db.RuleTiming; timing != nil {
		start := time.Now()
		defer func() { timing(time.Since(start)) }()
	}
	set, err := tx.ruleSetOf(ctx, in.DeveloperID)
	if err != nil || set == nil || len(set.rules) == 0 {
		return err
	}
	facts := tx.factsFor(ctx, in, event, text)
	replied := false
	for _, c := range set.rules {
		ok, err := c.matches(facts)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		// The rule's row is named again so that a rule deleted since the
		// set was cached is skipped rather than failing the event.
		res, err := tx.exec(ctx, `INSERT INTO rule_runs (rule_id, inquiry_id, event, at)
			SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT), CAST($3 AS TEXT), CAST($4 AS BIGINT)
			WHERE EXISTS (SELECT 1 FROM rules WHERE id = CAST($1 AS BIGINT))
			ON CONFLICT (rule_id, inquiry_id, event) DO NOTHING`, c.rule.ID, in.ID, key, micros(tx.now))
		if err != nil {
			return fmt.Errorf("sqlstore: rule run: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("sqlstore: rule run: %w", err)
		} else if n == 0 {
			continue // this event already ran the rule
		}
		did, r, err := tx.applyRule(ctx, c.rule, in)
		if err != nil {
			return err
		}
		replied = replied || r
		if err := tx.audit(ctx, ruleActor(c.rule), change{action: "rule.applied", entity: "rule", entityID: c.rule.ID,
			developerID: in.DeveloperID, after: ruleRunView{InquiryID: in.ID, Event: key, Actions: did}}); err != nil {
			return err
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
	return nil
}

// ruleRunView is what the audit trail keeps of a rule's run.
type ruleRunView struct {
	InquiryID int64    `json:"inquiry_id"`
	Event     string   `json:"event"`
	Actions   []string `json:"actions"`
}

// ruleActor is who a rule's changes are made by: its developer, as an admin
// with no member behind it, named after the rule.
func ruleActor(r *vocdesk.Rule) *vocdesk.Actor {
	return &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: r.DeveloperID, Role: vocdesk.RoleAdmin, Name: r.Name}
}

// applyRule carries out a matching rule's actions on in and says what each
// did. An action whose target has gone (a removed member, a deleted canned
// reply, no agent in) is skipped and said so: a rule never keeps a
// customer's inquiry from being taken in.
func (tx *Tx) applyRule(ctx context.Context, r *vocdesk.Rule, in *vocdesk.Inquiry) (did []string, replied bool, err error) {
	a := ruleActor(r)
	act := r.Actions
	skip := func(what string, err error) error {
		if code := vocdesk.ErrorCode(err); code == vocdesk.EINVALID || code == vocdesk.ENOTFOUND || code == vocdesk.EUNPROCESSABLE {
			did = append(did, what+": skipped ("+vocdesk.ErrorMessage(err)+")")
			return nil
		}
		return err
	}

	if act.AssignRoundRobin || act.AssigneeID != 0 {
		id, how := act.AssigneeID, "assign"
		if act.AssignRoundRobin {
			how = "assign (round-robin)"
			if id, err = tx.nextInTurn(ctx, r.ID, in.DeveloperID); err != nil {
				return nil, false, err
			}
		}
		if id == 0 {
			did = append(did, how+": skipped (no agent is in)")
		} else if _, err := tx.applyUpdate(ctx, a, in, vocdesk.InquiryUpdate{AssigneeID: &id}); err != nil {
			if err := skip(how, err); err != nil {
				return nil, false, err
			}
		} else {
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
			if _, err := tx.applyUpdate(ctx, a, in, vocdesk.InquiryUpdate{AddTags: add}); err != nil {
				if err := skip("tag", err); err != nil {
					return nil, false, err
				}
			} else {
				for _, t := range add {
					did = append(did, "tag: "+t)
				}
			}
		}
	}

	if act.Priority != "" {
		if err := tx.setPriority(ctx, in, act.Priority); err != nil {
			return nil, false, err
		}
		did = append(did, "priority: "+string(act.Priority))
	}

	if act.CannedReplyID != 0 {
		body, c, err := tx.renderCanned(ctx, a, in, act.CannedReplyID, r.Name)
		if err == nil {
			err = vocdesk.ValidateBody(body)
		}
		if err == nil {
			err = tx.addMessage(ctx, a, in.ID, &vocdesk.Message{Body: body}, nil)
		}
		if err != nil {
			if err := skip("reply", err); err != nil {
				return nil, false, err
			}
		} else {
			did = append(did, "reply: "+c.Name)
			replied = true
		}
	}
	return did, replied, nil
}

// setPriority stores the inquiry's priority.
func (tx *Tx) setPriority(ctx context.Context, in *vocdesk.Inquiry, p vocdesk.Priority) error {
	_, err := tx.exec(ctx, `INSERT INTO inquiry_priorities (inquiry_id, developer_id, priority) VALUES ($1, $2, $3)
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

// nextInTurn takes the rule's next member and moves its cursor, in the
// caller's transaction. The cursor row is locked first (FOR UPDATE on
// PostgreSQL; SQLite has one writer), so two inquiries created at once wait
// for each other and go to two members: the turn is fair and never skips
// or repeats under concurrency. Members are read after the lock, so the
// turn sees who is in as of now.
func (tx *Tx) nextInTurn(ctx context.Context, ruleID, devID int64) (int64, error) {
	if _, err := tx.exec(ctx, `INSERT INTO rule_cursors (rule_id, last_member_id) VALUES ($1, 0)
		ON CONFLICT (rule_id) DO NOTHING`, ruleID); err != nil {
		return 0, fmt.Errorf("sqlstore: rule cursor: %w", err)
	}
	q := `SELECT last_member_id FROM rule_cursors WHERE rule_id = $1`
	if tx.dialect == dialectPostgres {
		q += ` FOR UPDATE`
	}
	var last int64
	if err := tx.queryRow(ctx, q, ruleID).Scan(&last); err != nil {
		return 0, fmt.Errorf("sqlstore: rule cursor: %w", err)
	}
	ids, err := tx.inTurn(ctx, devID)
	if err != nil {
		return 0, err
	}
	next := nextAfter(ids, last)
	if next == 0 {
		return 0, nil
	}
	if _, err := tx.exec(ctx, `UPDATE rule_cursors SET last_member_id = $2 WHERE rule_id = $1`, ruleID, next); err != nil {
		return 0, fmt.Errorf("sqlstore: rule cursor: %w", err)
	}
	return next, nil
}
