package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/report"
)

// The reports' reads from the daily counters (inquiry_days, migration
// 00134): a range's counts are a few rows a day, whatever the number of
// inquiries, and its percentiles are exact by narrowing. The counters say
// exactly what inquiry_stats (and inquiries' ratings) say: triggers keep
// them in the transaction that writes those (on SQLite in the statement,
// on PostgreSQL at its commit, see the migration);
// TestReportDaysMatchDirect compares the two. The ledger's counters
// (purchase_spans, refund_days) are read in report_spans.go and
// report_refund_days.go.

// dayLevel is which counters a report reads: the store's (developer 0),
// or a developer's apps' (one app, or all of them summed).
type dayLevel struct {
	developerID, appID int64
}

// daysFor says whether the range can be read from daily counters: whole
// days in Seoul (what the pages and the API ask), and a scope the counters
// have (the store, a developer, a developer's app; an app across the store
// is a developer's app, which the operator names without its developer:
// read directly, it is one app's inquiries).
func (r *ReportService) daysFor(s reportScope, f vocdesk.ReportFilter) (dayLevel, bool) {
	if r.direct || !midnight(f.From) || !midnight(f.To) || (s.developerID == 0 && s.appID != 0) {
		return dayLevel{}, false
	}
	return dayLevel(s), true
}

func midnight(t time.Time) bool {
	l := t.In(vocdesk.Seoul)
	return l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 && l.Nanosecond() == 0
}

// where adds the level's and the range's conditions on inquiry_days.
func (l dayLevel) where(c *conds, f vocdesk.ReportFilter) {
	c.add(idIs("developer_id"), l.developerID)
	if l.appID != 0 {
		c.add(idIs("app_id"), l.appID)
	}
	first, last := dayRange(f)
	c.add("day >= ?", first)
	c.add("day <= ?", last)
}

// blockDays and quadDays are the spans of the counters' blocks: n, a, f,
// r, m and q (00135) are counted by day and by 32-day block too (00134),
// and all but q by 4-day block (00143).
const (
	blockDays = 32
	quadDays  = 4
)

// spanned is the rows (developer_id, app_id, dim, key, n) of dims (of n,
// a, f, r, m, q) over first..last, 32-day blocks, 4-day blocks (00143:
// all but q) and days, a UNION ALL for the caller to sum; dim comes back
// as the day's dim (lower case, without the 4) either way. cond adds the
// rows' other conditions (it is called once per span, binding its
// arguments again).
func spanned(c *conds, first, last int64, cond func(c *conds) string, dims ...string) string {
	sizes := []int64{blockDays, quadDays}
	if slices.Contains(dims, "q") {
		sizes = sizes[:1]
	}
	var parts []string
	for _, sp := range cover(first, last, sizes...) {
		list := make([]string, len(dims))
		for i, d := range dims {
			switch sp.size {
			case blockDays:
				d = strings.ToUpper(d)
			case quadDays:
				d += "4"
			}
			list[i] = "'" + d + "'"
		}
		parts = append(parts, `SELECT developer_id, app_id, lower(substr(dim, 1, 1)) AS dim, key, n FROM inquiry_days WHERE `+cond(c)+
			` AND dim IN (`+strings.Join(list, ", ")+`) AND day >= `+c.next(sp.from)+` AND day <= `+c.next(sp.to))
	}
	return strings.Join(parts, " UNION ALL ")
}

// levelCond is a dayLevel's condition on inquiry_days, for spanned.
func (l dayLevel) cond(c *conds) string {
	w := "developer_id = CAST(" + c.next(l.developerID) + " AS BIGINT)"
	if l.appID != 0 {
		w += " AND app_id = CAST(" + c.next(l.appID) + " AS BIGINT)"
	}
	return w
}

// apps is spanned's condition for the apps' rows across the store.
func apps(*conds) string { return "developer_id > 0" }

