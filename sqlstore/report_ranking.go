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
	// Inquiries and first answers: the values, per developer, for the median.
	var c conds
	s.where(&c, "developer_id", "app_id")
	c.add("created_at >= ?", micros(f.From))
	c.add("created_at < ?", micros(f.To))
	rows, err := tx.query(ctx, `SELECT developer_id, first_response_secs FROM inquiry_stats`+c.where(), c.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: ranking: %w", err)
	}
	firsts := map[int64][]int64{}
	for rows.Next() {
		var dev int64
		var secs *int64
		if err := rows.Scan(&dev, &secs); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlstore: ranking: %w", err)
		}
		if d := byID[dev]; d != nil {
			d.Inquiries++
			if secs != nil {
				d.Responded++
				firsts[dev] = append(firsts[dev], *secs)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: ranking: %w", err)
	}
	for _, id := range order {
		d := byID[id]
		if err := tx.rankCounts(ctx, id, f, d); err != nil {
			return nil, err
		}
		d.ResponseRate = vocdesk.Rate{N: d.Responded, D: d.Inquiries}
		d.RefundRate = vocdesk.Rate{N: d.Refunded, D: d.Purchases}
		d.MedianFirstResponse = report.Percentile(firsts[id], 50)
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

// rankCounts adds a developer's escalations and purchases of the range,
// each an index range of that developer.
func (tx *Tx) rankCounts(ctx context.Context, devID int64, f vocdesk.ReportFilter, d *vocdesk.DeveloperRank) error {
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM inquiry_escalations WHERE developer_id = $1 AND at >= $2 AND at < $3`,
		devID, micros(f.From), micros(f.To)).Scan(&d.Escalations); err != nil {
		return fmt.Errorf("sqlstore: ranking escalations: %w", err)
	}
	if err := tx.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN refunded > 0 THEN 1 ELSE 0 END), 0) FROM purchases
		WHERE developer_id = $1 AND paid_at >= $2 AND paid_at < $3`,
		devID, micros(f.From), micros(f.To)).Scan(&d.Purchases, &d.Refunded); err != nil {
		return fmt.Errorf("sqlstore: ranking purchases: %w", err)
	}
	return nil
}
