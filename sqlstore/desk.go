package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/desk"
)

// DeskService implements vocdesk.DeskService: the desk's settings and the
// store's oversight of developers.
type DeskService struct{ db *DB }

// NewDeskService returns the desk's settings on db.
func NewDeskService(db *DB) vocdesk.DeskService { return &DeskService{db: db} }

// CreateCannedReply adds a canned reply to the actor's developer (admins).
func (s *DeskService) CreateCannedReply(ctx context.Context, c *vocdesk.CannedReply) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	if err := validCanned(c); err != nil {
		return err
	}
	if !a.IsDeveloper() {
		return errNotFound // canned replies belong to a developer's console
	}
	if err := canManage(a, a.DeveloperID, vocdesk.RoleAdmin); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		c.Name = strings.TrimSpace(c.Name)
		err := tx.queryRow(ctx, `INSERT INTO canned_replies (developer_id, name, locale, body, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, a.DeveloperID, c.Name, c.Locale, c.Body, micros(tx.now)).Scan(&c.ID)
		if err != nil {
			return conflictOr(err, "create canned reply", "a canned reply named %q already exists in %s", c.Name, c.Locale)
		}
		c.DeveloperID, c.CreatedAt, c.UpdatedAt = a.DeveloperID, tx.now, tx.now
		return tx.audit(ctx, a, change{action: "canned_reply.created", entity: "canned_reply", entityID: c.ID, developerID: a.DeveloperID, after: c})
	})
}

// UpdateCannedReply changes a canned reply's name, locale and body (admins).
func (s *DeskService) UpdateCannedReply(ctx context.Context, c *vocdesk.CannedReply) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	if err := validCanned(c); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		before, err := tx.cannedReply(ctx, a, c.ID)
		if err != nil {
			return err
		}
		if err := canManage(a, before.DeveloperID, vocdesk.RoleAdmin); err != nil {
			return err
		}
		c.Name = strings.TrimSpace(c.Name)
		if _, err := tx.exec(ctx, `UPDATE canned_replies SET name = $2, locale = $3, body = $4, updated_at = $5 WHERE id = $1`,
			c.ID, c.Name, c.Locale, c.Body, micros(tx.now)); err != nil {
			return conflictOr(err, "update canned reply", "a canned reply named %q already exists in %s", c.Name, c.Locale)
		}
		c.DeveloperID, c.CreatedAt, c.UpdatedAt = before.DeveloperID, before.CreatedAt, tx.now
		return tx.audit(ctx, a, change{action: "canned_reply.updated", entity: "canned_reply", entityID: c.ID, developerID: c.DeveloperID, before: before, after: c})
	})
}

// DeleteCannedReply removes a canned reply (admins).
func (s *DeskService) DeleteCannedReply(ctx context.Context, id int64) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		before, err := tx.cannedReply(ctx, a, id)
		if err != nil {
			return err
		}
		if err := canManage(a, before.DeveloperID, vocdesk.RoleAdmin); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM canned_replies WHERE id = $1`, id); err != nil {
			return fmt.Errorf("sqlstore: delete canned reply: %w", err)
		}
		return tx.audit(ctx, a, change{action: "canned_reply.deleted", entity: "canned_reply", entityID: id, developerID: before.DeveloperID, before: before})
	})
}

// validCanned checks a canned reply before it is stored: its fields, and
// that every placeholder is one desk.Render fills, so that a misspelt one is
// refused now rather than sent to a customer as written.
func validCanned(c *vocdesk.CannedReply) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return desk.CheckPlaceholders(c.Body)
}

const cannedSelect = `SELECT r.id, r.developer_id, r.name, r.locale, r.body, r.created_at, r.updated_at FROM canned_replies r`

func scanCanned(r scanner) (*vocdesk.CannedReply, error) {
	var c vocdesk.CannedReply
	var created, updated int64
	if err := r.Scan(&c.ID, &c.DeveloperID, &c.Name, &c.Locale, &c.Body, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &c, nil
}

// cannedReply reads one canned reply of the actor's developer.
func (tx *Tx) cannedReply(ctx context.Context, a *vocdesk.Actor, id int64) (*vocdesk.CannedReply, error) {
	var c conds
	c.add("r.id = ?", id)
	scopeOwned(&c, a, "r.developer_id")
	r, err := scanCanned(tx.queryRow(ctx, cannedSelect+c.where(), c.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("canned reply")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: canned reply: %w", err)
	}
	return r, nil
}

// FindCannedReplies lists the actor's developer's canned replies.
func (s *DeskService) FindCannedReplies(ctx context.Context, locale string) ([]*vocdesk.CannedReply, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var c conds
	c.add("r.developer_id = ?", a.DeveloperID)
	if locale != "" {
		c.add("r.locale = ?", locale)
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, cannedSelect+c.where()+` ORDER BY r.name, r.locale`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: canned replies: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.CannedReply
	for rows.Next() {
		r, err := scanCanned(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: canned replies: %w", err)
		}
		list = append(list, r)
	}
	return list, rows.Err()
}

// FindTags lists the tags on the actor's developer's inquiries, most used
// first.
func (s *DeskService) FindTags(ctx context.Context) ([]*vocdesk.TagCount, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT tag, COUNT(*) FROM inquiry_tags WHERE developer_id = $1 GROUP BY tag ORDER BY COUNT(*) DESC, tag LIMIT 500`, a.DeveloperID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: tags: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.TagCount
	for rows.Next() {
		var t vocdesk.TagCount
		if err := rows.Scan(&t.Tag, &t.Count); err != nil {
			return nil, fmt.Errorf("sqlstore: tags: %w", err)
		}
		list = append(list, &t)
	}
	return list, rows.Err()
}
