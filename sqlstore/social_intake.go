package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// ReceivePost implements vocdesk.SocialService. A post continues the newest
// inquiry of the same connector and handle (compared as NormalHandle) that
// is not closed: a resolved one is reopened by it, as a customer's message
// reopens one; after closing, the handle's next post starts a new inquiry.
// Otherwise it opens a social inquiry about the connector's app, linked to
// the store customer whose email customer_email is (the email intake's
// rule), else kept under the handle. The webhook-id is recorded in the same
// transaction, so a retried or replayed delivery is stored once.
func (s *SocialService) ReceivePost(ctx context.Context, p *vocdesk.SocialPost, webhookID string) (*vocdesk.SocialIntake, error) {
	a, err := operatorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if webhookID == "" || len(webhookID) > 200 {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "webhook-id is required (at most 200 characters)")
	}
	handle := vocdesk.NormalHandle(p.Handle)
	out := &vocdesk.SocialIntake{}
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		c, err := tx.connectorWithSecret(ctx, p.ConnectorID)
		if err != nil {
			return err
		}
		if p.Network != "" && !strings.EqualFold(strings.TrimSpace(p.Network), c.Network) {
			return vocdesk.Errorf(vocdesk.EINVALID, "network %q is not the connector's (%s)", p.Network, c.Network)
		}
		err = tx.queryRow(ctx, `SELECT inquiry_id, message_id, continued FROM social_intake WHERE connector_id = $1 AND webhook_id = $2`,
			c.ID, webhookID).Scan(&out.InquiryID, &out.MessageID, &out.Continued)
		if err == nil {
			out.Duplicate = true
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: social intake: %w", err)
		}

		var open int64
		err = tx.queryRow(ctx, `SELECT t.inquiry_id FROM social_threads t JOIN inquiries i ON i.id = t.inquiry_id
			WHERE t.connector_id = $1 AND t.handle = $2 AND i.status <> 'closed' ORDER BY t.inquiry_id DESC LIMIT 1`, c.ID, handle).Scan(&open)
		switch {
		case err == nil:
			m := &vocdesk.Message{Body: p.Message, Author: vocdesk.AuthorCustomer}
			if err := tx.addMessage(ctx, a, open, m, nil); err != nil {
				return err
			}
			if p.ExternalID != "" {
				// Replies answer the handle's latest post.
				if _, err := tx.exec(ctx, `UPDATE social_threads SET external_id = $1 WHERE inquiry_id = $2`, p.ExternalID, open); err != nil {
					return fmt.Errorf("sqlstore: social thread: %w", err)
				}
			}
			out.InquiryID, out.MessageID, out.Continued = open, m.ID, true
		case errors.Is(err, sql.ErrNoRows):
			in, m, err := tx.openSocialInquiry(ctx, a, c, p, handle)
			if err != nil {
				return err
			}
			out.InquiryID, out.MessageID = in.ID, m.ID
		default:
			return fmt.Errorf("sqlstore: social thread: %w", err)
		}
		_, err = tx.exec(ctx, `INSERT INTO social_intake (connector_id, webhook_id, inquiry_id, message_id, continued, received_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, webhookID, out.InquiryID, out.MessageID, out.Continued, micros(tx.now))
		if err != nil {
			return fmt.Errorf("sqlstore: social intake: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// openSocialInquiry starts the inquiry of a handle's first post.
func (tx *Tx) openSocialInquiry(ctx context.Context, a *vocdesk.Actor, c *vocdesk.SocialConnector, p *vocdesk.SocialPost, handle string) (*vocdesk.Inquiry, *vocdesk.Message, error) {
	in := &vocdesk.Inquiry{Channel: vocdesk.ChannelSocial, Category: vocdesk.CategoryOther, AppSlug: c.AppSlug,
		CustomerName: "@" + handle, Subject: postSubject(p.Message)}
	if p.CustomerEmail != "" {
		var id int64
		err := tx.queryRow(ctx, `SELECT id FROM customers WHERE email_key = $1`, emailKey(p.CustomerEmail)).Scan(&id)
		switch {
		case err == nil:
			in.CustomerID = id
		case errors.Is(err, sql.ErrNoRows):
			in.ContactEmail = strings.TrimSpace(p.CustomerEmail)
		default:
			return nil, nil, fmt.Errorf("sqlstore: social customer: %w", err)
		}
	}
	if err := in.Validate(); err != nil {
		return nil, nil, err
	}
	m := &vocdesk.Message{Body: p.Message}
	if err := tx.createInquiry(ctx, a, in, m, nil); err != nil {
		return nil, nil, err
	}
	_, err := tx.exec(ctx, `INSERT INTO social_threads (inquiry_id, connector_id, handle, url, external_id) VALUES ($1, $2, $3, $4, $5)`,
		in.ID, c.ID, handle, p.URL, p.ExternalID)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: social thread: %w", err)
	}
	return in, m, nil
}

// postSubject is a social inquiry's subject: the post's first line, cut.
func postSubject(msg string) string {
	return (&vocdesk.Call{Summary: msg}).CallSubject()
}
