package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// UpdateMemberRole implements vocdesk.DeveloperService.
func (s *DeveloperService) UpdateMemberRole(ctx context.Context, developerSlug string, memberID int64, role vocdesk.Role) (*vocdesk.Member, error) {
	if !role.Valid() {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "role must be one of owner, admin, agent, viewer").Because("member_role")
	}
	var m *vocdesk.Member
	err := s.changeMember(ctx, developerSlug, memberID, role, func(tx *Tx, a *vocdesk.Actor, before *vocdesk.Member) error {
		if before.Role == role {
			m = before
			return nil
		}
		if _, err := tx.exec(ctx, `UPDATE members SET role = $2 WHERE id = $1`, memberID, string(role)); err != nil {
			return fmt.Errorf("sqlstore: update member: %w", err)
		}
		after := *before
		after.Role = role
		m = &after
		// Sessions read the role from the member's row, so the change
		// holds from the member's next request on.
		return tx.audit(ctx, a, change{action: "member.role_changed", entity: "member", entityID: memberID,
			developerID: before.DeveloperID, before: before, after: &after})
	})
	return m, err
}

// RemoveMember implements vocdesk.DeveloperService.
func (s *DeveloperService) RemoveMember(ctx context.Context, developerSlug string, memberID int64) error {
	return s.changeMember(ctx, developerSlug, memberID, "", func(tx *Tx, a *vocdesk.Actor, before *vocdesk.Member) error {
		for _, q := range []string{
			`UPDATE inquiries SET assignee_id = NULL WHERE assignee_id = $1`,
			`DELETE FROM saved_views WHERE member_id = $1`,
			`DELETE FROM members WHERE id = $1`, // sessions and tokens go with it (ON DELETE CASCADE)
		} {
			if _, err := tx.exec(ctx, q, memberID); err != nil {
				return fmt.Errorf("sqlstore: remove member: %w", err)
			}
		}
		return tx.audit(ctx, a, change{action: "member.removed", entity: "member", entityID: memberID,
			developerID: before.DeveloperID, before: before})
	})
}

// changeMember runs fn on a member of the developer once the actor may
// change it into role ("" for removal): the rules both changes share.
func (s *DeveloperService) changeMember(ctx context.Context, developerSlug string, memberID int64, role vocdesk.Role,
	fn func(tx *Tx, a *vocdesk.Actor, before *vocdesk.Member) error) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	if !a.IsOperator() && !a.IsDeveloper() {
		return errNotFound
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		dev, err := tx.developerBySlug(ctx, developerSlug)
		if err == nil {
			err = canManage(a, dev.ID, vocdesk.RoleViewer)
		}
		if err != nil {
			if err == errNotFound || vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND {
				return vocdesk.NotFound("developer")
			}
			return err
		}
		var m vocdesk.Member
		var r string
		var created int64
		err = tx.queryRow(ctx, `SELECT id, developer_id, email, name, role, created_at FROM members WHERE id = $1 AND developer_id = $2`,
			memberID, dev.ID).Scan(&m.ID, &m.DeveloperID, &m.Email, &m.Name, &r, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.NotFound("member")
		} else if err != nil {
			return fmt.Errorf("sqlstore: member: %w", err)
		}
		m.Role, m.CreatedAt = vocdesk.Role(r), fromMicros(created)

		// Team changes are people's: a key acts for a server, not a person.
		if a.IsDeveloper() && a.KeyID != 0 {
			return vocdesk.Errorf(vocdesk.EFORBIDDEN, "an API key cannot change the team; an owner or admin does it in the console")
		}
		min := vocdesk.RoleAdmin
		if m.Role == vocdesk.RoleOwner || role == vocdesk.RoleOwner {
			min = vocdesk.RoleOwner
		}
		if err := canManage(a, dev.ID, min); err != nil {
			return err
		}
		if m.Role == vocdesk.RoleOwner && role != vocdesk.RoleOwner {
			var owners int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM members WHERE developer_id = $1 AND role = 'owner'`, dev.ID).Scan(&owners); err != nil {
				return fmt.Errorf("sqlstore: member: %w", err)
			}
			if owners <= 1 {
				return vocdesk.Errorf(vocdesk.EUNPROCESSABLE, "%s is the only owner; make another member owner first", m.Name).
					Because("member_last_owner", m.Name)
			}
		}
		return fn(tx, a, &m)
	})
}
