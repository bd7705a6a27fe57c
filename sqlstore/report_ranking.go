package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/report"
)

// DeveloperRanking lists every developer with its figures over the range,
// worst response rate first: the store's view of who leaves customers
// waiting and who refunds too much. Operators only.
func (r *ReportService) DeveloperRanking(ctx context.Context, f vocdesk.ReportFilter) ([]*vocdesk.DeveloperRank, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, err
	}
	tx, s, err := r.beginReport(ctx, f)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	byID := map[int64]*vocdesk.DeveloperRank{}
	var order []int64
	{
		var c conds
		s.where(&c, "d.id", "")
		rows, err := tx.query(ctx, `SELECT d.id, d.slug, d.name FROM developers d`+c.where()+` ORDER BY d.slug`, c.args...)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: ranking: %w", err)
		}
		for rows.Next() {
			d := &vocdesk.DeveloperRank{}
			var id int64
			if err := rows.Scan(&id, &d.Slug, &d.Name); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlstore: ranking: %w", err)
			}
			byID[id] = d
			order = append(order, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlstore: ranking: %w", err)
		}
	}
	// Inquiries and answers per developer (from the daily counters for
	// whole days), then each one's median first answer. The groups are on
	// developer_id + 0: grouped on the bare column, SQLite may walk
	// inquiry_stats_dev in developer order through every developer's whole
	// history rather than sort the range's few rows (bench/reports).
	var c conds
	s.where(&c, "developer_id", "app_id")
	c.add("created_at >= ?", micros(f.From))
	c.add("created_at < ?", micros(f.To))
	if _, ok := r.daysFor(s, f); ok && s.developerID == 0 {
		if err := tx.dayRankCounts(ctx, f, byID); err != nil {
			return nil, err
		}
		if err := tx.dayRankMedians(ctx, f, byID); err != nil {
			return nil, err
		}
	} else {
		if err := tx.rankInquiries(ctx, c, byID); err != nil {
			return nil, err
		}
		if err := tx.rankMedians(ctx, c, byID); err != nil {
			return nil, err
		}
	}
	if err := tx.rankCounts(ctx, s, f, r.direct, byID); err != nil {
		return nil, err
	}
	for _, id := range order {
		d := byID[id]
		d.ResponseRate = vocdesk.Rate{N: d.Responded, D: d.Inquiries}
		d.RefundRate = vocdesk.Rate{N: d.Refunded, D: d.Purchases}
	}
	out := make([]*vocdesk.DeveloperRank, 0, len(order))
	for _, id := range order {
		if d := byID[id]; d.Inquiries+d.Purchases+d.Escalations > 0 {
			out = append(out, d)
		}
	}
	// Worst first: the lowest response rate (cross-multiplied, exact), then
	// the highest refund rate, then the slug.
	slices.SortStableFunc(out, func(a, b *vocdesk.DeveloperRank) int {
		if x, y := a.ResponseRate.N*b.ResponseRate.D, b.ResponseRate.N*a.ResponseRate.D; a.ResponseRate.D > 0 && b.ResponseRate.D > 0 && x != y {
			if x < y {
				return -1
			}
			return 1
		}
		if x, y := a.RefundRate.N*b.RefundRate.D, b.RefundRate.N*a.RefundRate.D; x != y {
			if x > y {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Slug, b.Slug)
	})
	return out, nil
}

// rankCounts adds every developer's escalations and purchases of the
// range: the purchases from the daily rollup (00111) and its blocks
// (00141; direct: the days alone), the escalations from their log.
func (tx *Tx) rankCounts(ctx context.Context, s reportScope, f vocdesk.ReportFilter, direct bool, byID map[int64]*vocdesk.DeveloperRank) error {
	var c conds
	first, last := dayRange(f)
	rows, err := tx.query(ctx, `SELECT developer_id + 0, SUM(purchases), SUM(refunded_purchases) FROM (`+
		purchaseRows(&c, first, last, direct, s.cond)+`) u GROUP BY developer_id + 0`, c.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: ranking purchases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var dev, n, refunded int64
		if err := rows.Scan(&dev, &n, &refunded); err != nil {
			return fmt.Errorf("sqlstore: ranking purchases: %w", err)
		}
		if d := byID[dev]; d != nil {
			d.Purchases, d.Refunded = n, refunded
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: ranking purchases: %w", err)
	}
	rows.Close()
	var e conds
	s.where(&e, "developer_id", "")
	e.add("at >= ?", micros(f.From))
	e.add("at < ?", micros(f.To))
	esc, err := tx.query(ctx, `SELECT developer_id, COUNT(*) FROM inquiry_escalations`+e.where()+` GROUP BY developer_id`, e.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: ranking escalations: %w", err)
	}
	defer esc.Close()
	for esc.Next() {
		var dev, n int64
		if err := esc.Scan(&dev, &n); err != nil {
			return fmt.Errorf("sqlstore: ranking escalations: %w", err)
		}
		if d := byID[dev]; d != nil {
			d.Escalations = n
		}
	}
	return esc.Err()
}

// rankInquiries counts every developer's inquiries and answered ones in
// the range from inquiry_stats itself.
func (tx *Tx) rankInquiries(ctx context.Context, c conds, byID map[int64]*vocdesk.DeveloperRank) error {
	rows, err := tx.query(ctx, `SELECT developer_id + 0, COUNT(*), COUNT(first_response_secs) FROM inquiry_stats`+c.where()+
		` GROUP BY developer_id + 0`, c.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: ranking: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var dev, n, answered int64
		if err := rows.Scan(&dev, &n, &answered); err != nil {
			return fmt.Errorf("sqlstore: ranking: %w", err)
		}
		if d := byID[dev]; d != nil {
			d.Inquiries, d.Responded = n, answered
		}
	}
	return rows.Err()
}

// rankMedians sets every developer's median first answer by nearest rank
// (rank ceil(n/2)): the range's values are read once from the covering
// index and each developer's are sorted in Go. A window function in the
// database (ROW_NUMBER over each developer's values) sorted them twice in
// temporary B-trees and took ten times as long (bench/reports).
func (tx *Tx) rankMedians(ctx context.Context, c conds, byID map[int64]*vocdesk.DeveloperRank) error {
	rows, err := tx.query(ctx, `SELECT developer_id, first_response_secs FROM inquiry_stats`+
		c.whereAnd("first_response_secs IS NOT NULL"), c.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: ranking median: %w", err)
	}
	defer rows.Close()
	values := map[int64][]int64{}
	for rows.Next() {
		var dev, secs int64
		if err := rows.Scan(&dev, &secs); err != nil {
			return fmt.Errorf("sqlstore: ranking median: %w", err)
		}
		values[dev] = append(values[dev], secs)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: ranking median: %w", err)
	}
	for dev, v := range values {
		if d := byID[dev]; d != nil {
			d.MedianFirstResponse = report.Percentile(v, 50)
		}
	}
	return nil
}
