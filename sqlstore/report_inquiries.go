package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/report"
)

// InquiryReport counts and measures the inquiries created in the range.
func (r *ReportService) InquiryReport(ctx context.Context, f vocdesk.ReportFilter) (*vocdesk.InquiryReport, error) {
	tx, s, err := r.beginReport(ctx, f)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := &vocdesk.InquiryReport{
		ByStatus: map[vocdesk.InquiryStatus]int64{}, ByChannel: map[vocdesk.Channel]int64{}, ByCategory: map[vocdesk.Category]int64{},
		ByDayChannel: map[string]map[vocdesk.Channel]int64{},
	}
	if l, ok := r.daysFor(s, f); ok {
		if err := tx.dayCounts(ctx, l, f, out); err != nil {
			return nil, err
		}
		if out.FirstResponse, out.Resolution, err = tx.dayDurations(ctx, l, f); err != nil {
			return nil, err
		}
	} else {
		var c conds
		s.where(&c, "developer_id", "app_id")
		c.add("created_at >= ?", micros(f.From))
		c.add("created_at < ?", micros(f.To))
		if err := tx.inquiryCounts(ctx, c, f, out); err != nil {
			return nil, err
		}
		if out.FirstResponse, out.Resolution, err = tx.durations(ctx, c); err != nil {
			return nil, err
		}
	}
	l, days := r.daysFor(s, f)
	if !days {
		l = dayLevel{developerID: -1}
	}
	if err := tx.ratings(ctx, s, l, f, out); err != nil {
		return nil, err
	}
	if err := tx.backlog(ctx, s, out); err != nil {
		return nil, err
	}
	return out, nil
}

