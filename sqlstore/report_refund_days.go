package sqlstore

import (
	"context"
	"fmt"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/report"
)

// dayRefunds is refundLedger from the ledger's counters (refund_days,
// migration 00142): the refunds by day and their total from the d rows,
// a row per day and currency; by reason and by method from the r and m
// rows, blocks of 32 and 4 days where they fit in the range and days at
// its ends. The counters say what the ledger says: a trigger on each new
// entry keeps them, and TestReportDaysMatchDirect compares the two.
func (tx *Tx) dayRefunds(ctx context.Context, l dayLevel, f vocdesk.ReportFilter, out *vocdesk.RefundReport) error {
	var c conds
	l.where(&c, f)
	rows, err := tx.query(ctx, `SELECT day, currency, SUM(n), SUM(amount) FROM refund_days`+
		c.whereAnd("dim = 'd' AND span = 1")+` GROUP BY day, currency`, c.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: refund report: %w", err)
	}
	defer rows.Close()
	byDay := map[string]int64{}
	for rows.Next() {
		var day, n, amount int64
		var currency string
		if err := rows.Scan(&day, &currency, &n, &amount); err != nil {
			return fmt.Errorf("sqlstore: refund report: %w", err)
		}
		byDay[report.DayString(day)] += n
		out.Refunded.Add(n, amount, currency)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: refund report: %w", err)
	}
	rows.Close()
	for _, d := range report.Days(f.From, f.To) {
		out.ByDay = append(out.ByDay, vocdesk.DayCount{Day: d, N: byDay[d]})
	}

	var k conds
	first, last := dayRange(f)
	var parts []string
	for _, sp := range cover(first, last, ledgerSpans...) {
		parts = append(parts, `SELECT dim, key, currency, n, amount FROM refund_days WHERE `+l.cond(&k)+
			` AND dim IN ('r', 'm') AND span = `+k.next(sp.size)+` AND day >= `+k.next(sp.from)+` AND day <= `+k.next(sp.to))
	}
	keyed, err := tx.query(ctx, `SELECT dim, key, currency, SUM(n), SUM(amount) FROM (`+joinUnion(parts)+`) u GROUP BY dim, key, currency`, k.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: refund report: %w", err)
	}
	defer keyed.Close()
	for keyed.Next() {
		var dim, key, currency string
		var n, amount int64
		if err := keyed.Scan(&dim, &key, &currency, &n, &amount); err != nil {
			return fmt.Errorf("sqlstore: refund report: %w", err)
		}
		if n == 0 {
			continue
		}
		if dim == "r" {
			rs := vocdesk.CancellationReason(key)
			if out.ByReason[rs] == nil {
				out.ByReason[rs] = &vocdesk.RefundAmounts{}
			}
			out.ByReason[rs].Add(n, amount, currency)
		} else {
			m := vocdesk.Method(key)
			if out.ByMethod[m] == nil {
				out.ByMethod[m] = &vocdesk.RefundAmounts{}
			}
			out.ByMethod[m].Add(n, amount, currency)
		}
	}
	return keyed.Err()
}
