package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
)

const ruleSelect = `SELECT r.id, r.developer_id, r.name, r.enabled, r.position, r.events_json, r.conditions_json,
	r.actions_json, r.created_at, r.updated_at FROM rules r`

func scanRule(s scanner) (*vocdesk.Rule, error) {
	var r vocdesk.Rule
	var events, conds, actions string
	var created, updated int64
	if err := s.Scan(&r.ID, &r.DeveloperID, &r.Name, &r.Enabled, &r.Position, &events, &conds, &actions, &created, &updated); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		raw string
		dst any
	}{{events, &r.Events}, {conds, &r.Conditions}, {actions, &r.Actions}} {
		if err := json.Unmarshal([]byte(f.raw), f.dst); err != nil {
			return nil, fmt.Errorf("sqlstore: rule %d: %w", r.ID, err)
		}
	}
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &r, nil
}

// rule reads one rule of the actor's developer.
func (tx *Tx) rule(ctx context.Context, a *vocdesk.Actor, id int64) (*vocdesk.Rule, error) {
	var c conds
	c.add("r.id = ?", id)
	scopeOwned(&c, a, "r.developer_id")
	r, err := scanRule(tx.queryRow(ctx, ruleSelect+c.where(), c.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("rule")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: rule: %w", err)
	}
	return r, nil
}

// rulesOf lists a developer's rules in the order they run.
func (tx *Tx) rulesOf(ctx context.Context, devID int64) ([]*vocdesk.Rule, error) {
	rows, err := tx.query(ctx, ruleSelect+` WHERE r.developer_id = $1 ORDER BY r.position, r.id`, devID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: rules: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: rules: %w", err)
		}
		list = append(list, r)
	}
	return list, rows.Err()
}

// FindRules lists the actor's developer's rules in the order they run.
func (s *AutomationService) FindRules(ctx context.Context) ([]*vocdesk.Rule, error) {
	return developerRead(ctx, s.db, func(tx *Tx, a *vocdesk.Actor) ([]*vocdesk.Rule, error) { return tx.rulesOf(ctx, a.DeveloperID) })
}

// FindRule returns one of the actor's developer's rules.
func (s *AutomationService) FindRule(ctx context.Context, id int64) (*vocdesk.Rule, error) {
	return developerRead(ctx, s.db, func(tx *Tx, a *vocdesk.Actor) (*vocdesk.Rule, error) { return tx.rule(ctx, a, id) })
}

// CreateRule adds a rule at the end of the developer's list (admins and
// owners).
func (s *AutomationService) CreateRule(ctx context.Context, r *vocdesk.Rule) error {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if err := canManage(a, a.DeveloperID, vocdesk.RoleAdmin); err != nil {
		return err
	}
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		if err := tx.checkRuleRefs(ctx, a, r); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM rules WHERE developer_id = $1`, a.DeveloperID).Scan(&n); err != nil {
			return fmt.Errorf("sqlstore: rules: %w", err)
		}
		if n >= vocdesk.MaxRules {
			return vocdesk.Errorf(vocdesk.EUNPROCESSABLE, "a developer has at most %d rules", vocdesk.MaxRules).Because("rules_max", vocdesk.MaxRules)
		}
		r.Name = strings.TrimSpace(r.Name)
		events, conds, actions, err := ruleJSON(r)
		if err != nil {
			return err
		}
		err = tx.queryRow(ctx, `INSERT INTO rules (developer_id, name, enabled, position, events_json, conditions_json,
			actions_json, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			a.DeveloperID, r.Name, r.Enabled, r.Position, events, conds, actions, micros(tx.now)).Scan(&r.ID)
		if err != nil {
			return because(conflictOr(err, "create rule", "a rule named %q already exists", r.Name), "rule_name_taken", r.Name)
		}
		r.DeveloperID, r.CreatedAt, r.UpdatedAt = a.DeveloperID, tx.now, tx.now
		if err := tx.bumpRuleSet(ctx, a.DeveloperID); err != nil {
			return err
		}
		return tx.audit(ctx, a, change{action: "rule.created", entity: "rule", entityID: r.ID, developerID: a.DeveloperID, after: r})
	})
	if err == nil {
		s.db.rules.forget(a.DeveloperID)
	}
	return err
}

