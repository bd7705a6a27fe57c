package sqlstore

import (
	"context"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// maxThreadRefs caps the References of the desk's mail: the customer's
// latest Message-IDs of the thread are enough for any mail client.
const maxThreadRefs = 20

// threadMail completes mail about an inquiry in the transaction that
// enqueues it: References name the customer's mail in the thread (oldest
// first, the one answered last), and an answer's delivery starts as queued.
func (tx *Tx) threadMail(ctx context.Context, m *vocdesk.Mail) error {
	if m.InquiryID == 0 {
		return nil
	}
	rows, err := tx.query(ctx, `SELECT message_id FROM mail_messages WHERE inquiry_id = $1 AND message_id <> ''
		AND outcome IN ('inquiry', 'reply') ORDER BY id DESC LIMIT $2`, m.InquiryID, maxThreadRefs)
	if err != nil {
		return fmt.Errorf("sqlstore: thread references: %w", err)
	}
	defer rows.Close()
	var refs []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("sqlstore: thread references: %w", err)
		}
		refs = append(refs, id)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: thread references: %w", err)
	}
	for i, j := 0, len(refs)-1; i < j; i, j = i+1, j-1 {
		refs[i], refs[j] = refs[j], refs[i]
	}
	m.References = refs
	if m.MessageRef == 0 {
		return nil
	}
	_, err = tx.exec(ctx, `INSERT INTO mail_deliveries (message_ref, inquiry_id, to_addr, state, updated_at)
		VALUES ($1, $2, $3, 'queued', $4)`, m.MessageRef, m.InquiryID, clip(m.To, 320), micros(tx.now))
	if err != nil {
		return fmt.Errorf("sqlstore: queue mail delivery: %w", err)
	}
	return nil
}

// RecordDelivery notes an attempt's outcome. A late report of an older
// attempt (a worker whose lease ran out) does not undo a newer one.
func (s *MailService) RecordDelivery(ctx context.Context, d *vocdesk.MailDelivery) error {
	if _, err := operatorFrom(ctx); err != nil {
		return err
	}
	return s.db.writeGrouped(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE mail_deliveries SET state = $1, attempts = $2, last_error = $3, message_id = $4, updated_at = $5
			WHERE message_ref = $6 AND attempts <= $2 AND state <> 'sent'`,
			string(d.State), d.Attempts, clip(d.LastError, 1000), clip(d.MessageID, 500), micros(tx.now), d.MessageRef)
		if err != nil {
			return fmt.Errorf("sqlstore: record mail delivery: %w", err)
		}
		return nil
	})
}

// FindDeliveries returns the deliveries of an inquiry's messages to the
// desk's side: developers (their own inquiries) and operators.
func (s *MailService) FindDeliveries(ctx context.Context, inquiryID int64) (map[int64]*vocdesk.MailDelivery, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]*vocdesk.MailDelivery{}
	if a.IsCustomer() {
		return out, nil
	}
	var c conds
	c.add(idIs("d.inquiry_id"), inquiryID)
	scopeOwned(&c, a, "i.developer_id")
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT d.message_ref, d.inquiry_id, d.to_addr, d.state, d.attempts, d.last_error, d.message_id, d.updated_at,
		i.withhold_ids FROM mail_deliveries d JOIN inquiries i ON i.id = d.inquiry_id`+c.where(), c.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: mail deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d vocdesk.MailDelivery
		var state string
		var at int64
		var withheld bool
		if err := rows.Scan(&d.MessageRef, &d.InquiryID, &d.To, &state, &d.Attempts, &d.LastError, &d.MessageID, &at, &withheld); err != nil {
			return nil, fmt.Errorf("sqlstore: mail deliveries: %w", err)
		}
		d.State, d.UpdatedAt = vocdesk.MailState(state), fromMicros(at)
		switch {
		case withheld && a.IsDeveloper():
			d.To = "" // the caller's address, like their contacts (maskInquiry)
		case masksContacts(a):
			d.To = vocdesk.MaskEmail(d.To)
		}
		out[d.MessageRef] = &d
	}
	return out, rows.Err()
}
