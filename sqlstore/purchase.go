package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
)

// PurchaseService implements vocdesk.PurchaseService.
type PurchaseService struct{ db *DB }

// NewPurchaseService returns the purchase ledger on db.
func NewPurchaseService(db *DB) vocdesk.PurchaseService { return &PurchaseService{db: db} }

// purchaseSelect reads purchases with what people need to read them (app,
// item, developer) in one query, never one query per row (on SQLite each
// row packed in one JSON array, packed_row.go).
func purchaseSelect(dialect string) string {
	if dialect == dialectPostgres {
		return purchaseSelectPostgres
	}
	return purchaseSelectSQLite
}

// purchaseFields are the values of a purchase's row, in the order
// decodePurchase reads them; purchaseWidth counts them.
const (
	purchaseFields = `p.id, p.txid, p.tid, p.customer_id, p.developer_id, d.slug, p.app_id, a.slug, a.name,
	p.item_id, i.sku, i.name, p.amount, p.currency, p.refunded, p.method, p.status, p.paid_at, p.created_at`
	purchaseWidth = 19
	purchaseFrom  = `
	FROM purchases p
	JOIN apps a ON a.id = p.app_id
	JOIN items i ON i.id = p.item_id
	JOIN developers d ON d.id = p.developer_id`
)

var (
	purchaseSelectSQLite   = `SELECT ` + packFields(dialectSQLite, purchaseFields) + purchaseFrom
	purchaseSelectPostgres = `SELECT ` + packFields(dialectPostgres, purchaseFields) + purchaseFrom
)

type scanner interface{ Scan(dest ...any) error }

func scanPurchase(dialect string, r scanner) (*vocdesk.Purchase, error) {
	d, err := readFields(dialect, r, purchaseWidth)
	if err != nil {
		return nil, err
	}
	return decodePurchase(d)
}

// decodePurchase reads a purchase selected with purchaseSelect.
func decodePurchase(d fieldReader) (*vocdesk.Purchase, error) {
	var p vocdesk.Purchase
	p.ID, p.TxID, p.TID, p.CustomerID, p.DeveloperID, p.DeveloperSlug = d.num(), d.text(), d.text(), d.num(), d.num(), d.text()
	p.AppID, p.AppSlug, p.AppName, p.ItemID, p.ItemSKU, p.ItemName = d.num(), d.text(), d.text(), d.num(), d.text(), d.text()
	p.Amount, p.Currency, p.Refunded = d.num(), d.text(), d.num()
	p.Method, p.Status = vocdesk.Method(d.text()), vocdesk.PurchaseStatus(d.text())
	p.PaidAt, p.CreatedAt = fromMicros(d.num()), fromMicros(d.num())
	if err := d.end(); err != nil {
		return nil, err
	}
	return &p, nil
}

// normalize brings a purchase from billing to the form it is stored in, so
// that comparing a retry with the stored row compares like with like.
func normalize(p *vocdesk.Purchase) {
	p.PaidAt = p.PaidAt.UTC().Truncate(time.Microsecond)
}

// RecordPurchase stores a purchase from billing. Operators only. Idempotent
// on txid; a known txid with other values, or a tid the developer already
// used, is ECONFLICT. On success p is filled in as stored (ids, names,
// status, created_at: all FindPurchaseByTxID returns), the new row or, when
// created is false, the one stored before.
//
// It inserts with ON CONFLICT DO NOTHING and reads back on conflict, inside
// one transaction: on PostgreSQL a racing insert of the same txid waits for
// the first to commit and then does nothing, and the read (a new statement
// under READ COMMITTED) sees the winner; on SQLite writers are serialised,
// and concurrent calls share one transaction and one commit (groupcommit.go),
// each in a savepoint of its own. Either way exactly one row exists and every
// caller gets it, and it returns only once the row is committed.
func (s *PurchaseService) RecordPurchase(ctx context.Context, p *vocdesk.Purchase) (bool, error) {
	a, err := operatorFrom(ctx)
	if err != nil {
		return false, err
	}
	if err := p.Validate(); err != nil {
		return false, err
	}
	normalize(p)
	var created bool
	var out vocdesk.Purchase
	err = s.db.writeGrouped(ctx, func(ctx context.Context, tx *Tx) error {
		q := *p // work on a copy: a call rolled back leaves p as given
		var err error
		created, err = tx.recordPurchase(ctx, a, &q)
		out = q
		return err
	})
	if err != nil {
		return false, err
	}
	*p = out
	return created, nil
}

