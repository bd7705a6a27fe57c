package sqlstore

import (
	"context"
	"slices"
	"time"

	"github.com/vocdesk/vocdesk"
)

// createdRules are the rules of an inquiry's creation, applied before its
// row is written (createInquiry): the row goes in once with the assignee,
// tags and priority they give it, and the rest of what they do (their
// runs, the tags' rows, the assignment's event, the priority's row, the
// audit entry, replies) follows once the row has its id (afterInsert).
//
// Why: applied after the INSERT, as the other events' rules are
// (runRules), they updated the new row again, and on PostgreSQL that
// update of a row with some twenty indexes is not HOT: bench/rules' two
// matching rules added 1.35 ms p50 and 1.89 ms p99 to a creation there
// (goal: 1 ms p99), most of it the second write of the row and its WAL,
// not the round trips (README: the rulespg branch cut those to no gain).
// Written once, at load 6-10 on 2 cores: what they add at the median went
// from 1.2-2.1 to 1.2-1.6 ms, their own time from 1.2-1.4 to 0.9-1.1 ms.
//
// It is runRules for the created event, in two halves: what each rule
// does, in rule order, what is audited and the round-robin turn (its
// cursor moved and locked in the creation's transaction, as runRules
// does) are the same. The runs are recorded after the INSERT, which they
// reference; a rule deleted on PostgreSQL between the read of the rule
// set and the runs' INSERT has still applied, as if the deletion came
// after the creation (it drops its runs), but a round-robin rule, whose
// cursor finds it gone (errRuleGone) and which is then skipped.
type createdRules struct {
	batch ruleBatch
	ran   []*vocdesk.Rule
	took  time.Duration // the first half's time, for DB.RuleTiming
}

// rulesBeforeInsert evaluates the developer's created rules on in, whose
// row is not written yet, and applies their assignment, tags and priority
// to in. in holds what the INSERT will: its status, SLA deadlines and
// text, so that the conditions see what they would after it.
func (tx *Tx) rulesBeforeInsert(ctx context.Context, in *vocdesk.Inquiry, text string) (*createdRules, error) {
	start := time.Now()
	c := &createdRules{batch: ruleBatch{in: in, before: viewOf(in), inserted: true}}
	matched, turns, err := tx.matchRules(ctx, in, vocdesk.RuleOnCreated, text, true)
	if err != nil {
		return nil, err
	}
	c.batch.turns = turns
	if c.ran, err = c.batch.applyAll(ctx, tx, matched); err != nil {
		return nil, err
	}
	if len(c.batch.newTags) > 0 {
		slices.Sort(in.Tags)
	}
	if c.batch.priority != "" {
		in.Priority = c.batch.priority
	}
	c.took = time.Since(start)
	return c, nil
}

// afterInsert writes the rest of what the rules did, once in has its id:
// their runs with the batch's other statements, created (the inquiry's
// own audit entry) in one INSERT with theirs (one round trip on
// PostgreSQL), then their replies, as runRules does.
func (c *createdRules) afterInsert(ctx context.Context, tx *Tx, created auditEntry) error {
	// The time told to RuleTiming includes the creation's own audit
	// entry, which rules that ran write in their statement: so that a
	// creation with rules and one without compare on the same work.
	if timing := tx.db.RuleTiming; timing != nil {
		start := time.Now()
		defer func() { timing(c.took + time.Since(start)) }()
	}
	if len(c.ran) == 0 {
		return tx.audit(ctx, created.actor, created.change)
	}
	c.batch.audits = []auditEntry{created}
	q, args := tx.runsStmt(c.batch.in, "created", c.ran)
	return c.batch.finish(ctx, tx, "created", c.ran, []stmtPart{{q, args, len(c.ran)}})
}
