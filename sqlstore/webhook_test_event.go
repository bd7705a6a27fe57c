package sqlstore

import (
	"context"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// SendTestEvent implements vocdesk.WebhookService. The event goes the way
// every event goes (a delivery row and its job, in one transaction), so a
// test that passes proves the real path: the endpoint, its address rules,
// the signature and the receiver's check of it.
func (s *WebhookService) SendTestEvent(ctx context.Context) (*vocdesk.WebhookDelivery, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsDeveloper() {
		return nil, errNotFound // operators have no endpoint of their own
	}
	if err := canManage(a, a.DeveloperID, vocdesk.RoleAgent); err != nil {
		return nil, err
	}
	var d *vocdesk.WebhookDelivery
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		var slug string
		if err := tx.queryRow(ctx, `SELECT slug FROM developers WHERE id = $1`, a.DeveloperID).Scan(&slug); err != nil {
			return fmt.Errorf("sqlstore: webhook test: %w", err)
		}
		id, err := tx.enqueueWebhook(ctx, a.DeveloperID, vocdesk.EventWebhookTest, map[string]string{
			"developer": slug,
			"message":   "A test event from vocdesk, sent by " + a.Name + ". Answer 2xx to acknowledge it.",
		})
		if err != nil {
			return err
		}
		if id == 0 {
			return vocdesk.Errorf(vocdesk.EUNPROCESSABLE, "set a webhook endpoint first")
		}
		if d, err = scanDelivery(tx.queryRow(ctx, deliverySelect+` WHERE w.id = $1`, id)); err != nil {
			return fmt.Errorf("sqlstore: webhook test: %w", err)
		}
		return tx.audit(ctx, a, change{action: "webhook.test_sent", entity: "webhook_delivery", entityID: id, developerID: a.DeveloperID})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
