package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// FindSnoozes returns the snoozes of those of inquiries ids that are
// snoozed and the actor's to see, in one query for an inbox page. Others'
// inquiries are simply absent, as if awake; customers get none, as from
// FindSnooze.
func (s *SnoozeService) FindSnoozes(ctx context.Context, ids []int64) (map[int64]*vocdesk.Snooze, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]*vocdesk.Snooze{}
	if a.IsCustomer() || len(ids) == 0 {
		return out, nil
	}
	if len(ids) > 500 {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "at most 500 inquiries at once")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var c conds
	args := make([]any, len(ids))
	for k, id := range ids {
		args[k] = id
	}
	c.add("s.inquiry_id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+")", args...)
	scopeInquiries(&c, a, "i")
	rows, err := tx.query(ctx, `SELECT s.inquiry_id, s.until, s.by_name, s.created_at
		FROM inquiry_snoozes s JOIN inquiries i ON i.id = s.inquiry_id`+c.where(), c.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find snoozes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sn vocdesk.Snooze
		var until sql.NullInt64
		var at int64
		if err := rows.Scan(&sn.InquiryID, &until, &sn.ByName, &at); err != nil {
			return nil, fmt.Errorf("sqlstore: find snoozes: %w", err)
		}
		sn.Until, sn.CreatedAt = nullMicros(until), fromMicros(at)
		out[sn.InquiryID] = &sn
	}
	return out, rows.Err()
}
