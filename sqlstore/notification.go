package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/desk"
)

// NotificationService implements vocdesk.NotificationService: a member's
// own notifications, which only that member reads.
type NotificationService struct{ db *DB }

// NewNotificationService returns the notification service over db.
func NewNotificationService(db *DB) vocdesk.NotificationService {
	return &NotificationService{db: db}
}

// excerptRunes bounds the start of a note kept with its notification.
const excerptRunes = 140

// mentionTeammates records the teammates an internal note names (@name)
// and notifies each, in the note's transaction: a note either mentions and
// notifies or does not exist. Only members of the inquiry's developer can
// be named, since the candidates are read from that developer alone; the
// author naming themself gets no notification. When the mentioned member
// has an email address, the mail job tells them too (it goes out when the
// desk has a relay, as every desk mail does).
func (tx *Tx) mentionTeammates(ctx context.Context, a *vocdesk.Actor, in *vocdesk.Inquiry, m *vocdesk.Message) error {
	rows, err := tx.query(ctx, `SELECT id, name, email FROM members WHERE developer_id = $1`, in.DeveloperID)
	if err != nil {
		return fmt.Errorf("sqlstore: mention: %w", err)
	}
	var team []desk.Teammate
	email := map[int64]string{}
	for rows.Next() {
		var t desk.Teammate
		var e string
		if err := rows.Scan(&t.ID, &t.Name, &e); err != nil {
			rows.Close()
			return fmt.Errorf("sqlstore: mention: %w", err)
		}
		team, email[t.ID] = append(team, t), e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: mention: %w", err)
	}
	excerpt := []rune(m.Body)
	if len(excerpt) > excerptRunes {
		excerpt = append(excerpt[:excerptRunes-1], '…')
	}
	for _, id := range desk.Mentions(m.Body, team) {
		if _, err := tx.exec(ctx, `INSERT INTO message_mentions (message_id, member_id) VALUES ($1, $2)`, m.ID, id); err != nil {
			return fmt.Errorf("sqlstore: mention: %w", err)
		}
		if id == a.MemberID {
			continue
		}
		if _, err := tx.exec(ctx, `INSERT INTO member_notifications (developer_id, member_id, kind, inquiry_id, message_id, by_name, excerpt, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			in.DeveloperID, id, string(vocdesk.NotifyMention), in.ID, m.ID, m.AuthorName, string(excerpt), micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: notify: %w", err)
		}
		if email[id] == "" {
			continue
		}
		// No inquiry on the mail: its Reply-To would thread a teammate's
		// answer into the customer's thread as the customer's message.
		mail := &vocdesk.Mail{
			To:       email[id],
			Subject:  fmt.Sprintf("[vocdesk] %s님이 회원님을 언급했습니다 / %s mentioned you: %s", m.AuthorName, m.AuthorName, in.Subject),
			Text:     fmt.Sprintf("%s:\n\n%s\n", m.AuthorName, string(excerpt)),
			Link:     fmt.Sprintf("/console/inquiries/%d#m%d", in.ID, m.ID),
			FromName: "vocdesk", Notice: true,
		}
		key := "mail.mention." + strconv.FormatInt(m.ID, 10) + "." + strconv.FormatInt(id, 10)
		if err := tx.enqueue(ctx, vocdesk.JobSendMail, mail, tx.now, key); err != nil {
			return err
		}
	}
	return nil
}

// notifiedMember is the signed-in member whose notifications these are.
func notifiedMember(ctx context.Context) (*vocdesk.Actor, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsDeveloper() {
		return nil, errNotFound
	}
	if a.MemberID == 0 {
		return nil, vocdesk.Errorf(vocdesk.EFORBIDDEN, "notifications belong to a signed-in member; API keys have none")
	}
	return a, nil
}

// FindNotifications implements vocdesk.NotificationService.
func (s *NotificationService) FindNotifications(ctx context.Context, f vocdesk.NotificationFilter) ([]*vocdesk.Notification, error) {
	a, err := notifiedMember(ctx)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := `SELECT n.id, n.kind, n.inquiry_id, n.message_id, i.subject, n.by_name, n.excerpt, n.created_at, n.read_at
		FROM member_notifications n JOIN inquiries i ON i.id = n.inquiry_id
		WHERE n.member_id = $1 AND n.developer_id = $2`
	if f.UnreadOnly {
		q += ` AND n.read_at IS NULL`
	}
	q += ` ORDER BY n.id DESC LIMIT $3`
	tx, err := s.db.beginReadOne(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, q, a.MemberID, a.DeveloperID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: notifications: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.Notification
	for rows.Next() {
		var n vocdesk.Notification
		var kind string
		var created int64
		var read sql.NullInt64
		if err := rows.Scan(&n.ID, &kind, &n.InquiryID, &n.MessageID, &n.Subject, &n.ByName, &n.Excerpt, &created, &read); err != nil {
			return nil, fmt.Errorf("sqlstore: notifications: %w", err)
		}
		n.Kind, n.CreatedAt = vocdesk.NotificationKind(kind), fromMicros(created)
		if read.Valid {
			t := fromMicros(read.Int64)
			n.ReadAt = &t
		}
		list = append(list, &n)
	}
	return list, rows.Err()
}

// CountUnread implements vocdesk.NotificationService: the bell's number,
// read on every console page, from the member's index.
func (s *NotificationService) CountUnread(ctx context.Context) (int, error) {
	a, err := notifiedMember(ctx)
	if err != nil {
		return 0, err
	}
	tx, err := s.db.beginReadOne(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var n int
	err = tx.queryRow(ctx, `SELECT COUNT(*) FROM member_notifications WHERE member_id = $1 AND developer_id = $2 AND read_at IS NULL`,
		a.MemberID, a.DeveloperID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: unread notifications: %w", err)
	}
	return n, nil
}

// MarkRead implements vocdesk.NotificationService.
func (s *NotificationService) MarkRead(ctx context.Context, id int64) error {
	a, err := notifiedMember(ctx)
	if err != nil {
		// An API key has no notifications, so one named by id is not
		// found, as any id that is not the caller's.
		if id > 0 && vocdesk.ErrorCode(err) == vocdesk.EFORBIDDEN {
			return vocdesk.NotFound("notification")
		}
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		if id == 0 {
			_, err := tx.exec(ctx, `UPDATE member_notifications SET read_at = $3 WHERE member_id = $1 AND developer_id = $2 AND read_at IS NULL`,
				a.MemberID, a.DeveloperID, micros(tx.now))
			if err != nil {
				return fmt.Errorf("sqlstore: mark read: %w", err)
			}
			return nil
		}
		res, err := tx.exec(ctx, `UPDATE member_notifications SET read_at = COALESCE(read_at, $4) WHERE id = $1 AND member_id = $2 AND developer_id = $3`,
			id, a.MemberID, a.DeveloperID, micros(tx.now))
		if err != nil {
			return fmt.Errorf("sqlstore: mark read: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return vocdesk.NotFound("notification")
		}
		return nil
	})
}
