package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// SetAvailability sets a member in or away. Members set their own; admins
// and owners anyone of their developer's. A member of another developer
// answers like a missing one.
func (s *AutomationService) SetAvailability(ctx context.Context, memberID int64, av vocdesk.Availability) error {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		var one int
		err := tx.queryRow(ctx, `SELECT 1 FROM members WHERE id = $1 AND developer_id = $2`, memberID, a.DeveloperID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.NotFound("member")
		} else if err != nil {
			return fmt.Errorf("sqlstore: member: %w", err)
		}
		// Checked after the lookup: another developer's member is not
		// found, whatever the request says.
		if av != vocdesk.AvailabilityIn && av != vocdesk.AvailabilityAway {
			return vocdesk.Errorf(vocdesk.EINVALID, "availability must be in or away")
		}
		if memberID != a.MemberID {
			if err := canManage(a, a.DeveloperID, vocdesk.RoleAdmin); err != nil {
				return err
			}
		}
		away := av == vocdesk.AvailabilityAway
		var before bool
		err = tx.queryRow(ctx, `SELECT away FROM member_availability WHERE member_id = $1`, memberID).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: availability: %w", err)
		}
		if before == away {
			return nil
		}
		if _, err := tx.exec(ctx, `INSERT INTO member_availability (member_id, developer_id, away, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (member_id) DO UPDATE SET away = excluded.away, updated_at = excluded.updated_at`,
			memberID, a.DeveloperID, away, micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: availability: %w", err)
		}
		return tx.audit(ctx, a, change{action: "member.availability_changed", entity: "member", entityID: memberID,
			developerID: a.DeveloperID, after: map[string]vocdesk.Availability{"availability": av}})
	})
}

// FindAvailability is every member of the actor's developer, in or away.
func (s *AutomationService) FindAvailability(ctx context.Context) (map[int64]vocdesk.Availability, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT m.id, COALESCE(v.away, $2) FROM members m
		LEFT JOIN member_availability v ON v.member_id = m.id WHERE m.developer_id = $1`, a.DeveloperID, false)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: availability: %w", err)
	}
	defer rows.Close()
	out := map[int64]vocdesk.Availability{}
	for rows.Next() {
		var id int64
		var away bool
		if err := rows.Scan(&id, &away); err != nil {
			return nil, fmt.Errorf("sqlstore: availability: %w", err)
		}
		out[id] = vocdesk.AvailabilityIn
		if away {
			out[id] = vocdesk.AvailabilityAway
		}
	}
	return out, rows.Err()
}

// FindPriority returns an inquiry's priority, normal when none was set, to
// anyone who may see the inquiry.
func (s *AutomationService) FindPriority(ctx context.Context, inquiryID int64) (vocdesk.Priority, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return "", err
	}
	var c conds
	c.add("i.id = ?", inquiryID)
	scopeInquiries(&c, a, "i")
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var p string
	err = tx.queryRow(ctx, `SELECT i.priority FROM inquiries i`+c.where(), c.args...).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", vocdesk.NotFound("inquiry")
	} else if err != nil {
		return "", fmt.Errorf("sqlstore: priority: %w", err)
	}
	return vocdesk.Priority(p), nil
}

// SetPriority sets an inquiry's priority by hand: agents and above of its
// developer. Audited like every change of an inquiry.
func (s *AutomationService) SetPriority(ctx context.Context, inquiryID int64, p vocdesk.Priority) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		in, err := tx.inquiryFor(ctx, a, inquiryID, true)
		if err != nil {
			return err
		}
		if err := canWriteInquiry(a, in.DeveloperID); err != nil {
			return err
		}
		// Checked after the lookup: another developer's inquiry is not
		// found, whatever the request says.
		if !p.Valid() {
			return vocdesk.Errorf(vocdesk.EINVALID, "priority must be one of low, normal, high, urgent").Because("priority_invalid")
		}
		was := in.Priority // the row's copy (migration 00137)
		if was == p {
			return nil
		}
		if err := tx.setPriority(ctx, in, p); err != nil {
			return err
		}
		return tx.auditInquiry(ctx, a, "inquiry.priority_changed", in,
			map[string]vocdesk.Priority{"priority": was}, map[string]vocdesk.Priority{"priority": p})
	})
}
