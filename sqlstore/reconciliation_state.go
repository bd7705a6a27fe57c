package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// PurchaseState answers what became of one purchase: its deliveries and
// the category the contract's rules put it in. It backs the evidence on an
// inquiry ("paid 10:02, no delivery logged by your server").
func (s *ReconciliationService) PurchaseState(ctx context.Context, txid string) (*vocdesk.PurchaseReconState, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsCustomer() {
		// A customer's own purchase exists for them, but the developer's
		// server log is the developer's business.
		return nil, vocdesk.NotFound("purchase")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	p, err := tx.visiblePurchase(ctx, a, txid)
	if err != nil {
		return nil, err
	}
	st := &vocdesk.PurchaseReconState{Purchase: p}
	if st.Deliveries, err = tx.deliveriesOf(ctx, p); err != nil {
		return nil, err
	}
	set, err := tx.reconSettings(ctx, p.DeveloperID)
	if err != nil {
		return nil, err
	}
	st.Deadline = set.DeliveryDeadline
	var flagged int64
	err = tx.queryRow(ctx, `SELECT flagged_at FROM undelivered WHERE purchase_id = $1 AND cleared_at IS NULL`, p.ID).Scan(&flagged)
	switch {
	case err == nil:
		t := fromMicros(flagged)
		st.FlaggedAt = &t
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("sqlstore: undelivered flag: %w", err)
	}
	st.State = vocdesk.DeliveryStateOf(p, st.Deliveries, tx.now, st.Deadline)
	return st, nil
}

// FindUndelivered lists the open flags of continuous mode, newest paid
// first, leaving out purchases refunded since (refunded and never
// delivered is consistent).
func (s *ReconciliationService) FindUndelivered(ctx context.Context, f vocdesk.ReconFilter) ([]*vocdesk.PurchaseReconState, string, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	var c conds
	scopeDeveloperOwned(&c, a, "u")
	c.add("u.cleared_at IS NULL")
	c.add("p.status <> 'refunded'")
	if f.Cursor != "" {
		paid, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		c.add("(u.paid_at, u.purchase_id) < (?, ?)", paid, id)
	}
	limit := pageLimit(f.Limit)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	// purchaseSelect's fields, then the flag's time.
	sel := strings.Replace(purchaseSelect(tx.dialect), "\n\tFROM purchases p", ", u.flagged_at\n\tFROM purchases p", 1)
	q := sel + ` JOIN undelivered u ON u.purchase_id = p.id` + c.where() +
		` ORDER BY u.paid_at DESC, u.purchase_id DESC LIMIT ` + c.next(limit+1)
	rows, err := tx.query(ctx, q, c.args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: find undelivered: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.PurchaseReconState
	for rows.Next() {
		var flagged int64
		d, err := readFields(tx.dialect, rows, purchaseWidth, &flagged)
		if err != nil {
			return nil, "", fmt.Errorf("sqlstore: find undelivered: %w", err)
		}
		p, err := decodePurchase(d)
		if err != nil {
			return nil, "", fmt.Errorf("sqlstore: find undelivered: %w", err)
		}
		t := fromMicros(flagged)
		list = append(list, &vocdesk.PurchaseReconState{Purchase: p, State: vocdesk.StateNotDelivered, FlaggedAt: &t})
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlstore: find undelivered: %w", err)
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1].Purchase
		next = encodeCursor(micros(last.PaidAt), last.ID)
	}
	return list, next, nil
}

// billingLag is how far back each sweep looks again: a purchase may reach
// the ledger a while after it was paid (billing retries, a late import),
// and must not slip past the watch because the sweep had already passed
// its paid_at.
const billingLag = time.Hour

// SweepUndelivered is continuous mode's periodic step: for every developer
// with the watch on, it flags the purchases paid at least the developer's
// deadline ago (and since the watch began) that no delivery names and that
// are not refunded. It is idempotent, so several processes may run it at
// once: a purchase is flagged once (its primary key), and a flag a
// delivery cleared stays cleared. It returns how many it flagged.
func (s *ReconciliationService) SweepUndelivered(ctx context.Context) (int64, error) {
	type watch struct{ dev, since, swept, deadline int64 }
	var watches []watch
	err := func() error {
		tx, err := s.db.beginRead(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		rows, err := tx.query(ctx, `SELECT developer_id, watch_since, swept_until, deadline_us FROM recon_settings
			WHERE continuous = 1 AND watch_since IS NOT NULL ORDER BY developer_id`)
		if err != nil {
			return fmt.Errorf("sqlstore: sweep: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var w watch
			if err := rows.Scan(&w.dev, &w.since, &w.swept, &w.deadline); err != nil {
				return fmt.Errorf("sqlstore: sweep: %w", err)
			}
			watches = append(watches, w)
		}
		return rows.Err()
	}()
	if err != nil {
		return 0, err
	}
	var total int64
	for _, w := range watches {
		err := s.db.inWrite(ctx, func(tx *Tx) error {
			upto := micros(tx.now) - w.deadline
			from := max(w.since, w.swept-billingLag.Microseconds())
			res, err := tx.exec(ctx, `INSERT INTO undelivered (purchase_id, developer_id, paid_at, flagged_at)
				SELECT p.id, p.developer_id, p.paid_at, $4 FROM purchases p
				WHERE p.developer_id = $1 AND p.paid_at >= $2 AND p.paid_at <= $3 AND p.status <> 'refunded'
				AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.developer_id = p.developer_id
					AND (d.txid = p.txid OR (d.txid = '' AND d.tid = p.tid)))
				ON CONFLICT DO NOTHING`, w.dev, from, upto, micros(tx.now))
			if err != nil {
				return fmt.Errorf("sqlstore: sweep developer %d: %w", w.dev, err)
			}
			n, _ := res.RowsAffected()
			total += n
			_, err = tx.exec(ctx, `UPDATE recon_settings SET swept_until = $2 WHERE developer_id = $1 AND swept_until < $2`, w.dev, upto)
			if err != nil {
				return fmt.Errorf("sqlstore: sweep developer %d: %w", w.dev, err)
			}
			return nil
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}
