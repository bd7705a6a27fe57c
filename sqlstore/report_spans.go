package sqlstore

import "strings"

// daySpan is a run of days read from day rows (size 1), or of blocks of
// size days (from, to: the first days of the first and the last block).
type daySpan struct {
	from, to, size int64
}

// cover covers the days first..last with the fewest rows: whole blocks of
// the largest size inside the range, then, at its two ends, blocks of the
// next size, and days where no block fits. sizes run largest first, each a
// multiple of the next (the counters' blocks start at days that are
// multiples of their size).
func cover(first, last int64, sizes ...int64) []daySpan {
	if first > last {
		return nil
	}
	if len(sizes) == 0 {
		return []daySpan{{first, last, 1}}
	}
	z := sizes[0]
	bs := (first + z - 1) / z * z // the first block inside
	be := (last + 1) / z * z      // the day after the last block inside
	if bs+z > be {
		return cover(first, last, sizes[1:]...)
	}
	out := cover(first, bs-1, sizes[1:]...)
	out = append(out, daySpan{bs, be - z, z})
	return append(out, cover(be, last, sizes[1:]...)...)
}

// ledgerSpans are the block sizes of purchase_spans (migration 00141) and
// of refund_days' r and m rows (00142).
var ledgerSpans = []int64{32, 4}

// purchaseRows is the rows (developer_id, app_id, item_id, currency,
// purchases, refunded_purchases, refunded) of purchases paid on days
// first..last, a UNION ALL for the caller to sum: day rows from
// purchase_days, blocks from purchase_spans. cond adds the rows' other
// conditions (called once per span, binding its arguments again). direct
// reads the day rows alone, which the tests compare with.
func purchaseRows(c *conds, first, last int64, direct bool, cond func(c *conds) string) string {
	var sizes []int64
	if !direct {
		sizes = ledgerSpans
	}
	var parts []string
	for _, sp := range cover(first, last, sizes...) {
		q := `SELECT developer_id, app_id, item_id, currency, purchases, refunded_purchases, refunded FROM `
		if sp.size == 1 {
			q += `purchase_days WHERE ` + cond(c)
		} else {
			q += `purchase_spans WHERE ` + cond(c) + ` AND span = ` + c.next(sp.size)
		}
		parts = append(parts, q+` AND day >= `+c.next(sp.from)+` AND day <= `+c.next(sp.to))
	}
	return joinUnion(parts)
}

// joinUnion is the parts as one UNION ALL.
func joinUnion(parts []string) string { return strings.Join(parts, " UNION ALL ") }

// cond is the scope's condition on purchase_days and purchase_spans, for
// purchaseRows: the store's is every developer's rows.
func (s reportScope) cond(c *conds) string {
	var parts []string
	if s.developerID != 0 {
		parts = append(parts, "developer_id = CAST("+c.next(s.developerID)+" AS BIGINT)")
	}
	if s.appID != 0 {
		parts = append(parts, "app_id = CAST("+c.next(s.appID)+" AS BIGINT)")
	}
	if len(parts) == 0 {
		return "developer_id > 0"
	}
	return strings.Join(parts, " AND ")
}