// UpdateRule replaces a rule (admins and owners).
func (s *AutomationService) UpdateRule(ctx context.Context, r *vocdesk.Rule) error {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		before, err := tx.rule(ctx, a, r.ID)
		if err != nil {
			return err
		}
		if err := canManage(a, before.DeveloperID, vocdesk.RoleAdmin); err != nil {
			return err
		}
		if err := tx.checkRuleRefs(ctx, a, r); err != nil {
			return err
		}
		r.Name = strings.TrimSpace(r.Name)
		events, conds, actions, err := ruleJSON(r)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE rules SET name = $2, enabled = $3, position = $4, events_json = $5,
			conditions_json = $6, actions_json = $7, updated_at = $8 WHERE id = $1`,
			r.ID, r.Name, r.Enabled, r.Position, events, conds, actions, micros(tx.now)); err != nil {
			return because(conflictOr(err, "update rule", "a rule named %q already exists", r.Name), "rule_name_taken", r.Name)
		}
		r.DeveloperID, r.CreatedAt, r.UpdatedAt = before.DeveloperID, before.CreatedAt, tx.now
		if err := tx.bumpRuleSet(ctx, r.DeveloperID); err != nil {
			return err
		}
		return tx.audit(ctx, a, change{action: "rule.updated", entity: "rule", entityID: r.ID, developerID: r.DeveloperID, before: before, after: r})
	})
	if err == nil {
		s.db.rules.forget(a.DeveloperID)
	}
	return err
}

// DeleteRule removes a rule with its runs and cursor (admins and owners).
func (s *AutomationService) DeleteRule(ctx context.Context, id int64) error {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return err
	}
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		before, err := tx.rule(ctx, a, id)
		if err != nil {
			return err
		}
		if err := canManage(a, before.DeveloperID, vocdesk.RoleAdmin); err != nil {
			return err
		}
		// Explicitly, not by ON DELETE CASCADE: SQLite enforces cascades
		// only with foreign keys on, which an import may switch off.
		for _, q := range []string{`DELETE FROM rule_runs WHERE rule_id = $1`, `DELETE FROM rule_cursors WHERE rule_id = $1`,
			`DELETE FROM rules WHERE id = $1`} {
			if _, err := tx.exec(ctx, q, id); err != nil {
				return fmt.Errorf("sqlstore: delete rule: %w", err)
			}
		}
		if err := tx.bumpRuleSet(ctx, before.DeveloperID); err != nil {
			return err
		}
		return tx.audit(ctx, a, change{action: "rule.deleted", entity: "rule", entityID: id, developerID: before.DeveloperID, before: before})
	})
	if err == nil {
		s.db.rules.forget(a.DeveloperID)
	}
	return err
}

func ruleJSON(r *vocdesk.Rule) (events, conds, actions string, err error) {
	for i, v := range []any{r.Events, r.Conditions, r.Actions} {
		b, err := json.Marshal(v)
		if err != nil {
			return "", "", "", fmt.Errorf("sqlstore: rule: %w", err)
		}
		switch i {
		case 0:
			events = string(b)
		case 1:
			conds = string(b)
		default:
			actions = string(b)
		}
	}
	return events, conds, actions, nil
}

// bumpRuleSet moves the developer's rule set to a new version in the same
// transaction as the change, so that every process (on PostgreSQL, several)
// sees its compiled copy is stale on its next event.
func (tx *Tx) bumpRuleSet(ctx context.Context, devID int64) error {
	_, err := tx.exec(ctx, `INSERT INTO rule_sets (developer_id, version) VALUES ($1, 1)
		ON CONFLICT (developer_id) DO UPDATE SET version = rule_sets.version + 1`, devID)
	if err != nil {
		return fmt.Errorf("sqlstore: rule set version: %w", err)
	}
	return nil
}

// checkRuleRefs refuses a rule that names another developer's things: its
// canned reply, its assignee and its apps must be the rule's developer's,
// and another's answer exactly as missing ones do.
func (tx *Tx) checkRuleRefs(ctx context.Context, a *vocdesk.Actor, r *vocdesk.Rule) error {
	if id := r.Actions.CannedReplyID; id != 0 {
		if _, err := tx.cannedReply(ctx, a, id); err != nil {
			return refError(err, "canned_gone", "canned reply %d does not exist", id)
		}
	}
	if id := r.Actions.AssigneeID; id != 0 {
		if err := tx.checkMember(ctx, a.DeveloperID, id); err != nil {
			return err
		}
	}
	for _, slug := range r.Conditions.Apps {
		var one int
		err := tx.queryRow(ctx, `SELECT 1 FROM apps WHERE slug = $1 AND developer_id = $2`, slug, a.DeveloperID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.Errorf(vocdesk.EINVALID, "app %s does not exist", slug).Because("app_gone", slug)
		} else if err != nil {
			return fmt.Errorf("sqlstore: rule app: %w", err)
		}
	}
	return nil
}
