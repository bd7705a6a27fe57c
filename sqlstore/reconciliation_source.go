package sqlstore

import (
	"context"
	"fmt"

	"github.com/vocdesk/vocdesk/recon"
)

// sourceBatch is how many rows a database source hands the matcher at a
// time: big enough to amortise the calls, small enough to stay in cache.
const sourceBatch = 4096

// purchaseSource streams a developer's purchases paid in [from, to) from
// the database into the reconciliation engine, in paid order, one batch at
// a time: the engine keeps only its compact form of them.
//
// Purchase status maps to the engine's store status so: paid and
// partially_refunded are paid (the customer keeps the item, so a delivery
// is expected and its absence is paid_not_delivered), refunded is refunded
// (a delivery then is delivered_after_refund). The store has no separate
// cancelled status: a cancelled purchase is a fully refunded one.
type purchaseSource struct {
	db       *DB
	devID    int64
	from, to int64 // unix microseconds
}

func (s *purchaseSource) Name() string { return "store" }

func (s *purchaseSource) Purchases(ctx context.Context, y recon.PurchaseYield) error {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT p.txid, p.tid, p.amount, p.currency, p.status FROM purchases p
		WHERE p.developer_id = $1 AND p.paid_at >= $2 AND p.paid_at < $3 ORDER BY p.paid_at, p.id`,
		s.devID, s.from, s.to)
	if err != nil {
		return fmt.Errorf("sqlstore: reconcile purchases: %w", err)
	}
	defer rows.Close()
	batch := make([]recon.Purchase, 0, sourceBatch)
	flush := func() {
		if y.Prepare != nil {
			y.Prepare(batch)
		}
		y.Add(batch)
		batch = batch[:0]
	}
	line := int64(0)
	for rows.Next() {
		var p recon.Purchase
		var status string
		if err := rows.Scan(&p.TxID, &p.TID, &p.Amount, &p.Currency, &status); err != nil {
			return fmt.Errorf("sqlstore: reconcile purchases: %w", err)
		}
		line++
		p.Line, p.Status = line, recon.StatusPaid
		if status == "refunded" {
			p.Status = recon.StatusRefunded
		}
		batch = append(batch, p)
		if len(batch) == cap(batch) {
			flush()
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: reconcile purchases: %w", err)
	}
	if len(batch) > 0 {
		flush()
	}
	return nil
}

// deliverySource streams a developer's pushed (and manual) deliveries as
// the server log: those that name a purchase paid in the period, and those
// that name no purchase at all and were delivered in the period. A
// delivery of a purchase paid outside the period belongs to that period's
// report, not to this one's delivered_not_paid.
type deliverySource struct {
	db       *DB
	devID    int64
	from, to int64
}

func (s *deliverySource) Name() string { return "deliveries" }

func (s *deliverySource) ServerRecords(ctx context.Context, y recon.ServerYield) error {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The two joins follow the matching rule: a record with a txid names
	// the purchase with that txid (no fallback), one without names the
	// purchase with its tid. Both stay inside the developer's purchases.
	rows, err := tx.query(ctx, `SELECT d.id, d.txid, d.tid, d.amount, d.currency FROM deliveries d
		LEFT JOIN purchases pt ON d.txid <> '' AND pt.txid = d.txid AND pt.developer_id = d.developer_id
		LEFT JOIN purchases pi ON d.txid = '' AND pi.developer_id = d.developer_id AND pi.tid = d.tid
		WHERE d.developer_id = $1 AND (
			(COALESCE(pt.paid_at, pi.paid_at) >= $2 AND COALESCE(pt.paid_at, pi.paid_at) < $3)
			OR (pt.id IS NULL AND pi.id IS NULL AND d.delivered_at >= $2 AND d.delivered_at < $3))
		ORDER BY d.id`, s.devID, s.from, s.to)
	if err != nil {
		return fmt.Errorf("sqlstore: reconcile deliveries: %w", err)
	}
	defer rows.Close()
	batch := make([]recon.ServerRecord, 0, sourceBatch)
	flush := func() {
		if y.Prepare != nil {
			y.Prepare(batch)
		}
		y.Add(batch)
		batch = batch[:0]
	}
	for rows.Next() {
		var r recon.ServerRecord
		if err := rows.Scan(&r.Line, &r.TxID, &r.TID, &r.Amount, &r.Currency); err != nil {
			return fmt.Errorf("sqlstore: reconcile deliveries: %w", err)
		}
		batch = append(batch, r)
		if len(batch) == cap(batch) {
			flush()
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: reconcile deliveries: %w", err)
	}
	if len(batch) > 0 {
		flush()
	}
	return nil
}