// recordPurchase is RecordPurchase's work inside tx; it does not commit.
func (tx *Tx) recordPurchase(ctx context.Context, a *vocdesk.Actor, p *vocdesk.Purchase) (bool, error) {
	app, err := tx.appBySlug(ctx, p.AppSlug)
	if err != nil {
		return false, err
	}
	itemID, itemName, err := tx.ensureItem(ctx, app.ID, p.ItemSKU)
	if err != nil {
		return false, err
	}
	var one int
	err = tx.queryRow(ctx, `SELECT 1 FROM customers WHERE id = $1`, p.CustomerID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, vocdesk.Errorf(vocdesk.EINVALID, "unknown customer_id %d", p.CustomerID)
	} else if err != nil {
		return false, fmt.Errorf("sqlstore: record purchase: %w", err)
	}

	status := vocdesk.StatusFor(p.Amount, 0)
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO purchases
		(txid, tid, customer_id, developer_id, app_id, item_id, amount, currency, refunded, method, status, paid_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12)
		ON CONFLICT DO NOTHING RETURNING id`,
		p.TxID, p.TID, p.CustomerID, app.DeveloperID, app.ID, itemID, p.Amount, p.Currency,
		string(p.Method), string(status), micros(p.PaidAt), micros(tx.now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		stored, err := tx.existingFor(ctx, p)
		if err != nil {
			return false, err
		}
		*p = *stored
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("sqlstore: record purchase: %w", err)
	}
	// A paid purchase gives a review of the app by the customer its
	// verified mark, if none did.
	tx.reviewPagesChanged(reviewPageChange{app: app.ID, dev: app.DeveloperID, customer: p.CustomerID})
	p.ID, p.DeveloperID, p.DeveloperSlug = id, app.DeveloperID, app.DeveloperSlug
	p.AppID, p.AppName, p.ItemID, p.ItemName = app.ID, app.Name, itemID, itemName
	p.Refunded, p.Status, p.CreatedAt = 0, status, tx.now
	if err := tx.audit(ctx, a, change{action: "purchase.recorded", entity: "purchase", entityID: id, developerID: app.DeveloperID, after: p}); err != nil {
		return false, err
	}
	return true, nil
}

// existingFor explains why p was not inserted: the stored purchase when it
// is the same order, else an ECONFLICT naming the clash (the txid, or the
// developer's tid).
func (tx *Tx) existingFor(ctx context.Context, p *vocdesk.Purchase) (*vocdesk.Purchase, error) {
	stored, err := scanPurchase(tx.dialect, tx.queryRow(ctx, purchaseSelect(tx.dialect)+` WHERE p.txid = $1`, p.TxID))
	if err == nil {
		if stored.SameOrder(p) {
			return stored, nil
		}
		return nil, vocdesk.Errorf(vocdesk.ECONFLICT, "txid %q is already recorded with other values", p.TxID)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlstore: purchase by txid: %w", err)
	}
	var other string
	err = tx.queryRow(ctx, `SELECT p.txid FROM purchases p JOIN apps a ON a.developer_id = p.developer_id
		WHERE a.slug = $1 AND p.tid = $2`, p.AppSlug, p.TID).Scan(&other)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: purchase conflict on %q: %w", p.TxID, err)
	}
	return nil, vocdesk.Errorf(vocdesk.ECONFLICT, "tid %q is already used by this developer for txid %q", p.TID, other)
}

type appRef struct {
	ID            int64
	Name          string
	DeveloperID   int64
	DeveloperSlug string
}

func (tx *Tx) appBySlug(ctx context.Context, slug string) (*appRef, error) {
	var r appRef
	err := tx.queryRow(ctx, `SELECT a.id, a.name, a.developer_id, d.slug FROM apps a JOIN developers d ON d.id = a.developer_id WHERE a.slug = $1`, slug).
		Scan(&r.ID, &r.Name, &r.DeveloperID, &r.DeveloperSlug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "unknown app %q", slug)
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: app by slug: %w", err)
	}
	return &r, nil
}

// ensureItem returns the item of app with sku, creating it (named after its
// SKU) when billing sells something vocdesk has not heard of: billing is the
// source of truth. The empty SKU is the app itself.
func (tx *Tx) ensureItem(ctx context.Context, appID int64, sku string) (int64, string, error) {
	var id int64
	var name string
	err := tx.queryRow(ctx, `SELECT id, name FROM items WHERE app_id = $1 AND sku = $2`, appID, sku).Scan(&id, &name)
	if err == nil {
		return id, name, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("sqlstore: item: %w", err)
	}
	name = sku
	if _, err := tx.exec(ctx, `INSERT INTO items (app_id, sku, name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
		appID, sku, name, micros(tx.now)); err != nil {
		return 0, "", fmt.Errorf("sqlstore: create item: %w", err)
	}
	if err := tx.queryRow(ctx, `SELECT id, name FROM items WHERE app_id = $1 AND sku = $2`, appID, sku).Scan(&id, &name); err != nil {
		return 0, "", fmt.Errorf("sqlstore: item: %w", err)
	}
	return id, name, nil
}

// FindPurchaseByTxID returns one purchase the actor may see.
func (s *PurchaseService) FindPurchaseByTxID(ctx context.Context, txid string) (*vocdesk.Purchase, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var c conds
	c.add("p.txid = ?", txid)
	scopePurchases(&c, a, "p")
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	p, err := scanPurchase(tx.dialect, tx.queryRow(ctx, purchaseSelect(tx.dialect)+c.where(), c.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("purchase")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: purchase by txid: %w", err)
	}
	return p, nil
}
