package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
)

// storePolicyID is the sla_policies row of the store itself, which holds the
// escalation deadline.
const storePolicyID = 0

// policy returns developer devID's SLA policy, or the defaults, with the
// store's escalation deadline.
func (tx *Tx) policy(ctx context.Context, devID int64) (*vocdesk.SLAPolicy, error) {
	p := vocdesk.DefaultSLAPolicy()
	p.DeveloperID = devID
	rows, err := tx.query(ctx, `SELECT developer_id, first_response_minutes, next_response_minutes, hours_json, escalation_days, updated_at
		FROM sla_policies WHERE developer_id IN ($1, $2)`, devID, storePolicyID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: sla policy: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, updated int64
		var first, next, days int
		var hours string
		if err := rows.Scan(&id, &first, &next, &hours, &days, &updated); err != nil {
			return nil, fmt.Errorf("sqlstore: sla policy: %w", err)
		}
		if id == storePolicyID {
			p.EscalationDays = days
			continue
		}
		var h vocdesk.BusinessHours
		if err := json.Unmarshal([]byte(hours), &h); err != nil {
			return nil, fmt.Errorf("sqlstore: sla policy hours: %w", err)
		}
		p.FirstResponseMinutes, p.NextResponseMinutes, p.Hours = first, next, h
		p.IsDefault, p.UpdatedAt = false, fromMicros(updated)
	}
	return p, rows.Err()
}

// holidayDates lists the holidays from a week before now to two years on:
// enough for any deadline the targets allow.
func (tx *Tx) holidayDates(ctx context.Context) ([]string, error) {
	local := tx.now.In(vocdesk.Seoul)
	from := local.AddDate(0, 0, -7).Format(time.DateOnly)
	to := local.AddDate(2, 0, 0).Format(time.DateOnly)
	rows, err := tx.query(ctx, `SELECT day FROM holidays WHERE day >= $1 AND day <= $2`, from, to)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: holidays: %w", err)
	}
	defer rows.Close()
	var days []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, fmt.Errorf("sqlstore: holidays: %w", err)
		}
		days = append(days, d)
	}
	return days, rows.Err()
}

// calendars returns what a wait's deadlines are computed with: the
// developer's policy, its business calendar, and the store's.
func (tx *Tx) calendars(ctx context.Context, devID int64) (*vocdesk.SLAPolicy, *vocdesk.BusinessCalendar, *vocdesk.BusinessCalendar, error) {
	p, err := tx.policy(ctx, devID)
	if err != nil {
		return nil, nil, nil, err
	}
	days, err := tx.holidayDates(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	return p, vocdesk.NewBusinessCalendar(p.Hours, vocdesk.Seoul, days), vocdesk.StoreCalendar(days), nil
}

// targetDeveloper names the developer a settings call is about: a
// developer's own (slug ignored unless it names another, which is not
// found), or the one an operator names.
func (tx *Tx) targetDeveloper(ctx context.Context, a *vocdesk.Actor, slug string) (int64, error) {
	var c conds
	if a.IsDeveloper() && slug == "" {
		c.add("d.id = ?", a.DeveloperID)
	} else {
		c.add("d.slug = ?", slug)
	}
	scopeDevelopers(&c, a, "d")
	var id int64
	err := tx.queryRow(ctx, `SELECT d.id FROM developers d`+c.where(), c.args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, vocdesk.NotFound("developer")
	} else if err != nil {
		return 0, fmt.Errorf("sqlstore: developer: %w", err)
	}
	return id, nil
}

// FindSLAPolicy returns a developer's policy or the defaults.
func (s *DeskService) FindSLAPolicy(ctx context.Context, developerSlug string) (*vocdesk.SLAPolicy, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	id, err := tx.targetDeveloper(ctx, a, developerSlug)
	if err != nil {
		return nil, err
	}
	return tx.policy(ctx, id)
}

// SetSLAPolicy stores a developer's policy: admins and owners, or operators.
func (s *DeskService) SetSLAPolicy(ctx context.Context, p *vocdesk.SLAPolicy) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		id, err := tx.targetDeveloper(ctx, a, p.DeveloperSlug)
		if err != nil {
			return err
		}
		if err := canManage(a, id, vocdesk.RoleAdmin); err != nil {
			return err
		}
		before, err := tx.policy(ctx, id)
		if err != nil {
			return err
		}
		hours, _ := json.Marshal(p.Hours)
		if _, err := tx.exec(ctx, `INSERT INTO sla_policies (developer_id, first_response_minutes, next_response_minutes, hours_json, updated_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (developer_id) DO UPDATE SET first_response_minutes = EXCLUDED.first_response_minutes,
			next_response_minutes = EXCLUDED.next_response_minutes, hours_json = EXCLUDED.hours_json, updated_at = EXCLUDED.updated_at`,
			id, p.FirstResponseMinutes, p.NextResponseMinutes, string(hours), micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: set sla policy: %w", err)
		}
		p.DeveloperID, p.IsDefault, p.UpdatedAt, p.EscalationDays = id, false, tx.now, before.EscalationDays
		return tx.audit(ctx, a, change{action: "sla_policy.set", entity: "sla_policy", entityID: id, developerID: id, before: before, after: p})
	})
}

// SetEscalationDays sets the store's deadline. Operators only. It applies
// to waits that start later.
func (s *DeskService) SetEscalationDays(ctx context.Context, days int) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	if days < 1 || days > 30 {
		return vocdesk.Errorf(vocdesk.EINVALID, "the escalation deadline is 1 to 30 business days")
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		hours, _ := json.Marshal(vocdesk.DefaultBusinessHours())
		if _, err := tx.exec(ctx, `INSERT INTO sla_policies (developer_id, first_response_minutes, next_response_minutes, hours_json, escalation_days, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (developer_id) DO UPDATE SET escalation_days = EXCLUDED.escalation_days, updated_at = EXCLUDED.updated_at`,
			storePolicyID, vocdesk.DefaultFirstResponseMinutes, vocdesk.DefaultNextResponseMinutes, string(hours), days, micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: set escalation days: %w", err)
		}
		return tx.audit(ctx, a, change{action: "sla.escalation_days_set", entity: "sla_policy", entityID: storePolicyID, after: map[string]int{"escalation_days": days}})
	})
}