// dayCounts fills the report's counts from the counters: channel by day,
// category, status, breaches, and apps. The store's rows carry no app: its
// count by app is the apps' n rows.
func (tx *Tx) dayCounts(ctx context.Context, l dayLevel, f vocdesk.ReportFilter, out *vocdesk.InquiryReport) error {
	var c conds
	l.where(&c, f)
	rows, err := tx.query(ctx, `SELECT day, dim, key, app_id, SUM(n) FROM inquiry_days`+c.whereAnd("dim IN ('c', 'g', 's', 'b')")+
		` GROUP BY day, dim, key, app_id`, c.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: inquiry report: %w", err)
	}
	defer rows.Close()
	byDay, byApp := map[string]int64{}, map[int64]int64{}
	for rows.Next() {
		var day, app, n int64
		var dim, key string
		if err := rows.Scan(&day, &dim, &key, &app, &n); err != nil {
			return fmt.Errorf("sqlstore: inquiry report: %w", err)
		}
		switch dim {
		case "c":
			countCreated(out, byDay, day, vocdesk.Channel(key), n)
			if l.developerID != 0 {
				byApp[app] += n
			}
		case "g":
			out.ByCategory[vocdesk.Category(key)] += n
		case "s":
			out.ByStatus[vocdesk.InquiryStatus(key)] += n
		case "b":
			out.SLABreached += n
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: inquiry report: %w", err)
	}
	rows.Close()
	// A key whose rows sum to zero (every inquiry moved out of a status) is
	// no key: the direct read has no group for it.
	dropZeros(out.ByStatus)
	dropZeros(out.ByChannel)
	dropZeros(out.ByCategory)
	if l.developerID == 0 {
		var a conds
		first, last := dayRange(f)
		q := `SELECT app_id, SUM(n) FROM (` + spanned(&a, first, last, apps, "n") + `) u GROUP BY app_id`
		byAppRows, err := tx.query(ctx, q, a.args...)
		if err != nil {
			return fmt.Errorf("sqlstore: inquiry report: %w", err)
		}
		defer byAppRows.Close()
		for byAppRows.Next() {
			var app, n int64
			if err := byAppRows.Scan(&app, &n); err != nil {
				return fmt.Errorf("sqlstore: inquiry report: %w", err)
			}
			byApp[app] += n
		}
		if err := byAppRows.Err(); err != nil {
			return fmt.Errorf("sqlstore: inquiry report: %w", err)
		}
		byAppRows.Close()
	}
	// Breaches: b counts the waits that ended late; the waits running past
	// due now are the few running ones (inquiry_stats_due).
	var w conds
	dayScope(&w, l)
	w.add("due_at IS NOT NULL")
	w.add("breached = 0")
	w.add("due_at <= ?", micros(tx.now))
	w.add("created_at >= ?", micros(f.From))
	w.add("created_at < ?", micros(f.To))
	var late int64
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM inquiry_stats`+w.where(), w.args...).Scan(&late); err != nil {
		return fmt.Errorf("sqlstore: inquiry report: %w", err)
	}
	out.SLABreached += late
	for _, d := range report.Days(f.From, f.To) {
		out.ByDay = append(out.ByDay, vocdesk.DayCount{Day: d, N: byDay[d]})
	}
	for k, m := range out.ByDayChannel {
		dropZeros(m)
		if len(m) == 0 {
			delete(out.ByDayChannel, k)
		}
	}
	return tx.namedApps(ctx, byApp, out)
}

func dropZeros[K comparable](m map[K]int64) {
	for k, n := range m {
		if n == 0 {
			delete(m, k)
		}
	}
}

// dayScope adds the level's conditions on inquiry_stats.
func dayScope(c *conds, l dayLevel) {
	if l.developerID != 0 {
		c.add(idIs("developer_id"), l.developerID)
	}
	if l.appID != 0 {
		c.add(idIs("app_id"), l.appID)
	}
}

// namedApps lists the apps with inquiries, most first.
func (tx *Tx) namedApps(ctx context.Context, byApp map[int64]int64, out *vocdesk.InquiryReport) error {
	ids := map[int64]bool{}
	for id, n := range byApp {
		if n != 0 {
			ids[id] = true
		}
	}
	names, err := tx.appNames(ctx, ids)
	if err != nil {
		return err
	}
	for id := range ids {
		out.ByApp = append(out.ByApp, vocdesk.KeyCount{Key: names[id][0], Name: names[id][1], N: byApp[id]})
	}
	sortKeyCounts(out.ByApp)
	return nil
}

// dayDurations is durations from the histograms: the counters' f and r
// rows give each bucket's count, hence the bucket holding the p50 (and the
// p90) by nearest rank and the rank inside it; then that bucket's values
// alone are read from inquiry_stats (the bucket indexes). The
// histogram and the values are read in one snapshot (beginRead),
// so they agree; should they not, the read fails rather than say a wrong
// figure.
func (tx *Tx) dayDurations(ctx context.Context, l dayLevel, f vocdesk.ReportFilter) (first, resolution vocdesk.Percentiles, err error) {
	var c conds
	firstDay, lastDay := dayRange(f)
	rows, err := tx.query(ctx, `SELECT dim, key, SUM(n) FROM (`+spanned(&c, firstDay, lastDay, l.cond, "f", "r")+`) u GROUP BY dim, key`, c.args...)
	if err != nil {
		return first, resolution, fmt.Errorf("sqlstore: report durations: %w", err)
	}
	defer rows.Close()
	hist := map[string][]report.BucketCount{}
	for rows.Next() {
		var dim, key string
		var n int64
		if err := rows.Scan(&dim, &key, &n); err != nil {
			return first, resolution, fmt.Errorf("sqlstore: report durations: %w", err)
		}
		b, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return first, resolution, fmt.Errorf("sqlstore: report durations: bucket %q: %w", key, err)
		}
		if n != 0 {
			hist[dim] = append(hist[dim], report.BucketCount{Bucket: b, N: n})
		}
	}
	if err := rows.Err(); err != nil {
		return first, resolution, fmt.Errorf("sqlstore: report durations: %w", err)
	}
	rows.Close()
	if first, err = tx.narrow(ctx, l, f, hist["f"], "fr_bucket", "first_response_secs"); err != nil {
		return first, resolution, err
	}
	resolution, err = tx.narrow(ctx, l, f, hist["r"], "res_bucket", "resolution_secs")
	return first, resolution, err
}

// narrow picks the p50 and p90 of a histogram's values, reading only the
// bucket that holds each: the database sorts the bucket's values in the
// range and returns the one at the rank, so one row comes back where
// reading the bucket into Go moved tens of thousands (bench/reports).
func (tx *Tx) narrow(ctx context.Context, l dayLevel, f vocdesk.ReportFilter, hist []report.BucketCount, bucketCol, col string) (vocdesk.Percentiles, error) {
	slices.SortFunc(hist, func(a, b report.BucketCount) int { return cmp.Compare(a.Bucket, b.Bucket) })
	var p vocdesk.Percentiles
	for _, b := range hist {
		p.Count += b.N
	}
	pick := func(pct int) (*int64, error) {
		if p.Count == 0 {
			return nil, nil
		}
		rank := report.Rank(p.Count, pct)
		b, within, ok := report.Locate(hist, rank)
		if !ok {
			return nil, fmt.Errorf("sqlstore: report durations: rank %d of %d not in the histogram", rank, p.Count)
		}
		var c conds
		dayScope(&c, l)
		c.add(bucketCol+" = ?", b)
		c.add("created_at >= ?", micros(f.From))
		c.add("created_at < ?", micros(f.To))
		var v int64
		err := tx.queryRow(ctx, `SELECT `+col+` FROM inquiry_stats`+c.where()+` ORDER BY `+col+
			` LIMIT 1 OFFSET `+c.next(within-1), c.args...).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			// The histogram and the values are one snapshot: they agree, or
			// the counters are wrong, which no figure may hide.
			return nil, fmt.Errorf("sqlstore: report durations: bucket %d of %s holds fewer than %d values, its counters say more", b, col, within)
		} else if err != nil {
			return nil, fmt.Errorf("sqlstore: report durations: %w", err)
		}
		return &v, nil
	}
	var err error
	if p.P50, err = pick(50); err != nil {
		return p, err
	}
	p.P90, err = pick(90)
	return p, err
}

// dayRankCounts is every developer's inquiries and answered ones in the
// range from the apps' n and a rows.
func (tx *Tx) dayRankCounts(ctx context.Context, f vocdesk.ReportFilter, byID map[int64]*vocdesk.DeveloperRank) error {
	var c conds
	first, last := dayRange(f)
	rows, err := tx.query(ctx, `SELECT developer_id, dim, SUM(n) FROM (`+spanned(&c, first, last, apps, "n", "a")+
		`) u GROUP BY developer_id, dim`, c.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: ranking: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var dev, n int64
		var dim string
		if err := rows.Scan(&dev, &dim, &n); err != nil {
			return fmt.Errorf("sqlstore: ranking: %w", err)
		}
		if d := byID[dev]; d != nil {
			if dim == "n" {
				d.Inquiries = n
			} else {
				d.Responded = n
			}
		}
	}
	return rows.Err()
}

// coarse is how many of report.Bucket's buckets the ranking's histogram
// (m, migration 00134) puts in one: 4 per doubling.
const coarse = 4

// dayRankMedians sets every developer's median first answer by nearest
// rank by narrowing, as dayDurations does, on coarser buckets: each
// developer's m rows give the coarse bucket that holds its median, and
// the database sorts the developer's values in those fine buckets alone
// and returns the one at the rank (inquiry_stats_fr_dev). Fine buckets
// would give a developer about a row a value, where a day holds a handful.
func (tx *Tx) dayRankMedians(ctx context.Context, f vocdesk.ReportFilter, byID map[int64]*vocdesk.DeveloperRank) error {
	var c conds
	first, last := dayRange(f)
	rows, err := tx.query(ctx, `SELECT developer_id, key, SUM(n) FROM (`+spanned(&c, first, last, devs, "m")+
		`) u GROUP BY developer_id, key`, c.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: ranking median: %w", err)
	}
	defer rows.Close()
	hist := map[int64][]report.BucketCount{}
	for rows.Next() {
		var dev, n int64
		var key string
		if err := rows.Scan(&dev, &key, &n); err != nil {
			return fmt.Errorf("sqlstore: ranking median: %w", err)
		}
		b, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return fmt.Errorf("sqlstore: ranking median: bucket %q: %w", key, err)
		}
		if n != 0 {
			hist[dev] = append(hist[dev], report.BucketCount{Bucket: b, N: n})
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: ranking median: %w", err)
	}
	rows.Close()
	type pick struct{ dev, bucket, within int64 }
	var picks []pick
	for dev, h := range hist {
		if byID[dev] == nil {
			continue
		}
		slices.SortFunc(h, func(a, b report.BucketCount) int { return cmp.Compare(a.Bucket, b.Bucket) })
		var n int64
		for _, b := range h {
			n += b.N
		}
		b, within, ok := report.Locate(h, report.Rank(n, 50))
		if !ok {
			return fmt.Errorf("sqlstore: ranking median: rank of %d not in the histogram", n)
		}
		picks = append(picks, pick{dev, b, within})
	}
	slices.SortFunc(picks, func(a, b pick) int { return cmp.Compare(a.dev, b.dev) })
	// One statement per rankChunk developers, each one's pick a scalar
	// subquery: a statement per developer made the ranking 200 round trips,
	// which cost PostgreSQL more than the picks themselves (bench/reports).
	for len(picks) > 0 {
		chunk := picks[:min(len(picks), rankChunk)]
		picks = picks[len(chunk):]
		var m conds
		from, to := m.next(micros(f.From)), m.next(micros(f.To))
		parts := make([]string, len(chunk))
		for i, p := range chunk {
			dev := m.next(p.dev)
			parts[i] = `SELECT CAST(` + dev + ` AS BIGINT), (SELECT first_response_secs FROM inquiry_stats WHERE developer_id = CAST(` + dev +
				` AS BIGINT) AND fr_bucket >= ` + m.next(p.bucket*coarse) + ` AND fr_bucket < ` + m.next((p.bucket+1)*coarse) +
				` AND created_at >= ` + from + ` AND created_at < ` + to + ` ORDER BY first_response_secs LIMIT 1 OFFSET ` + m.next(p.within-1) + `)`
		}
		rows, err := tx.query(ctx, strings.Join(parts, " UNION ALL "), m.args...)
		if err != nil {
			return fmt.Errorf("sqlstore: ranking median: %w", err)
		}
		for rows.Next() {
			var dev int64
			var secs sql.NullInt64
			if err := rows.Scan(&dev, &secs); err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: ranking median: %w", err)
			}
			if !secs.Valid {
				rows.Close()
				return fmt.Errorf("sqlstore: ranking median: developer %d's bucket holds fewer values than its counters say", dev)
			}
			v := secs.Int64
			byID[dev].MedianFirstResponse = &v
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("sqlstore: ranking median: %w", err)
		}
	}
	return nil
}

// rankChunk is how many developers' medians one statement picks: 6 bound
// values each, well under either engine's limit on parameters.
const rankChunk = 100

// devs is spanned's condition for the developers' own rows (app 0).
func devs(*conds) string { return "developer_id > 0 AND app_id = 0" }
