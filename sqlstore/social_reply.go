package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
)

// socialReplyData is the data of a social.reply delivery: what the
// connector needs to post the answer under the customer's post.
type socialReplyData struct {
	Connector  int64  `json:"connector"`
	Network    string `json:"network"`
	Handle     string `json:"handle"`
	InReplyTo  string `json:"in_reply_to,omitempty"` // the handle's latest post (external_id)
	URL        string `json:"url,omitempty"`
	InquiryID  int64  `json:"inquiry_id"`
	MessageID  int64  `json:"message_id"`
	Body       string `json:"body"`
	AuthorName string `json:"author_name"`
	At         string `json:"created_at"`
}

// socialReply queues the answer m on a social inquiry for its connector,
// in the caller's transaction. It reports false when the inquiry has no
// live connector with a reply URL: the answer then goes out as other
// channels' do (by mail when there is an address).
func (tx *Tx) socialReply(ctx context.Context, in *vocdesk.Inquiry, m *vocdesk.Message) (bool, error) {
	var d socialReplyData
	var replyURL string
	err := tx.queryRow(ctx, `SELECT t.connector_id, c.network, t.handle, t.external_id, t.url, c.reply_url
		FROM social_threads t JOIN social_connectors c ON c.id = t.connector_id
		WHERE t.inquiry_id = $1 AND c.deleted_at IS NULL`, in.ID).Scan(&d.Connector, &d.Network, &d.Handle, &d.InReplyTo, &d.URL, &replyURL)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && replyURL == "") {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("sqlstore: social reply: %w", err)
	}
	d.InquiryID, d.MessageID, d.Body, d.AuthorName, d.At = in.ID, m.ID, m.Body, m.AuthorName, m.CreatedAt.Format(time.RFC3339)
	body, err := json.Marshal(struct {
		Type      string          `json:"type"`
		Timestamp string          `json:"timestamp"`
		Data      socialReplyData `json:"data"`
	}{"social.reply", tx.now.Format(time.RFC3339Nano), d})
	if err != nil {
		return false, fmt.Errorf("sqlstore: social reply: %w", err)
	}
	_, err = tx.exec(ctx, `INSERT INTO social_replies (message_ref, inquiry_id, connector_id, event_id, body, state, updated_at)
		VALUES ($1, $2, $3, $4, $5, 'queued', $6)`, m.ID, in.ID, d.Connector, newEventID(), string(body), micros(tx.now))
	if err != nil {
		return false, fmt.Errorf("sqlstore: social reply: %w", err)
	}
	return true, tx.enqueue(ctx, vocdesk.JobSocialReply, socialReplyJob{MessageRef: m.ID}, tx.now,
		"social:"+strconv.FormatInt(m.ID, 10))
}

// socialReplyJob is the payload of a social.reply job.
type socialReplyJob struct {
	MessageRef int64 `json:"message_ref"`
}

// ReplyForSending implements vocdesk.SocialService. The URL and secret are
// read now, not when the reply was queued: a connector's new reply URL
// takes the replies still on their way.
func (s *SocialService) ReplyForSending(ctx context.Context, messageRef int64) (*vocdesk.SocialReply, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var r vocdesk.SocialReply
	var body string
	err = tx.queryRow(ctx, `SELECT r.event_id, r.body, c.reply_url, c.secret FROM social_replies r
		JOIN social_connectors c ON c.id = r.connector_id WHERE r.message_ref = $1 AND c.deleted_at IS NULL`, messageRef).
		Scan(&r.EventID, &body, &r.URL, &r.Secret)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && r.URL == "") {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: social reply: %w", err)
	}
	r.Body = []byte(body)
	return &r, nil
}

// RecordReply implements vocdesk.SocialService. A reply once delivered
// stays so: a late failure of an older attempt does not undo it.
func (s *SocialService) RecordReply(ctx context.Context, messageRef int64, a vocdesk.SocialAttempt, delivered, final bool) error {
	if _, err := operatorFrom(ctx); err != nil {
		return err
	}
	state := vocdesk.SocialRetrying
	switch {
	case delivered:
		state = vocdesk.SocialDelivered
	case final:
		state = vocdesk.SocialFailed
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE social_replies SET attempts = attempts + 1, last_status = $1, last_error = $2,
			last_reason = $6, last_args = $7,
			state = CASE WHEN state = 'delivered' THEN state ELSE $3 END, updated_at = $4 WHERE message_ref = $5`,
			a.Status, clip(a.Error, 500), state, micros(tx.now), messageRef, a.Reason, reasonArgs(a.Args))
		if err != nil {
			return fmt.Errorf("sqlstore: record social reply: %w", err)
		}
		return nil
	})
}

// FindReplyDeliveries implements vocdesk.SocialService.
func (s *SocialService) FindReplyDeliveries(ctx context.Context, inquiryID int64) (map[int64]*vocdesk.SocialDelivery, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]*vocdesk.SocialDelivery{}
	if a.IsCustomer() {
		return out, nil
	}
	var c conds
	c.add(idIs("r.inquiry_id"), inquiryID)
	scopeOwned(&c, a, "i.developer_id")
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT r.message_ref, r.inquiry_id, r.state, r.attempts, r.last_status, r.last_error, r.last_reason, r.last_args, r.updated_at
		FROM social_replies r JOIN inquiries i ON i.id = r.inquiry_id`+c.where(), c.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: social replies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d vocdesk.SocialDelivery
		var at int64
		var args string
		if err := rows.Scan(&d.MessageRef, &d.InquiryID, &d.State, &d.Attempts, &d.LastStatus, &d.LastError, &d.LastReason, &args, &at); err != nil {
			return nil, fmt.Errorf("sqlstore: social replies: %w", err)
		}
		d.LastArgs = keptArgs(args)
		d.UpdatedAt = fromMicros(at)
		out[d.MessageRef] = &d
	}
	return out, rows.Err()
}
