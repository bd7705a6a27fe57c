package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// WebhookService implements vocdesk.WebhookService.
type WebhookService struct{ db *DB }

// NewWebhookService returns the webhook service on db.
func NewWebhookService(db *DB) *WebhookService { return &WebhookService{db: db} }

var _ vocdesk.WebhookService = (*WebhookService)(nil)

// newSecret is a Standard Webhooks secret: "whsec_" and 32 random bytes in
// base64.
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return "whsec_" + base64.StdEncoding.EncodeToString(b[:])
}

// SetWebhook implements vocdesk.WebhookService.
func (s *WebhookService) SetWebhook(ctx context.Context, rawURL string, rotate bool) (*vocdesk.WebhookEndpoint, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := canManage(a, a.DeveloperID, vocdesk.RoleAdmin); err != nil {
		return nil, err
	}
	rawURL = strings.TrimSpace(rawURL)
	if err := vocdesk.ValidateWebhookURL(rawURL); err != nil {
		return nil, err
	}
	ep := &vocdesk.WebhookEndpoint{DeveloperID: a.DeveloperID, URL: rawURL}
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		var oldURL, oldSecret string
		var created int64
		err := tx.queryRow(ctx, `SELECT url, secret, created_at FROM webhook_endpoints WHERE developer_id = $1`+tx.forUpdate(""), a.DeveloperID).
			Scan(&oldURL, &oldSecret, &created)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			ep.Secret, ep.CreatedAt = newSecret(), tx.now
		case err != nil:
			return fmt.Errorf("sqlstore: webhook endpoint: %w", err)
		default:
			ep.Secret, ep.CreatedAt = oldSecret, fromMicros(created)
			if rotate {
				ep.Secret = newSecret()
			}
		}
		ep.UpdatedAt = tx.now
		if _, err := tx.exec(ctx, `INSERT INTO webhook_endpoints (developer_id, url, secret, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (developer_id) DO UPDATE SET url = excluded.url, secret = excluded.secret,
			updated_at = excluded.updated_at`, a.DeveloperID, ep.URL, ep.Secret, micros(ep.CreatedAt), micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: set webhook: %w", err)
		}
		// The secret itself never enters the audit trail.
		return tx.audit(ctx, a, change{action: "webhook.updated", entity: "webhook_endpoint", entityID: a.DeveloperID,
			developerID: a.DeveloperID, before: map[string]any{"url": oldURL}, after: map[string]any{"url": ep.URL, "secret_rotated": rotate || oldSecret == ""}})
	})
	if err != nil {
		return nil, err
	}
	return ep, nil
}

// Webhook implements vocdesk.WebhookService. It reads the endpoint of the
// actor's own developer, as SetWebhook writes it; the secret is left out, so
// that a page which only shows the endpoint cannot leak it.
func (s *WebhookService) Webhook(ctx context.Context) (*vocdesk.WebhookEndpoint, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	ep := &vocdesk.WebhookEndpoint{DeveloperID: a.DeveloperID}
	var created, updated int64
	err = tx.queryRow(ctx, `SELECT url, created_at, updated_at FROM webhook_endpoints WHERE developer_id = $1`, a.DeveloperID).
		Scan(&ep.URL, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("webhook endpoint")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: webhook endpoint: %w", err)
	}
	ep.CreatedAt, ep.UpdatedAt = fromMicros(created), fromMicros(updated)
	return ep, nil
}

const deliverySelect = `SELECT w.id, w.event_id, w.developer_id, w.type, w.body, w.status, w.attempts, w.last_status_code,
	w.last_error, w.last_reason, w.last_args, w.created_at, w.delivered_at FROM webhook_deliveries w JOIN developers dv ON dv.id = w.developer_id`

func scanDelivery(s scanner) (*vocdesk.WebhookDelivery, error) {
	var d vocdesk.WebhookDelivery
	var body, args string
	var created int64
	var delivered sql.NullInt64
	if err := s.Scan(&d.ID, &d.EventID, &d.DeveloperID, &d.Type, &body, &d.Status, &d.Attempts, &d.LastStatusCode,
		&d.LastError, &d.LastReason, &args, &created, &delivered); err != nil {
		return nil, err
	}
	d.LastArgs = keptArgs(args)
	d.Body, d.CreatedAt, d.DeliveredAt = []byte(body), fromMicros(created), nullMicros(delivered)
	return &d, nil
}

// FindWebhookDeliveries implements vocdesk.WebhookService: newest first,
// keyset-paged on id, each with its last attempts.
func (s *WebhookService) FindWebhookDeliveries(ctx context.Context, f vocdesk.WebhookDeliveryFilter) ([]*vocdesk.WebhookDelivery, string, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	var c conds
	scopeDevelopers(&c, a, "dv")
	if f.Status != "" {
		if f.Status != vocdesk.DeliveryPending && f.Status != vocdesk.DeliveryDelivered && f.Status != vocdesk.DeliveryFailed {
			return nil, "", vocdesk.Errorf(vocdesk.EINVALID, "status must be one of pending, delivered, failed")
		}
		c.add("w.status = ?", f.Status)
	}
	if f.Cursor != "" {
		_, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		c.add("w.id < ?", id)
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, deliverySelect+c.where()+` ORDER BY w.id DESC LIMIT `+c.next(limit+1), c.args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: webhook deliveries: %w", err)
	}
	var list []*vocdesk.WebhookDelivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			rows.Close()
			return nil, "", fmt.Errorf("sqlstore: webhook deliveries: %w", err)
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlstore: webhook deliveries: %w", err)
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		next = encodeCursor(0, list[limit-1].ID)
	}
	for _, d := range list {
		if d.Log, err = tx.deliveryLog(ctx, d.ID); err != nil {
			return nil, "", err
		}
	}
	return list, next, nil
}

