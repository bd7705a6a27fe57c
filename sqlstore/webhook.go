package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
)

// EnqueueWebhook queues an event for the developer's server in the caller's
// transaction, so the event is sent if and only if the change it reports
// commits. The body ({"type","timestamp","data"}) is frozen now: retries and
// redeliveries send the same bytes under the same event id. A developer
// without an endpoint gets nothing. It is the one way for every part of
// vocdesk (refunds, the desk's inquiry.created and inquiry.replied) to
// notify a developer's server.
func (tx *Tx) EnqueueWebhook(ctx context.Context, developerID int64, eventType string, data any) error {
	_, err := tx.enqueueWebhook(ctx, developerID, eventType, data)
	return err
}

// enqueueWebhook is EnqueueWebhook answering the delivery's id: 0 when the
// developer has no endpoint.
func (tx *Tx) enqueueWebhook(ctx context.Context, developerID int64, eventType string, data any) (int64, error) {
	var one int
	err := tx.queryRow(ctx, `SELECT 1 FROM webhook_endpoints WHERE developer_id = $1`, developerID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("sqlstore: webhook endpoint: %w", err)
	}
	body, err := json.Marshal(struct {
		Type      string `json:"type"`
		Timestamp string `json:"timestamp"`
		Data      any    `json:"data"`
	}{eventType, tx.now.Format(time.RFC3339Nano), data})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: webhook body: %w", err)
	}
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO webhook_deliveries (event_id, developer_id, type, body, status, created_at)
		VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id`, newEventID(), developerID, eventType, string(body), micros(tx.now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: webhook delivery: %w", err)
	}
	return id, tx.enqueueDelivery(ctx, id, 0)
}

func (tx *Tx) enqueueDelivery(ctx context.Context, id int64, round int) error {
	return tx.enqueue(ctx, vocdesk.JobWebhookDeliver, deliveryJob{DeliveryID: id}, tx.now,
		"webhook:"+strconv.FormatInt(id, 10)+":"+strconv.Itoa(round))
}

// deliveryJob is the payload of a webhook.deliver job.
type deliveryJob struct {
	DeliveryID int64 `json:"delivery_id"`
}

func newEventID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "msg_" + hex.EncodeToString(b[:])
}

func microsDuration(us int64) time.Duration { return time.Duration(us) * time.Microsecond }
