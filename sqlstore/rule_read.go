package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// readRules reads, in one statement, what the developer's rules need for an
// event on in: the rule set's version, the customer's spend in the
// currencies the cached set asks about, and, when takeTurns, the turn of
// each cached round-robin rule that holds on the event whatever the spend,
// its cursor moved in the same statement (PostgreSQL only: SQLite has no
// INSERT inside WITH). It returns the set (cached, or loaded when the
// version moved on) and the turns taken, by rule id.
//
// A turn is taken only when the version is still the cached set's: the
// cached set is then the rules as they are, the rules that take a turn are
// exactly those of the set that match (their conditions are tested on
// facts no rule changes, spend aside, and a rule asking a spend is not
// taken ahead), and all of the created event's matches apply. Otherwise no
// cursor moves and the rules take their turns one by one (nextInTurn).
//
// Why: on PostgreSQL each statement is a round trip of about 0.1 ms, where
// these run in 10-60 µs on the server (bench/rules, idle machine, with
// auto_explain): the version, the spend and the cursor were three round
// trips before the INSERT, 0.5 of the 0.8 ms two matching rules added to a
// creation at the median.
func (tx *Tx) readRules(ctx context.Context, facts *ruleFacts, takeTurns bool) (*ruleSet, map[int64]takenTurn, error) {
	in := facts.in
	cached := tx.db.rules.get(in.DeveloperID)
	var currencies []string
	var turns []*compiledRule
	if cached != nil {
		if in.CustomerID != 0 {
			currencies = cached.currencies
		}
		if takeTurns && tx.dialect == dialectPostgres {
			for _, c := range cached.rules {
				if c.rule.Actions.AssignRoundRobin && c.rule.Conditions.MinSpend == nil && c.holds(facts) {
					turns = append(turns, c)
				}
			}
		}
	}

	var q strings.Builder
	var args []any
	for i, c := range turns {
		if i == 0 {
			q.WriteString("WITH ")
		} else {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "t%d AS (%s)", i, renumber(guardedTurnSQL, len(args)))
		args = append(args, c.rule.ID, in.DeveloperID, false, cached.version)
	}
	q.WriteString("SELECT rs.version")
	for _, cur := range currencies {
		args = append(args, in.CustomerID, in.DeveloperID, cur)
		n := len(args)
		fmt.Fprintf(&q, `, (SELECT COALESCE(SUM(amount - refunded), 0) FROM purchases
			WHERE customer_id = $%d AND developer_id = $%d AND currency = $%d)`, n-2, n-1, n)
	}
	for i := range turns {
		fmt.Fprintf(&q, ", t%d.rule_id, t%d.last_member_id, t%d.name", i, i, i)
	}
	q.WriteString(" FROM rule_sets rs")
	for i := range turns {
		fmt.Fprintf(&q, " LEFT JOIN t%d ON true", i)
	}
	args = append(args, in.DeveloperID)
	q.WriteString(" WHERE rs.developer_id = $" + strconv.Itoa(len(args)))

	var version int64
	spent := make([]int64, len(currencies))
	got := make([]struct {
		rule, member sql.NullInt64
		name         sql.NullString
	}, len(turns))
	dest := []any{&version}
	for i := range spent {
		dest = append(dest, &spent[i])
	}
	for i := range got {
		dest = append(dest, &got[i].rule, &got[i].member, &got[i].name)
	}
	err := tx.queryRowOnce(ctx, q.String(), args...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: rule set version: %w", err)
	}
	for i, cur := range currencies {
		facts.spent[cur] = spent[i]
	}
	if cached != nil && cached.version == version {
		var taken map[int64]takenTurn
		for i, c := range turns {
			if taken == nil {
				taken = map[int64]takenTurn{}
			}
			t := takenTurn{gone: !got[i].rule.Valid}
			if got[i].name.Valid {
				t.member, t.name = got[i].member.Int64, got[i].name.String
			}
			taken[c.rule.ID] = t
		}
		return cached, taken, nil
	}
	set, err := tx.loadRuleSet(ctx, in.DeveloperID, version)
	return set, nil, err
}

// takenTurn is a round-robin rule's turn taken by readRules: the member
// (0 when nobody is in) or, gone, the rule was deleted.
type takenTurn struct {
	member int64
	name   string
	gone   bool
}

// guardedTurnSQL is nextInTurnSQL for readRules: the cursor of rule $1 of
// developer $2 ($3 false) moves only while the developer's rule set is at
// version $4. It returns the rule's id, the member and the member's name.
const guardedTurnSQL = turnInsertSQL +
	`FROM rules r WHERE r.id = $1 AND EXISTS (SELECT 1 FROM rule_sets v WHERE v.developer_id = $2 AND v.version = $4)` +
	turnUpsertSQL + ` AS name, rule_cursors.rule_id`

// setCurrencies are the currencies the set's rules ask a spend in.
func setCurrencies(rules []*compiledRule) []string {
	var out []string
	for _, c := range rules {
		if m := c.rule.Conditions.MinSpend; m != nil && !slices.Contains(out, m.Currency) {
			out = append(out, m.Currency)
		}
	}
	return out
}

// loadRuleSet reads and compiles the developer's enabled rules at version
// and caches them.
func (tx *Tx) loadRuleSet(ctx context.Context, devID, version int64) (*ruleSet, error) {
	rules, err := tx.rulesOf(ctx, devID)
	if err != nil {
		return nil, err
	}
	s := &ruleSet{version: version}
	for _, r := range rules {
		if r.Enabled {
			s.rules = append(s.rules, compileRule(r))
		}
	}
	s.currencies = setCurrencies(s.rules)
	tx.db.rules.put(devID, s)
	return s, nil
}

// matchRules returns the developer's enabled rules whose conditions hold on
// an event of in, in order, and the turns readRules took for them
// (takeTurns: the created event's rules, which all apply).
func (tx *Tx) matchRules(ctx context.Context, in *vocdesk.Inquiry, event vocdesk.RuleEvent, text string, takeTurns bool) ([]*vocdesk.Rule, map[int64]takenTurn, error) {
	// Conditions test what the event brought (channel, category, app,
	// words, spend, the SLA state at its start), none of which a rule's
	// action changes, so every rule is tested before any applies.
	facts := tx.factsFor(ctx, in, event, text)
	set, turns, err := tx.readRules(ctx, facts, takeTurns)
	if err != nil || set == nil || len(set.rules) == 0 {
		return nil, nil, err
	}
	var matched []*vocdesk.Rule
	for _, c := range set.rules {
		ok, err := c.matches(facts)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			matched = append(matched, c.rule)
		}
	}
	return matched, turns, nil
}