// maxLogShown bounds the attempts listed with a delivery.
const maxLogShown = 10

func (tx *Tx) deliveryLog(ctx context.Context, id int64) ([]vocdesk.WebhookAttempt, error) {
	rows, err := tx.query(ctx, `SELECT at, status_code, error, reason, args, duration_us FROM webhook_attempts
		WHERE delivery_id = $1 ORDER BY id DESC LIMIT $2`, id, maxLogShown)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: webhook attempts: %w", err)
	}
	defer rows.Close()
	log := []vocdesk.WebhookAttempt{}
	for rows.Next() {
		var at, us int64
		var args string
		var w vocdesk.WebhookAttempt
		if err := rows.Scan(&at, &w.StatusCode, &w.Error, &w.Reason, &args, &us); err != nil {
			return nil, fmt.Errorf("sqlstore: webhook attempts: %w", err)
		}
		w.Args = keptArgs(args)
		w.At, w.Duration = fromMicros(at), microsDuration(us)
		log = append(log, w)
	}
	return log, rows.Err()
}

// Redeliver implements vocdesk.WebhookService: the same event (same id and
// body) is sent again by a new job.
func (s *WebhookService) Redeliver(ctx context.Context, id int64) (*vocdesk.WebhookDelivery, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var d *vocdesk.WebhookDelivery
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		var c conds
		c.add("w.id = ?", id)
		scopeDevelopers(&c, a, "dv")
		d, err = scanDelivery(tx.queryRow(ctx, deliverySelect+c.where(), c.args...))
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.NotFound("webhook delivery")
		} else if err != nil {
			return fmt.Errorf("sqlstore: webhook delivery: %w", err)
		}
		if err := canManage(a, d.DeveloperID, vocdesk.RoleAgent); err != nil {
			return err
		}
		var round int
		if err := tx.queryRow(ctx, `UPDATE webhook_deliveries SET status = 'pending', redeliveries = redeliveries + 1
			WHERE id = $1 RETURNING redeliveries`, id).Scan(&round); err != nil {
			return fmt.Errorf("sqlstore: redeliver: %w", err)
		}
		d.Status = vocdesk.DeliveryPending
		if err := tx.enqueueDelivery(ctx, id, round); err != nil {
			return err
		}
		if d.Log, err = tx.deliveryLog(ctx, id); err != nil {
			return err
		}
		return tx.audit(ctx, a, change{action: "webhook.redelivered", entity: "webhook_delivery", entityID: id, developerID: d.DeveloperID})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// DeliveryForSending implements vocdesk.WebhookService. The system only.
func (s *WebhookService) DeliveryForSending(ctx context.Context, id int64) (*vocdesk.WebhookDelivery, *vocdesk.WebhookEndpoint, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	d, err := scanDelivery(tx.queryRow(ctx, deliverySelect+` WHERE w.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: webhook delivery: %w", err)
	}
	ep := &vocdesk.WebhookEndpoint{DeveloperID: d.DeveloperID}
	err = tx.queryRow(ctx, `SELECT url, secret FROM webhook_endpoints WHERE developer_id = $1`, d.DeveloperID).Scan(&ep.URL, &ep.Secret)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil, nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: webhook endpoint: %w", err)
	}
	return d, ep, nil
}

// RecordAttempt implements vocdesk.WebhookService. The system only.
func (s *WebhookService) RecordAttempt(ctx context.Context, id int64, w vocdesk.WebhookAttempt, delivered, final bool) error {
	if _, err := operatorFrom(ctx); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		args := reasonArgs(w.Args)
		if _, err := tx.exec(ctx, `INSERT INTO webhook_attempts (delivery_id, at, status_code, error, reason, args, duration_us)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id, micros(w.At), w.StatusCode, truncate(w.Error, 500), w.Reason, args, w.Duration.Microseconds()); err != nil {
			return fmt.Errorf("sqlstore: webhook attempt: %w", err)
		}
		status := vocdesk.DeliveryPending
		var deliveredAt any
		switch {
		case delivered:
			status, deliveredAt = vocdesk.DeliveryDelivered, micros(tx.now)
		case final:
			status = vocdesk.DeliveryFailed
		}
		// A delivery once delivered stays so: a late failure of a
		// redundant attempt must not undo it.
		_, err := tx.exec(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = $2, last_error = $3,
			last_reason = $6, last_args = $7,
			status = CASE WHEN status = 'delivered' THEN status ELSE $4 END, delivered_at = COALESCE(delivered_at, $5) WHERE id = $1`,
			id, w.StatusCode, truncate(w.Error, 500), status, deliveredAt, w.Reason, args)
		if err != nil {
			return fmt.Errorf("sqlstore: webhook attempt: %w", err)
		}
		return nil
	})
}
