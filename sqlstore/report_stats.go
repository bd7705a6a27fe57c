package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
)

// inquiry_stats (migration 00110) is written here, in the transaction of
// each change it follows, so the reports are exact under any concurrency:
// no sweep, no cache to go stale.

// statsCreated adds a new inquiry's row, with the due time of the wait
// its first message started (statsWait's, written with the row).
func (tx *Tx) statsCreated(ctx context.Context, in *vocdesk.Inquiry) error {
	var due any
	if in.DueAt != nil {
		due = micros(*in.DueAt)
	}
	_, err := tx.exec(ctx, `INSERT INTO inquiry_stats (inquiry_id, developer_id, app_id, created_at, channel, category, status, due_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		in.ID, in.DeveloperID, in.AppID, micros(in.CreatedAt), string(in.Channel), string(in.Category), string(in.Status), due)
	if err != nil {
		return fmt.Errorf("sqlstore: inquiry stats: %w", err)
	}
	return nil
}

// done reports whether a status ends the inquiry for the reports: resolved
// or closed.
func done(s vocdesk.InquiryStatus) bool {
	return s == vocdesk.InquiryResolved || s == vocdesk.InquiryClosed
}

// statsStatus follows a status change from from to in.Status. Resolving
// (or closing) records the resolution time from creation; reopening
// forgets it until the inquiry is resolved again.
func (tx *Tx) statsStatus(ctx context.Context, in *vocdesk.Inquiry, from vocdesk.InquiryStatus) error {
	var err error
	switch {
	case done(in.Status) && !done(from):
		var secs int64
		if secs, err = tx.businessSeconds(ctx, in.DeveloperID, in.CreatedAt, tx.now); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE inquiry_stats SET status = $2, resolved_at = $3, resolution_secs = $4 WHERE inquiry_id = $1`,
			in.ID, string(in.Status), micros(tx.now), secs)
	case !done(in.Status) && done(from):
		_, err = tx.exec(ctx, `UPDATE inquiry_stats SET status = $2, resolved_at = NULL, resolution_secs = NULL WHERE inquiry_id = $1`,
			in.ID, string(in.Status))
	default:
		_, err = tx.exec(ctx, `UPDATE inquiry_stats SET status = $2 WHERE inquiry_id = $1`, in.ID, string(in.Status))
	}
	if err != nil {
		return fmt.Errorf("sqlstore: inquiry stats: %w", err)
	}
	return nil
}

// statsFirstResponse records the developer's first answer.
func (tx *Tx) statsFirstResponse(ctx context.Context, in *vocdesk.Inquiry) error {
	secs, err := tx.businessSeconds(ctx, in.DeveloperID, in.CreatedAt, tx.now)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE inquiry_stats SET first_response_secs = $2 WHERE inquiry_id = $1 AND first_response_secs IS NULL`,
		in.ID, secs); err != nil {
		return fmt.Errorf("sqlstore: inquiry stats: %w", err)
	}
	return nil
}

// statsWait follows the SLA clock: due is the running wait's due time, nil
// when the wait ends; a wait that ends at or after its due time was a
// breach, and the breach stays counted.
func (tx *Tx) statsWait(ctx context.Context, id int64, due, endedDue *time.Time) error {
	var err error
	switch {
	case due != nil:
		_, err = tx.exec(ctx, `UPDATE inquiry_stats SET due_at = $2 WHERE inquiry_id = $1`, id, micros(*due))
	case endedDue != nil && !tx.now.Before(*endedDue):
		_, err = tx.exec(ctx, `UPDATE inquiry_stats SET due_at = NULL, breached = 1 WHERE inquiry_id = $1`, id)
	default:
		_, err = tx.exec(ctx, `UPDATE inquiry_stats SET due_at = NULL WHERE inquiry_id = $1`, id)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: inquiry stats: %w", err)
	}
	return nil
}

// businessSeconds is the business time from a to b in developer devID's
// calendar: its SLA policy's hours and the store's holidays, the calendar
// its deadlines are counted in.
func (tx *Tx) businessSeconds(ctx context.Context, devID int64, a, b time.Time) (int64, error) {
	p, err := tx.policy(ctx, devID)
	if err != nil {
		return 0, err
	}
	rows, err := tx.query(ctx, `SELECT day FROM holidays WHERE day >= $1 AND day <= $2`,
		a.In(vocdesk.Seoul).Format(time.DateOnly), b.In(vocdesk.Seoul).Format(time.DateOnly))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: holidays: %w", err)
	}
	defer rows.Close()
	var days []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return 0, fmt.Errorf("sqlstore: holidays: %w", err)
		}
		days = append(days, d)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("sqlstore: holidays: %w", err)
	}
	cal := vocdesk.NewBusinessCalendar(p.Hours, vocdesk.Seoul, days)
	return int64(cal.Between(a, b) / time.Second), nil
}

// statsRow is an inquiry's inquiry_stats row as a merge found it, so that
// undoing the merge puts the reports' figures back exactly (the merge's
// status moves and SLA waits changed them).
type statsRow struct {
	Status        string `json:"status"`
	FirstResponse *int64 `json:"first_response_secs"`
	ResolvedAt    *int64 `json:"resolved_at"`
	Resolution    *int64 `json:"resolution_secs"`
	Breached      int64  `json:"breached"`
	DueAt         *int64 `json:"due_at"`
}

func (tx *Tx) readStatsRow(ctx context.Context, id int64) (*statsRow, error) {
	var r statsRow
	var first, resolved, resolution, due sql.NullInt64
	err := tx.queryRow(ctx, `SELECT status, first_response_secs, resolved_at, resolution_secs, breached, due_at
		FROM inquiry_stats WHERE inquiry_id = $1`, id).Scan(&r.Status, &first, &resolved, &resolution, &r.Breached, &due)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: inquiry stats %d: %w", id, err)
	}
	r.FirstResponse, r.ResolvedAt, r.Resolution, r.DueAt = nullable(first), nullable(resolved), nullable(resolution), nullable(due)
	return &r, nil
}

// writeStatsRow puts r back as inquiry id's row; a merge recorded before
// rows were kept (r nil) leaves the row as it is.
func (tx *Tx) writeStatsRow(ctx context.Context, id int64, r *statsRow) error {
	if r == nil {
		return nil
	}
	_, err := tx.exec(ctx, `UPDATE inquiry_stats SET status = $2, first_response_secs = $3, resolved_at = $4,
		resolution_secs = $5, breached = $6, due_at = $7 WHERE inquiry_id = $1`,
		id, r.Status, anyOf(r.FirstResponse), anyOf(r.ResolvedAt), anyOf(r.Resolution), r.Breached, anyOf(r.DueAt))
	if err != nil {
		return fmt.Errorf("sqlstore: inquiry stats %d: %w", id, err)
	}
	return nil
}

func nullable(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	return &v.Int64
}

func anyOf(v *int64) any {
	if v == nil {
		return nil
	}
	return *v
}
