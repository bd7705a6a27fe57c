package sqlstore

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// CreateSavedView saves a named inbox filter for the signed-in member.
func (s *DeskService) CreateSavedView(ctx context.Context, v *vocdesk.SavedView) error {
	a, err := memberFrom(ctx)
	if err != nil {
		return err
	}
	v.Name = strings.TrimSpace(v.Name)
	if v.Name == "" || len([]rune(v.Name)) > 100 {
		return vocdesk.Errorf(vocdesk.EINVALID, "name is required (at most 100 characters)")
	}
	if _, err := url.ParseQuery(v.Query); err != nil || len(v.Query) > 2000 {
		return vocdesk.Errorf(vocdesk.EINVALID, "query must be a URL query string (at most 2000 characters)")
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `INSERT INTO saved_views (member_id, name, query, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			a.MemberID, v.Name, v.Query, micros(tx.now)).Scan(&v.ID)
		if err != nil {
			return conflictOr(err, "save view", "you already have a view named %q", v.Name)
		}
		v.MemberID, v.CreatedAt = a.MemberID, tx.now
		return nil
	})
}

// FindSavedViews lists the signed-in member's views by name.
func (s *DeskService) FindSavedViews(ctx context.Context) ([]*vocdesk.SavedView, error) {
	a, err := memberFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT id, member_id, name, query, created_at FROM saved_views WHERE member_id = $1 ORDER BY name`, a.MemberID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: saved views: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.SavedView
	for rows.Next() {
		var v vocdesk.SavedView
		var created int64
		if err := rows.Scan(&v.ID, &v.MemberID, &v.Name, &v.Query, &created); err != nil {
			return nil, fmt.Errorf("sqlstore: saved views: %w", err)
		}
		v.CreatedAt = fromMicros(created)
		list = append(list, &v)
	}
	return list, rows.Err()
}

// DeleteSavedView removes one of the signed-in member's views.
func (s *DeskService) DeleteSavedView(ctx context.Context, id int64) error {
	a, err := memberFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM saved_views WHERE id = $1 AND member_id = $2`, id, a.MemberID)
		if err != nil {
			return fmt.Errorf("sqlstore: delete saved view: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vocdesk.NotFound("saved view")
		}
		return nil
	})
}

// memberFrom returns the actor when it is a signed-in developer member:
// views belong to people, not to API keys.
func memberFrom(ctx context.Context) (*vocdesk.Actor, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsDeveloper() || a.MemberID == 0 {
		return nil, vocdesk.Errorf(vocdesk.EFORBIDDEN, "saved views belong to a signed-in member")
	}
	return a, nil
}
