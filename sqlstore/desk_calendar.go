package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// FindHolidays lists the store's holidays of a year (0: all), by date.
// Anyone signed in may read the calendar.
func (s *DeskService) FindHolidays(ctx context.Context, year int) ([]*vocdesk.Holiday, error) {
	if _, err := actorFrom(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	q, args := `SELECT day, name FROM holidays`, []any{}
	if year != 0 {
		q += ` WHERE day >= $1 AND day < $2`
		args = append(args, strconv.Itoa(year)+"-01-01", strconv.Itoa(year+1)+"-01-01")
	}
	rows, err := tx.query(ctx, q+` ORDER BY day`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: holidays: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.Holiday
	for rows.Next() {
		var h vocdesk.Holiday
		if err := rows.Scan(&h.Date, &h.Name); err != nil {
			return nil, fmt.Errorf("sqlstore: holidays: %w", err)
		}
		list = append(list, &h)
	}
	return list, rows.Err()
}

// AddHoliday adds a day to the store's calendar (or renames it). Operators.
func (s *DeskService) AddHoliday(ctx context.Context, h *vocdesk.Holiday) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	if _, err := time.Parse(time.DateOnly, h.Date); err != nil {
		return vocdesk.Errorf(vocdesk.EINVALID, "date must be YYYY-MM-DD")
	}
	if h.Name = strings.TrimSpace(h.Name); h.Name == "" || len([]rune(h.Name)) > 100 {
		return vocdesk.Errorf(vocdesk.EINVALID, "name is required (at most 100 characters)")
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO holidays (day, name) VALUES ($1, $2) ON CONFLICT (day) DO UPDATE SET name = EXCLUDED.name`,
			h.Date, h.Name); err != nil {
			return fmt.Errorf("sqlstore: add holiday: %w", err)
		}
		return tx.audit(ctx, a, change{action: "holiday.added", entity: "holiday", after: h})
	})
}

// DeleteHoliday removes a day from the store's calendar. Operators.
func (s *DeskService) DeleteHoliday(ctx context.Context, date string) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM holidays WHERE day = $1`, date)
		if err != nil {
			return fmt.Errorf("sqlstore: delete holiday: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vocdesk.NotFound("holiday")
		}
		return tx.audit(ctx, a, change{action: "holiday.deleted", entity: "holiday", before: &vocdesk.Holiday{Date: date}})
	})
}
