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

// ReconciliationService implements vocdesk.ReconciliationService.
type ReconciliationService struct {
	db *DB
	// Limits bound what reports store; the command sets them from flags
	// before serving (vocdesk.DefaultReconLimits otherwise).
	Limits vocdesk.ReconLimits
}

// NewReconciliationService returns the reconciliation service on db.
func NewReconciliationService(db *DB) *ReconciliationService {
	return &ReconciliationService{db: db, Limits: vocdesk.DefaultReconLimits()}
}

var _ vocdesk.ReconciliationService = (*ReconciliationService)(nil)

const serverDeliverySelect = `SELECT d.id, d.developer_id, d.delivery_id, d.txid, d.tid, d.amount, d.currency,
	d.delivered_at, d.source, d.note, d.created_by, d.created_at FROM deliveries d`

func scanServerDelivery(r scanner) (*vocdesk.Delivery, error) {
	var d vocdesk.Delivery
	var source string
	var at, created int64
	if err := r.Scan(&d.ID, &d.DeveloperID, &d.DeliveryID, &d.TxID, &d.TID, &d.Amount, &d.Currency,
		&at, &source, &d.Note, &d.CreatedBy, &created); err != nil {
		return nil, err
	}
	d.Source, d.DeliveredAt, d.CreatedAt = vocdesk.DeliverySource(source), fromMicros(at), fromMicros(created)
	return &d, nil
}

