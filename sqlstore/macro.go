package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/desk"
)

// AutomationService implements vocdesk.AutomationService: macros, rules and
// members' availability. The compiled rule sets it evaluates are cached on
// the DB (rule_set.go), shared with the inquiry service that runs them.
type AutomationService struct{ db *DB }

// NewAutomationService returns the desk's automation on db.
func NewAutomationService(db *DB) vocdesk.AutomationService { return &AutomationService{db: db} }

const macroSelect = `SELECT m.id, m.developer_id, m.name, m.actions_json, m.created_at, m.updated_at FROM macros m`

func scanMacro(r scanner) (*vocdesk.Macro, error) {
	var m vocdesk.Macro
	var actions string
	var created, updated int64
	if err := r.Scan(&m.ID, &m.DeveloperID, &m.Name, &actions, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(actions), &m.Actions); err != nil {
		return nil, fmt.Errorf("sqlstore: macro %d actions: %w", m.ID, err)
	}
	m.CreatedAt, m.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &m, nil
}

// macro reads one macro of the actor's developer.
func (tx *Tx) macro(ctx context.Context, a *vocdesk.Actor, id int64) (*vocdesk.Macro, error) {
	var c conds
	c.add("m.id = ?", id)
	scopeOwned(&c, a, "m.developer_id")
	m, err := scanMacro(tx.queryRow(ctx, macroSelect+c.where(), c.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("macro")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: macro: %w", err)
	}
	return m, nil
}

// FindMacros lists the actor's developer's macros by name.
func (s *AutomationService) FindMacros(ctx context.Context) ([]*vocdesk.Macro, error) {
	return developerRead(ctx, s.db, func(tx *Tx, a *vocdesk.Actor) ([]*vocdesk.Macro, error) {
		rows, err := tx.query(ctx, macroSelect+` WHERE m.developer_id = $1 ORDER BY m.name, m.id`, a.DeveloperID)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: macros: %w", err)
		}
		defer rows.Close()
		var list []*vocdesk.Macro
		for rows.Next() {
			m, err := scanMacro(rows)
			if err != nil {
				return nil, fmt.Errorf("sqlstore: macros: %w", err)
			}
			list = append(list, m)
		}
		return list, rows.Err()
	})
}

// FindMacro returns one of the actor's developer's macros.
func (s *AutomationService) FindMacro(ctx context.Context, id int64) (*vocdesk.Macro, error) {
	return developerRead(ctx, s.db, func(tx *Tx, a *vocdesk.Actor) (*vocdesk.Macro, error) { return tx.macro(ctx, a, id) })
}

// CreateMacro adds a macro (admins and owners).
func (s *AutomationService) CreateMacro(ctx context.Context, m *vocdesk.Macro) error {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	if err := canManage(a, a.DeveloperID, vocdesk.RoleAdmin); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		if err := tx.checkMacroRefs(ctx, a, m); err != nil {
			return err
		}
		m.Name = strings.TrimSpace(m.Name)
		raw, err := json.Marshal(m.Actions)
		if err != nil {
			return fmt.Errorf("sqlstore: macro: %w", err)
		}
		err = tx.queryRow(ctx, `INSERT INTO macros (developer_id, name, actions_json, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, a.DeveloperID, m.Name, string(raw), micros(tx.now)).Scan(&m.ID)
		if err != nil {
			return because(conflictOr(err, "create macro", "a macro named %q already exists", m.Name), "macro_name_taken", m.Name)
		}
		m.DeveloperID, m.CreatedAt, m.UpdatedAt = a.DeveloperID, tx.now, tx.now
		return tx.audit(ctx, a, change{action: "macro.created", entity: "macro", entityID: m.ID, developerID: a.DeveloperID, after: m})
	})
}

// UpdateMacro replaces a macro's name and actions (admins and owners).
func (s *AutomationService) UpdateMacro(ctx context.Context, m *vocdesk.Macro) error {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		before, err := tx.macro(ctx, a, m.ID)
		if err != nil {
			return err
		}
		if err := canManage(a, before.DeveloperID, vocdesk.RoleAdmin); err != nil {
			return err
		}
		if err := tx.checkMacroRefs(ctx, a, m); err != nil {
			return err
		}
		m.Name = strings.TrimSpace(m.Name)
		raw, err := json.Marshal(m.Actions)
		if err != nil {
			return fmt.Errorf("sqlstore: macro: %w", err)
		}
		if _, err := tx.exec(ctx, `UPDATE macros SET name = $2, actions_json = $3, updated_at = $4 WHERE id = $1`,
			m.ID, m.Name, string(raw), micros(tx.now)); err != nil {
			return because(conflictOr(err, "update macro", "a macro named %q already exists", m.Name), "macro_name_taken", m.Name)
		}
		m.DeveloperID, m.CreatedAt, m.UpdatedAt = before.DeveloperID, before.CreatedAt, tx.now
		return tx.audit(ctx, a, change{action: "macro.updated", entity: "macro", entityID: m.ID, developerID: m.DeveloperID, before: before, after: m})
	})
}

// DeleteMacro removes a macro (admins and owners).
func (s *AutomationService) DeleteMacro(ctx context.Context, id int64) error {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		before, err := tx.macro(ctx, a, id)
		if err != nil {
			return err
		}
		if err := canManage(a, before.DeveloperID, vocdesk.RoleAdmin); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM macros WHERE id = $1`, id); err != nil {
			return fmt.Errorf("sqlstore: delete macro: %w", err)
		}
		return tx.audit(ctx, a, change{action: "macro.deleted", entity: "macro", entityID: id, developerID: before.DeveloperID, before: before})
	})
}