// inquiryCounts counts the range's rows each way the report shows, one
// grouped query per way: each is a scan of the covering index inside the
// database that returns a few rows, where one query grouped by every key
// returned about a row per inquiry for Go to add up (bench/reports).
func (tx *Tx) inquiryCounts(ctx context.Context, c conds, f vocdesk.ReportFilter, out *vocdesk.InquiryReport) error {
	day := report.DaySQL("created_at")
	group := func(keys string, scan func(rows *sql.Rows) error) error {
		rows, err := tx.query(ctx, `SELECT `+keys+`, COUNT(*) FROM inquiry_stats`+c.where()+` GROUP BY `+keys, c.args...)
		if err != nil {
			return fmt.Errorf("sqlstore: inquiry report: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("sqlstore: inquiry report: %w", err)
			}
		}
		return rows.Err()
	}
	byDay := map[string]int64{}
	err := group(day+", channel", func(rows *sql.Rows) error {
		var d, n int64
		var ch string
		if err := rows.Scan(&d, &ch, &n); err != nil {
			return err
		}
		countCreated(out, byDay, d, vocdesk.Channel(ch), n)
		return nil
	})
	if err == nil {
		err = group("category", func(rows *sql.Rows) error {
			var k string
			var n int64
			err := rows.Scan(&k, &n)
			out.ByCategory[vocdesk.Category(k)] += n
			return err
		})
	}
	if err == nil {
		err = group("status", func(rows *sql.Rows) error {
			var k string
			var n int64
			err := rows.Scan(&k, &n)
			out.ByStatus[vocdesk.InquiryStatus(k)] += n
			return err
		})
	}
	byApp := map[int64]int64{}
	if err == nil {
		err = group("app_id", func(rows *sql.Rows) error {
			var id, n int64
			err := rows.Scan(&id, &n)
			byApp[id] += n
			return err
		})
	}
	if err != nil {
		return err
	}
	// Breaches: waits that ended late, and waits running past due now.
	now := c.next(micros(tx.now))
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM inquiry_stats`+c.whereAnd("(breached = 1 OR due_at <= "+now+")"), c.args...).
		Scan(&out.SLABreached); err != nil {
		return fmt.Errorf("sqlstore: inquiry report: %w", err)
	}
	for _, d := range report.Days(f.From, f.To) {
		out.ByDay = append(out.ByDay, vocdesk.DayCount{Day: d, N: byDay[d]})
	}
	ids := map[int64]bool{}
	for id := range byApp {
		ids[id] = true
	}
	names, err := tx.appNames(ctx, ids)
	if err != nil {
		return err
	}
	for id, n := range byApp {
		out.ByApp = append(out.ByApp, vocdesk.KeyCount{Key: names[id][0], Name: names[id][1], N: n})
	}
	sortKeyCounts(out.ByApp)
	return nil
}

// sortKeyCounts orders most first, then by key, so pages and CSV files
// list the same order every time.
func sortKeyCounts(list []vocdesk.KeyCount) {
	slices.SortFunc(list, func(a, b vocdesk.KeyCount) int {
		if a.N != b.N {
			if a.N > b.N {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Key, b.Key)
	})
}

// durations reads the range's first response and resolution times and
// returns their p50 and p90 by nearest rank: exact, from the values
// themselves. One scan of the covering index and a sort in Go beat a
// COUNT and an OFFSET query per percentile, each of which sorts the range
// again in the database (bench/reports).
func (tx *Tx) durations(ctx context.Context, c conds) (first, resolution vocdesk.Percentiles, err error) {
	rows, err := tx.query(ctx, `SELECT first_response_secs, resolution_secs FROM inquiry_stats`+
		c.whereAnd("first_response_secs IS NOT NULL"), c.args...)
	if err != nil {
		return first, resolution, fmt.Errorf("sqlstore: report durations: %w", err)
	}
	defer rows.Close()
	var firsts, resolutions []int64
	for rows.Next() {
		var f int64
		var r *int64
		if err := rows.Scan(&f, &r); err != nil {
			return first, resolution, fmt.Errorf("sqlstore: report durations: %w", err)
		}
		firsts = append(firsts, f)
		if r != nil {
			resolutions = append(resolutions, *r)
		}
	}
	if err := rows.Err(); err != nil {
		return first, resolution, fmt.Errorf("sqlstore: report durations: %w", err)
	}
	// Resolved without an answer (closed at once) still counts as resolved.
	rows.Close()
	more, err := tx.query(ctx, `SELECT resolution_secs FROM inquiry_stats`+
		c.whereAnd("first_response_secs IS NULL AND resolution_secs IS NOT NULL"), c.args...)
	if err != nil {
		return first, resolution, fmt.Errorf("sqlstore: report durations: %w", err)
	}
	defer more.Close()
	for more.Next() {
		var r int64
		if err := more.Scan(&r); err != nil {
			return first, resolution, fmt.Errorf("sqlstore: report durations: %w", err)
		}
		resolutions = append(resolutions, r)
	}
	if err := more.Err(); err != nil {
		return first, resolution, fmt.Errorf("sqlstore: report durations: %w", err)
	}
	return report.Summarize(firsts), report.Summarize(resolutions), nil
}

// latestComments is how many rated comments the report carries.
const latestComments = 5

// ratings reads the customers' ratings of the range's inquiries: counted
// from the daily counters (q, 00135) when l is a level (developerID -1:
// none), else from the inquiries themselves (the partial indexes of rated
// ones, 00110); the latest comments from the inquiries.
func (tx *Tx) ratings(ctx context.Context, s reportScope, l dayLevel, f vocdesk.ReportFilter, out *vocdesk.InquiryReport) error {
	var c conds
	s.where(&c, "i.developer_id", "i.app_id")
	c.add("i.created_at >= ?", micros(f.From))
	c.add("i.created_at < ?", micros(f.To))
	c.add("i.rating > 0")
	q, args := `SELECT i.rating, COUNT(*) FROM inquiries i`+c.where()+` GROUP BY i.rating`, c.args
	if l.developerID >= 0 {
		var d conds
		first, last := dayRange(f)
		q = `SELECT CAST(key AS INTEGER), SUM(n) FROM (` + spanned(&d, first, last, l.cond, "q") + `) u GROUP BY key`
		args = d.args
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("sqlstore: report ratings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rating int
		var n int64
		if err := rows.Scan(&rating, &n); err != nil {
			return fmt.Errorf("sqlstore: report ratings: %w", err)
		}
		if rating >= 1 && rating <= 5 {
			out.Rating.Counts[rating-1] = n
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: report ratings: %w", err)
	}
	rows.Close()
	list, err := tx.query(ctx, `SELECT i.id, a.slug, a.name, i.rating, i.rating_comment, i.created_at FROM inquiries i
		JOIN apps a ON a.id = i.app_id`+c.whereAnd("i.rating_comment <> ''")+
		fmt.Sprintf(` ORDER BY i.created_at DESC, i.id DESC LIMIT %d`, latestComments), c.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: report comments: %w", err)
	}
	defer list.Close()
	for list.Next() {
		var rc vocdesk.RatingComment
		var at int64
		if err := list.Scan(&rc.InquiryID, &rc.AppSlug, &rc.AppName, &rc.Rating, &rc.Comment, &at); err != nil {
			return fmt.Errorf("sqlstore: report comments: %w", err)
		}
		rc.CreatedAt = fromMicros(at)
		out.Comments = append(out.Comments, rc)
	}
	return list.Err()
}

// backlog counts the inquiries open now by age, from the partial index of
// open ones: the backlog is as large as it is, whatever the range.
func (tx *Tx) backlog(ctx context.Context, s reportScope, out *vocdesk.InquiryReport) error {
	var c conds
	s.where(&c, "developer_id", "app_id")
	c.add("status IN ('new', 'open', 'waiting_on_customer')")
	cases := make([]string, 0, len(report.BacklogAges))
	for i := len(report.BacklogAges) - 1; i > 0; i-- {
		cases = append(cases, fmt.Sprintf("WHEN created_at <= %s THEN %d", c.next(micros(tx.now.Add(-report.BacklogAges[i]))), i))
	}
	bucket := "CASE " + strings.Join(cases, " ") + " ELSE 0 END"
	rows, err := tx.query(ctx, `SELECT `+bucket+`, COUNT(*) FROM inquiry_stats`+c.where()+` GROUP BY 1`, c.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: report backlog: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b int
		var n int64
		if err := rows.Scan(&b, &n); err != nil {
			return fmt.Errorf("sqlstore: report backlog: %w", err)
		}
		out.Backlog[b] = n
	}
	return rows.Err()
}

// countCreated adds n inquiries created on day (a day number) in channel
// ch to out, and to byDay (keyed by the day's string).
func countCreated(out *vocdesk.InquiryReport, byDay map[string]int64, day int64, ch vocdesk.Channel, n int64) {
	k := report.DayString(day)
	byDay[k] += n
	if out.ByDayChannel[k] == nil {
		out.ByDayChannel[k] = map[vocdesk.Channel]int64{}
	}
	out.ByDayChannel[k][ch] += n
	out.ByChannel[ch] += n
	out.Created += n
}
