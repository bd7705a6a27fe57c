package sqlstore

import (
	"context"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// FindVoidedPurchases implements vocdesk.CancellationService: every
// completed refund, full or partial, from the refund ledger, newest first,
// keyset-paged on (voided_at, id). Scoped like purchases: refund_entries
// carries the purchase's developer_id and customer_id for that.
func (s *CancellationService) FindVoidedPurchases(ctx context.Context, f vocdesk.VoidedFilter) ([]*vocdesk.VoidedPurchase, string, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	var c conds
	scopePurchases(&c, a, "e")
	if !f.Since.IsZero() {
		c.add("e.created_at >= ?", micros(f.Since))
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		c.add("(e.created_at, e.id) < (?, ?)", at, id)
	}
	q := `SELECT e.id, p.txid, p.tid, a.slug, e.amount, e.currency, p.status, r.source, r.reason, e.created_at
		FROM refund_entries e
		JOIN purchases p ON p.id = e.purchase_id
		JOIN apps a ON a.id = p.app_id
		JOIN cancellation_requests r ON r.id = e.request_id` + c.where() +
		` ORDER BY e.created_at DESC, e.id DESC LIMIT ` + c.next(limit+1)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, q, c.args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: voided purchases: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.VoidedPurchase
	for rows.Next() {
		var v vocdesk.VoidedPurchase
		var status, source, reason string
		var at int64
		if err := rows.Scan(&v.ID, &v.TxID, &v.TID, &v.AppSlug, &v.Amount, &v.Currency, &status, &source, &reason, &at); err != nil {
			return nil, "", fmt.Errorf("sqlstore: voided purchases: %w", err)
		}
		v.PurchaseStatus, v.Source, v.Reason = vocdesk.PurchaseStatus(status), vocdesk.CancellationSource(source), vocdesk.CancellationReason(reason)
		v.VoidedAt = fromMicros(at)
		list = append(list, &v)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlstore: voided purchases: %w", err)
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = encodeCursor(micros(last.VoidedAt), last.ID)
	}
	return list, next, nil
}
