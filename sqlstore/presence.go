package sqlstore

import (
	"context"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// PresenceService implements vocdesk.PresenceService on the
// inquiry_presence table (migration 128), which every server process
// shares: that is what makes presence right with several processes on one
// PostgreSQL database, where memory in one process would see only the
// agents whose pages that process happens to serve.
type PresenceService struct{ db *DB }

// NewPresenceService returns the presence service over db.
func NewPresenceService(db *DB) vocdesk.PresenceService { return &PresenceService{db: db} }

// presenceMember is the signed-in member; presence belongs to people, so
// API keys (no member) have none, and other realms find nothing.
func presenceMember(ctx context.Context) (*vocdesk.Actor, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsDeveloper() {
		return nil, errNotFound
	}
	if a.MemberID == 0 {
		return nil, vocdesk.Errorf(vocdesk.EFORBIDDEN, "presence belongs to a signed-in member")
	}
	return a, nil
}

// Beat implements vocdesk.PresenceService. One statement: the row is
// written only when the inquiry is the member's developer's, so the scope
// check costs no second round trip.
func (s *PresenceService) Beat(ctx context.Context, inquiryID int64, typing bool) error {
	a, err := presenceMember(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		if err := tx.ephemeral(ctx); err != nil {
			return err
		}
		var typingAt int64
		if typing {
			typingAt = micros(tx.now)
		}
		res, err := tx.exec(ctx, `INSERT INTO inquiry_presence (inquiry_id, member_id, developer_id, seen_at, typing_at)
			SELECT i.id, $2, i.developer_id, $3, $4 FROM inquiries i WHERE i.id = $1 AND i.developer_id = $5
			ON CONFLICT (inquiry_id, member_id) DO UPDATE SET seen_at = excluded.seen_at,
				typing_at = CASE WHEN excluded.typing_at > 0 THEN excluded.typing_at ELSE inquiry_presence.typing_at END`,
			inquiryID, a.MemberID, micros(tx.now), typingAt, a.DeveloperID)
		if err != nil {
			return fmt.Errorf("sqlstore: presence beat: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return vocdesk.NotFound("inquiry")
		}
		return nil
	})
}

// Leave implements vocdesk.PresenceService. It also sweeps rows whose
// pages stopped beating without leaving (a process that died), so the
// table never grows beyond the pages open now.
func (s *PresenceService) Leave(ctx context.Context, inquiryID int64) error {
	a, err := presenceMember(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		if err := tx.ephemeral(ctx); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM inquiry_presence WHERE inquiry_id = $1 AND member_id = $2`, inquiryID, a.MemberID); err != nil {
			return fmt.Errorf("sqlstore: presence leave: %w", err)
		}
		stale := micros(tx.now.Add(-vocdesk.PresenceTTL))
		if _, err := tx.exec(ctx, `DELETE FROM inquiry_presence WHERE seen_at < $1`, stale); err != nil {
			return fmt.Errorf("sqlstore: presence sweep: %w", err)
		}
		return nil
	})
}

// Present implements vocdesk.PresenceService: the other members of the
// actor's developer whose pages beat within the TTL. The developer is the
// actor's, never the caller's choice, so another developer's inquiry id
// lists nobody.
func (s *PresenceService) Present(ctx context.Context, inquiryID int64) ([]vocdesk.Presence, error) {
	a, err := presenceMember(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginReadOne(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT p.member_id, m.name, p.seen_at, p.typing_at
		FROM inquiry_presence p JOIN members m ON m.id = p.member_id AND m.developer_id = p.developer_id
		WHERE p.inquiry_id = $1 AND p.developer_id = $2 AND p.member_id <> $3 AND p.seen_at >= $4
		ORDER BY m.name, p.member_id`,
		inquiryID, a.DeveloperID, a.MemberID, micros(tx.now.Add(-vocdesk.PresenceTTL)))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: presence: %w", err)
	}
	defer rows.Close()
	typingSince := tx.now.Add(-vocdesk.TypingTTL)
	var list []vocdesk.Presence
	for rows.Next() {
		var p vocdesk.Presence
		var seen, typing int64
		if err := rows.Scan(&p.MemberID, &p.Name, &seen, &typing); err != nil {
			return nil, fmt.Errorf("sqlstore: presence: %w", err)
		}
		p.SeenAt = fromMicros(seen)
		p.Typing = typing != 0 && !fromMicros(typing).Before(typingSince)
		list = append(list, p)
	}
	return list, rows.Err()
}

// ephemeral lets a presence write commit without waiting for its WAL to
// reach the disk on PostgreSQL: a beat lost in a crash is rewritten within
// seconds, and every open page beats every few seconds, so waiting for the
// flush made a presence second cost more wall time than a live inbox poll
// (bench/presence: 1.13x on PostgreSQL with the flush). SQLite's WAL with
// synchronous=NORMAL already commits without a flush.
func (tx *Tx) ephemeral(ctx context.Context) error {
	if tx.dialect != dialectPostgres {
		return nil
	}
	if _, err := tx.exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		return fmt.Errorf("sqlstore: presence: %w", err)
	}
	return nil
}