// PushDeliveries stores a batch in one transaction. Each delivery is
// inserted with ON CONFLICT DO NOTHING on its natural key, so a retried push
// (or two racing pushes of the same record) stores it once; a delivery_id
// already stored with other values is rejected rather than overwritten,
// since the first record may already have been reconciled.
func (s *ReconciliationService) PushDeliveries(ctx context.Context, batch []*vocdesk.Delivery) ([]vocdesk.DeliveryResult, error) {
	a, err := developerFrom(ctx, vocdesk.RoleAgent)
	if err != nil {
		return nil, err
	}
	if len(batch) > vocdesk.MaxDeliveryBatch {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "at most %d deliveries per push", vocdesk.MaxDeliveryBatch)
	}
	res := make([]vocdesk.DeliveryResult, len(batch))
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		if err := tx.startWatch(ctx, a.DeveloperID); err != nil {
			return err
		}
		for i, d := range batch {
			d.Source, d.DeveloperID, d.CreatedBy = vocdesk.DeliveryPushed, a.DeveloperID, a.Name
			if err := d.Validate(); err != nil {
				res[i] = vocdesk.DeliveryResult{Outcome: vocdesk.DeliveryRejected, Err: err}
				continue
			}
			out, err := tx.insertDelivery(ctx, d)
			if err != nil && vocdesk.ErrorCode(err) == vocdesk.EINTERNAL {
				return err
			}
			res[i] = vocdesk.DeliveryResult{Outcome: out, Err: err}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// insertDelivery stores one valid delivery and clears continuous mode's
// flag on the purchase it names.
func (tx *Tx) insertDelivery(ctx context.Context, d *vocdesk.Delivery) (vocdesk.DeliveryOutcome, error) {
	d.TxID, d.TID = strings.TrimSpace(d.TxID), strings.TrimSpace(d.TID)
	d.DeliveredAt = d.DeliveredAt.UTC().Truncate(time.Microsecond)
	d.CreatedAt = tx.now
	key := d.NaturalKey()
	err := tx.queryRow(ctx, `INSERT INTO deliveries (developer_id, dedupe_key, delivery_id, txid, tid, amount, currency,
		delivered_at, source, note, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT DO NOTHING RETURNING id`,
		d.DeveloperID, key, d.DeliveryID, d.TxID, d.TID, d.Amount, d.Currency, micros(d.DeliveredAt),
		string(d.Source), d.Note, d.CreatedBy, micros(tx.now)).Scan(&d.ID)
	if errors.Is(err, sql.ErrNoRows) {
		stored, err := scanServerDelivery(tx.queryRow(ctx, serverDeliverySelect+` WHERE d.developer_id = $1 AND d.dedupe_key = $2`, d.DeveloperID, key))
		if err != nil {
			return "", fmt.Errorf("sqlstore: delivery %q: %w", key, err)
		}
		if !stored.SameRecord(d) {
			return vocdesk.DeliveryRejected, vocdesk.Errorf(vocdesk.ECONFLICT, "delivery_id %q is already recorded with other values", d.DeliveryID)
		}
		*d = *stored
		return vocdesk.DeliveryDuplicate, nil
	} else if err != nil {
		return "", fmt.Errorf("sqlstore: insert delivery: %w", err)
	}
	if err := tx.clearUndelivered(ctx, d); err != nil {
		return "", err
	}
	return vocdesk.DeliveryCreated, nil
}

// clearUndelivered clears the flag of the purchase d names, matched as the
// reconciliation rules match: by txid when d has one, else by tid.
func (tx *Tx) clearUndelivered(ctx context.Context, d *vocdesk.Delivery) error {
	col, id := "txid", d.TxID
	if id == "" {
		col, id = "tid", d.TID
	}
	_, err := tx.exec(ctx, `UPDATE undelivered SET cleared_at = $1, cleared_by = $2
		WHERE cleared_at IS NULL AND purchase_id IN
			(SELECT p.id FROM purchases p WHERE p.developer_id = $3 AND p.`+col+` = $4)`,
		micros(tx.now), d.ID, d.DeveloperID, id)
	if err != nil {
		return fmt.Errorf("sqlstore: clear undelivered: %w", err)
	}
	return nil
}

// FindDeliveries lists the caller's deliveries, newest recorded first.
// Operators see every developer's.
func (s *ReconciliationService) FindDeliveries(ctx context.Context, f vocdesk.DeliveryFilter) ([]*vocdesk.Delivery, string, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	var c conds
	scopeDeveloperOwned(&c, a, "d")
	if f.TxID != "" {
		c.add("d.txid = ?", f.TxID)
	}
	if f.TID != "" {
		c.add("d.tid = ?", f.TID)
	}
	if f.Cursor != "" {
		_, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		c.add("d.id < ?", id)
	}
	limit := pageLimit(f.Limit)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, serverDeliverySelect+c.where()+` ORDER BY d.id DESC LIMIT `+c.next(limit+1), c.args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: find deliveries: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.Delivery
	for rows.Next() {
		d, err := scanServerDelivery(rows)
		if err != nil {
			return nil, "", fmt.Errorf("sqlstore: find deliveries: %w", err)
		}
		list = append(list, d)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlstore: find deliveries: %w", err)
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		next = encodeCursor(0, list[limit-1].ID)
	}
	return list, next, nil
}

// MarkDelivered records that a member handed the item over by hand (the
// "redeliver" answer to "I paid but never got it"), with an audit row. A
// purchase that already has a delivery is ECONFLICT: marking it again
// would make it a duplicate delivery in every later report.
func (s *ReconciliationService) MarkDelivered(ctx context.Context, txid, note string) (*vocdesk.Delivery, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var d *vocdesk.Delivery
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		p, err := tx.visiblePurchase(ctx, a, txid)
		if err != nil {
			return err
		}
		if err := canManage(a, p.DeveloperID, vocdesk.RoleAgent); err != nil {
			return err
		}
		note = strings.TrimSpace(note)
		if note == "" {
			return vocdesk.Errorf(vocdesk.EINVALID, "note is required: say how the item was delivered")
		}
		ds, err := tx.deliveriesOf(ctx, p)
		if err != nil {
			return err
		}
		if len(ds) > 0 {
			return vocdesk.Errorf(vocdesk.ECONFLICT, "purchase %s already has a delivery logged at %s", p.TxID, ds[0].DeliveredAt.Format(time.RFC3339))
		}
		d = &vocdesk.Delivery{
			DeveloperID: p.DeveloperID, DeliveryID: "manual:" + p.TxID, TxID: p.TxID, TID: p.TID,
			Amount: p.Amount, Currency: p.Currency, DeliveredAt: tx.now,
			Source: vocdesk.DeliveryManual, Note: note, CreatedBy: a.Name,
		}
		if err := d.Validate(); err != nil {
			return err
		}
		out, err := tx.insertDelivery(ctx, d)
		if err != nil {
			return err
		}
		if out != vocdesk.DeliveryCreated {
			return vocdesk.Errorf(vocdesk.ECONFLICT, "purchase %s was already marked delivered", p.TxID)
		}
		return tx.audit(ctx, a, change{action: "purchase.marked_delivered", entity: "purchase", entityID: p.ID,
			developerID: p.DeveloperID, before: map[string]any{"state": "not_delivered"},
			after: map[string]any{"delivery_id": d.ID, "note": note, "delivered_at": d.DeliveredAt}})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// visiblePurchase reads a purchase in the actor's scope: another tenant's
// is not found, like one that does not exist.
func (tx *Tx) visiblePurchase(ctx context.Context, a *vocdesk.Actor, txid string) (*vocdesk.Purchase, error) {
	var c conds
	scopePurchases(&c, a, "p")
	c.add("p.txid = ?", txid)
	p, err := scanPurchase(tx.dialect, tx.queryRow(ctx, purchaseSelect(tx.dialect)+c.where(), c.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("purchase")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: purchase %q: %w", txid, err)
	}
	return p, nil
}

// deliveriesOf lists the deliveries that match p under the contract's rule
// (a record with a txid matches by txid only; one without, by tid), oldest
// first.
func (tx *Tx) deliveriesOf(ctx context.Context, p *vocdesk.Purchase) ([]*vocdesk.Delivery, error) {
	rows, err := tx.query(ctx, serverDeliverySelect+` WHERE d.developer_id = $1 AND (d.txid = $2 OR (d.txid = '' AND d.tid = $3))
		ORDER BY d.delivered_at, d.id`, p.DeveloperID, p.TxID, p.TID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: deliveries of %s: %w", p.TxID, err)
	}
	defer rows.Close()
	var ds []*vocdesk.Delivery
	for rows.Next() {
		d, err := scanServerDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: deliveries of %s: %w", p.TxID, err)
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}
