package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/report"
)

// RefundReport counts cancellation requests created in the range, refunds
// completed in it (the ledger, whatever their source), purchases paid in
// it with how many have been refunded since, and reconciliation exceptions.
func (r *ReportService) RefundReport(ctx context.Context, f vocdesk.ReportFilter) (*vocdesk.RefundReport, error) {
	tx, s, err := r.beginReport(ctx, f)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := &vocdesk.RefundReport{ByReason: map[vocdesk.CancellationReason]*vocdesk.RefundAmounts{}, ByMethod: map[vocdesk.Method]*vocdesk.RefundAmounts{}}

	// Requests: a request's app is its purchase's.
	var c conds
	s.where(&c, "cr.developer_id", "")
	if s.appID != 0 {
		c.add(idIs("p.app_id"), s.appID)
	}
	c.add("cr.created_at >= ?", micros(f.From))
	c.add("cr.created_at < ?", micros(f.To))
	join := ""
	if s.appID != 0 {
		join = " JOIN purchases p ON p.id = cr.purchase_id"
	}
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM cancellation_requests cr`+join+c.where(), c.args...).Scan(&out.Requests); err != nil {
		return nil, fmt.Errorf("sqlstore: refund report: %w", err)
	}
	if l, ok := r.daysFor(s, f); ok {
		err = tx.dayRefunds(ctx, l, f, out)
	} else {
		err = tx.refundLedger(ctx, s, f, out)
	}
	if err != nil {
		return nil, err
	}
	// Store-wide, the lines would be every app's; the store's dashboard
	// ranks developers instead.
	if s.developerID != 0 {
		if err := tx.refundItems(ctx, s, f, r.direct, out); err != nil {
			return nil, err
		}
	}
	if err := tx.reconExceptions(ctx, s, f, out); err != nil {
		return nil, err
	}
	return out, nil
}

// refundLedger groups the completed refunds of the range by day, reason,
// payment method and currency.
func (tx *Tx) refundLedger(ctx context.Context, s reportScope, f vocdesk.ReportFilter, out *vocdesk.RefundReport) error {
	var c conds
	s.where(&c, "re.developer_id", "p.app_id")
	c.add("re.created_at >= ?", micros(f.From))
	c.add("re.created_at < ?", micros(f.To))
	rows, err := tx.query(ctx, `SELECT `+report.DaySQL("re.created_at")+`, cr.reason, p.method, re.currency, COUNT(*), SUM(re.amount)
		FROM refund_entries re JOIN cancellation_requests cr ON cr.id = re.request_id JOIN purchases p ON p.id = re.purchase_id`+
		c.where()+` GROUP BY 1, 2, 3, 4`, c.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: refund report: %w", err)
	}
	defer rows.Close()
	byDay := map[string]int64{}
	for rows.Next() {
		var day, n, amount int64
		var reason, method, currency string
		if err := rows.Scan(&day, &reason, &method, &currency, &n, &amount); err != nil {
			return fmt.Errorf("sqlstore: refund report: %w", err)
		}
		byDay[report.DayString(day)] += n
		out.Refunded.Add(n, amount, currency)
		rs, m := vocdesk.CancellationReason(reason), vocdesk.Method(method)
		if out.ByReason[rs] == nil {
			out.ByReason[rs] = &vocdesk.RefundAmounts{}
		}
		out.ByReason[rs].Add(n, amount, currency)
		if out.ByMethod[m] == nil {
			out.ByMethod[m] = &vocdesk.RefundAmounts{}
		}
		out.ByMethod[m].Add(n, amount, currency)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: refund report: %w", err)
	}
	for _, d := range report.Days(f.From, f.To) {
		out.ByDay = append(out.ByDay, vocdesk.DayCount{Day: d, N: byDay[d]})
	}
	return nil
}

// refundItems is the refund rate per app and item: purchases paid in the
// range, and how many of them have a refund, with the refunded amounts,
// from the daily rollup purchase_days (migration 00111) and its blocks
// (00141; direct: the days alone). The scope is a developer's.
func (tx *Tx) refundItems(ctx context.Context, s reportScope, f vocdesk.ReportFilter, direct bool, out *vocdesk.RefundReport) error {
	var c conds
	first, last := dayRange(f)
	rows, err := tx.query(ctx, `SELECT a.slug, a.name, i.sku, i.name, pd.currency, SUM(pd.purchases), SUM(pd.refunded_purchases), SUM(pd.refunded)
		FROM (`+purchaseRows(&c, first, last, direct, s.cond)+`) pd JOIN apps a ON a.id = pd.app_id JOIN items i ON i.id = pd.item_id
		GROUP BY a.slug, a.name, i.sku, i.name, pd.currency`, c.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: refund items: %w", err)
	}
	defer rows.Close()
	lines := map[string]*vocdesk.RefundLine{}
	for rows.Next() {
		var app, appName, sku, itemName, currency string
		var n, refunded, amount int64
		if err := rows.Scan(&app, &appName, &sku, &itemName, &currency, &n, &refunded, &amount); err != nil {
			return fmt.Errorf("sqlstore: refund items: %w", err)
		}
		key := app + "/" + sku
		l := lines[key]
		if l == nil {
			l = &vocdesk.RefundLine{Key: key, Name: appName + " · " + itemName, Amounts: map[string]int64{}}
			lines[key] = l
		}
		l.Purchases += n
		l.Refunded += refunded
		if amount > 0 {
			l.Amounts[currency] += amount
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: refund items: %w", err)
	}
	for _, l := range lines {
		if l.Purchases == 0 {
			continue // only rows emptied by a purchase moving away
		}
		l.RefundRate = vocdesk.Rate{N: l.Refunded, D: l.Purchases}
		out.ByItem = append(out.ByItem, *l)
	}
	slices.SortFunc(out.ByItem, func(a, b vocdesk.RefundLine) int {
		if a.Refunded != b.Refunded {
			return int(b.Refunded - a.Refunded)
		}
		return strings.Compare(a.Key, b.Key)
	})
	return nil
}

// dayRange is the range as days in Seoul, first and last inclusive, as
// purchase_days counts them: reports count whole days.
func dayRange(f vocdesk.ReportFilter) (first, last int64) {
	return report.DayOf(micros(f.From)), report.DayOf(micros(f.To) - 1)
}

// reconExceptions sums the exceptions of reconciliations run in the range,
// per day. Reconciliations are a developer's, not an app's: the app filter
// does not apply.
func (tx *Tx) reconExceptions(ctx context.Context, s reportScope, f vocdesk.ReportFilter, out *vocdesk.RefundReport) error {
	var c conds
	s.where(&c, "developer_id", "")
	c.add("created_at >= ?", micros(f.From))
	c.add("created_at < ?", micros(f.To))
	rows, err := tx.query(ctx, `SELECT `+report.DaySQL("created_at")+`, SUM(exceptions) FROM reconciliations`+c.where()+` GROUP BY 1`, c.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: report exceptions: %w", err)
	}
	defer rows.Close()
	byDay := map[string]int64{}
	for rows.Next() {
		var day, n int64
		if err := rows.Scan(&day, &n); err != nil {
			return fmt.Errorf("sqlstore: report exceptions: %w", err)
		}
		byDay[report.DayString(day)] = n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: report exceptions: %w", err)
	}
	for _, d := range report.Days(f.From, f.To) {
		out.Exceptions = append(out.Exceptions, vocdesk.DayCount{Day: d, N: byDay[d]})
	}
	return nil
}