// checkMacroRefs refuses a macro whose canned reply or assignee is not its
// developer's: another developer's answers exactly like a missing one.
func (tx *Tx) checkMacroRefs(ctx context.Context, a *vocdesk.Actor, m *vocdesk.Macro) error {
	if id := m.Actions.CannedReplyID; id != 0 {
		if _, err := tx.cannedReply(ctx, a, id); err != nil {
			return refError(err, "canned_gone", "canned reply %d does not exist", id)
		}
	}
	if id := m.Actions.AssigneeID; id != 0 {
		if err := tx.checkMember(ctx, a.DeveloperID, id); err != nil {
			return err
		}
	}
	return nil
}

// checkMember answers EINVALID unless memberID is a member of developer
// devID; another developer's member is named like a missing one.
func (tx *Tx) checkMember(ctx context.Context, devID, memberID int64) error {
	var one int
	err := tx.queryRow(ctx, `SELECT 1 FROM members WHERE id = $1 AND developer_id = $2`, memberID, devID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return vocdesk.Errorf(vocdesk.EINVALID, "member %d does not exist", memberID).Because("member_gone")
	} else if err != nil {
		return fmt.Errorf("sqlstore: member: %w", err)
	}
	return nil
}

// refError turns a reference that is not found into EINVALID (the request
// named something that is not there), keeping other errors.
func refError(err error, reason, format string, args ...any) error {
	if vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND {
		return vocdesk.Errorf(vocdesk.EINVALID, format, args...).Because(reason)
	}
	return err
}

// purchaseVars reads what the placeholders take from an inquiry's purchase;
// nil for a general inquiry.
func (tx *Tx) purchaseVars(ctx context.Context, in *vocdesk.Inquiry) (*vocdesk.Purchase, error) {
	if in.PurchaseID == 0 {
		return nil, nil
	}
	p := &vocdesk.Purchase{TxID: in.TxID, AppName: in.AppName}
	var paid int64
	err := tx.queryRow(ctx, `SELECT p.tid, p.amount, p.currency, p.paid_at, it.name FROM purchases p
		JOIN items it ON it.id = p.item_id WHERE p.id = $1`, in.PurchaseID).Scan(&p.TID, &p.Amount, &p.Currency, &paid, &p.ItemName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: purchase of inquiry: %w", err)
	}
	p.PaidAt = fromMicros(paid)
	return p, nil
}

// renderCanned fills canned reply id's placeholders for the inquiry, as
// the agent's reply form does (desk.Vars, desk.Render). Its callers send
// the reply unread (a macro, a rule), so a placeholder the inquiry has no
// value for (a purchase's on a general inquiry) refuses it, where the
// form leaves it for the agent to see and fill in.
func (tx *Tx) renderCanned(ctx context.Context, a *vocdesk.Actor, in *vocdesk.Inquiry, id int64, agentName string) (string, *vocdesk.CannedReply, error) {
	c, err := tx.cannedReply(ctx, a, id)
	if err != nil {
		return "", nil, refError(err, "canned_gone", "canned reply %d does not exist", id)
	}
	p, err := tx.purchaseVars(ctx, in)
	if err != nil {
		return "", nil, err
	}
	vars := desk.Vars(in, p, agentName)
	if missing := desk.Unfilled(c.Body, vars); len(missing) > 0 {
		list := "{{" + strings.Join(missing, "}}, {{") + "}}"
		return "", nil, vocdesk.Errorf(vocdesk.EUNPROCESSABLE, "canned reply %q needs %s, which this inquiry has no value for", c.Name, list).
			Because("canned_unfilled", c.Name, list)
	}
	return desk.Render(c.Body, vars), c, nil
}
