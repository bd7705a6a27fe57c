package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// SocialService implements vocdesk.SocialService (migration 00105): the
// developer's connectors here, the intake in social_intake.go, the replies'
// delivery in social_reply.go.
type SocialService struct{ db *DB }

// NewSocialService returns the social networks' service on db.
func NewSocialService(db *DB) *SocialService { return &SocialService{db: db} }

var _ vocdesk.SocialService = (*SocialService)(nil)

const connectorSelect = `SELECT s.id, s.developer_id, s.network, s.name, a.slug, a.name, s.reply_url, s.created_at
	FROM social_connectors s JOIN apps a ON a.id = s.app_id`

func scanConnector(r scanner) (*vocdesk.SocialConnector, error) {
	var c vocdesk.SocialConnector
	var created int64
	if err := r.Scan(&c.ID, &c.DeveloperID, &c.Network, &c.Name, &c.AppSlug, &c.AppName, &c.ReplyURL, &created); err != nil {
		return nil, err
	}
	c.CreatedAt = fromMicros(created)
	return &c, nil
}

// CreateConnector implements vocdesk.SocialService. The app must be one of
// the developer's own; another's answers like a missing one.
func (s *SocialService) CreateConnector(ctx context.Context, c *vocdesk.SocialConnector) error {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return err
	}
	if err := canManage(a, a.DeveloperID, vocdesk.RoleAdmin); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		var appID int64
		var ac conds
		ac.add("a.slug = ?", strings.TrimSpace(c.AppSlug))
		scopeApps(&ac, a, "a")
		err := tx.queryRow(ctx, `SELECT a.id FROM apps a`+ac.where(), ac.args...).Scan(&appID)
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.NotFound("app")
		} else if err != nil {
			return fmt.Errorf("sqlstore: connector app: %w", err)
		}
		c.DeveloperID, c.Secret, c.CreatedAt = a.DeveloperID, newSecret(), tx.now
		err = tx.queryRow(ctx, `INSERT INTO social_connectors (developer_id, app_id, network, name, reply_url, secret, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			c.DeveloperID, appID, c.Network, c.Name, c.ReplyURL, c.Secret, micros(tx.now)).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("sqlstore: create connector: %w", err)
		}
		// The secret never enters the audit trail.
		return tx.audit(ctx, a, change{action: "social.connector_created", entity: "social_connector", entityID: c.ID,
			developerID: c.DeveloperID, after: map[string]any{"network": c.Network, "name": c.Name, "app": c.AppSlug, "reply_url": c.ReplyURL}})
	})
}

// FindConnectors implements vocdesk.SocialService.
func (s *SocialService) FindConnectors(ctx context.Context) ([]*vocdesk.SocialConnector, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, connectorSelect+` WHERE s.developer_id = $1 AND s.deleted_at IS NULL ORDER BY s.id`, a.DeveloperID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: connectors: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.SocialConnector
	for rows.Next() {
		c, err := scanConnector(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: connectors: %w", err)
		}
		list = append(list, c)
	}
	return list, rows.Err()
}

// SetReplyURL implements vocdesk.SocialService.
func (s *SocialService) SetReplyURL(ctx context.Context, id int64, replyURL string) (*vocdesk.SocialConnector, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	replyURL = strings.TrimSpace(replyURL)
	if replyURL != "" {
		if err := vocdesk.ValidateWebhookURL(replyURL); err != nil {
			return nil, vocdesk.Errorf(vocdesk.EINVALID, "reply_url must be an absolute http or https URL")
		}
	}
	var c *vocdesk.SocialConnector
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		if c, err = tx.ownConnector(ctx, a, id); err != nil {
			return err
		}
		if err := canManage(a, c.DeveloperID, vocdesk.RoleAdmin); err != nil {
			return err
		}
		before := c.ReplyURL
		if _, err := tx.exec(ctx, `UPDATE social_connectors SET reply_url = $1 WHERE id = $2`, replyURL, id); err != nil {
			return fmt.Errorf("sqlstore: connector reply url: %w", err)
		}
		c.ReplyURL = replyURL
		return tx.audit(ctx, a, change{action: "social.connector_updated", entity: "social_connector", entityID: id,
			developerID: c.DeveloperID, before: map[string]any{"reply_url": before}, after: map[string]any{"reply_url": replyURL}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteConnector implements vocdesk.SocialService: the connector stops
// taking posts and delivering replies; its inquiries stay in the desk.
func (s *SocialService) DeleteConnector(ctx context.Context, id int64) error {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		c, err := tx.ownConnector(ctx, a, id)
		if err != nil {
			return err
		}
		if err := canManage(a, c.DeveloperID, vocdesk.RoleAdmin); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE social_connectors SET deleted_at = $1 WHERE id = $2`, micros(tx.now), id); err != nil {
			return fmt.Errorf("sqlstore: delete connector: %w", err)
		}
		return tx.audit(ctx, a, change{action: "social.connector_deleted", entity: "social_connector", entityID: id, developerID: c.DeveloperID})
	})
}

// ownConnector reads a live connector of the actor's developer; another
// developer's is not found, like a missing one.
func (tx *Tx) ownConnector(ctx context.Context, a *vocdesk.Actor, id int64) (*vocdesk.SocialConnector, error) {
	c, err := scanConnector(tx.queryRow(ctx, connectorSelect+` WHERE s.id = $1 AND s.developer_id = $2 AND s.deleted_at IS NULL`, id, a.DeveloperID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("connector")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: connector: %w", err)
	}
	return c, nil
}

// ConnectorForIntake implements vocdesk.SocialService. The system only.
func (s *SocialService) ConnectorForIntake(ctx context.Context, id int64) (*vocdesk.SocialConnector, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return tx.connectorWithSecret(ctx, id)
}

func (tx *Tx) connectorWithSecret(ctx context.Context, id int64) (*vocdesk.SocialConnector, error) {
	var c vocdesk.SocialConnector
	var created int64
	err := tx.queryRow(ctx, `SELECT s.id, s.developer_id, s.network, s.name, a.slug, s.reply_url, s.secret, s.created_at
		FROM social_connectors s JOIN apps a ON a.id = s.app_id WHERE s.id = $1 AND s.deleted_at IS NULL`, id).
		Scan(&c.ID, &c.DeveloperID, &c.Network, &c.Name, &c.AppSlug, &c.ReplyURL, &c.Secret, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("connector")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: connector: %w", err)
	}
	c.CreatedAt = fromMicros(created)
	return &c, nil
}
