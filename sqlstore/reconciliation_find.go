package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

const reconSelect = `SELECT r.id, r.developer_id, d.slug, r.source, r.file_name, r.format, r.columns, r.from_at, r.to_at,
	r.counts, r.store_rows, r.server_rows, r.invalid_rows, r.exceptions, r.errors, r.created_by, r.created_at
	FROM reconciliations r JOIN developers d ON d.id = r.developer_id`

func scanRecon(r scanner) (*vocdesk.Reconciliation, error) {
	var rep vocdesk.Reconciliation
	var source, cols, counts string
	var from, to, created int64
	if err := r.Scan(&rep.ID, &rep.DeveloperID, &rep.DeveloperSlug, &source, &rep.FileName, &rep.Format, &cols, &from, &to,
		&counts, &rep.StoreRows, &rep.ServerRows, &rep.InvalidRows, &rep.Exceptions, &rep.Errors, &rep.CreatedBy, &created); err != nil {
		return nil, err
	}
	rep.Source, rep.Columns = vocdesk.ReconSource(source), parseColumnsJSON(cols)
	rep.From, rep.To, rep.CreatedAt = fromMicros(from), fromMicros(to), fromMicros(created)
	if err := json.Unmarshal([]byte(counts), &rep.Counts); err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	return &rep, nil
}

// FindReconciliations lists reports newest first.
func (s *ReconciliationService) FindReconciliations(ctx context.Context, f vocdesk.ReconFilter) ([]*vocdesk.Reconciliation, string, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	var c conds
	scopeDeveloperOwned(&c, a, "r")
	if f.Cursor != "" {
		_, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		c.add("r.id < ?", id)
	}
	limit := pageLimit(f.Limit)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, reconSelect+c.where()+` ORDER BY r.id DESC LIMIT `+c.next(limit+1), c.args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: find reconciliations: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.Reconciliation
	for rows.Next() {
		rep, err := scanRecon(rows)
		if err != nil {
			return nil, "", fmt.Errorf("sqlstore: find reconciliations: %w", err)
		}
		list = append(list, rep)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlstore: find reconciliations: %w", err)
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		next = encodeCursor(0, list[limit-1].ID)
	}
	return list, next, nil
}

// FindReconciliation returns one report the actor may see.
func (s *ReconciliationService) FindReconciliation(ctx context.Context, id int64) (*vocdesk.Reconciliation, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return tx.reconFor(ctx, a, id)
}

func (tx *Tx) reconFor(ctx context.Context, a *vocdesk.Actor, id int64) (*vocdesk.Reconciliation, error) {
	var c conds
	scopeDeveloperOwned(&c, a, "r")
	c.add("r.id = ?", id)
	rep, err := scanRecon(tx.queryRow(ctx, reconSelect+c.where(), c.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("reconciliation")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: reconciliation %d: %w", id, err)
	}
	return rep, nil
}

// exceptionSelect joins each exception to its purchase, inside the
// report's developer, so the report links to the purchase and customer.
const exceptionSelect = `SELECT e.seq, e.category, e.txid, e.tid, e.store_amount, e.store_currency,
	e.server_amount, e.server_currency, COALESCE(p.id, 0), COALESCE(p.customer_id, 0)
	FROM recon_exceptions e
	LEFT JOIN purchases p ON e.store_currency <> '' AND p.txid = e.txid AND p.developer_id = $2
	WHERE e.reconciliation_id = $1`

func scanException(r scanner) (*vocdesk.ReconException, error) {
	var e vocdesk.ReconException
	err := r.Scan(&e.ID, &e.Category, &e.TxID, &e.TID, &e.StoreAmount, &e.StoreCurrency,
		&e.ServerAmount, &e.ServerCurrency, &e.PurchaseID, &e.CustomerID)
	return &e, err
}

func checkCategory(c string) error {
	if c != "" && !vocdesk.IsReconListed(c) {
		return vocdesk.Errorf(vocdesk.EINVALID, "category must be one of paid_not_delivered, amount_mismatch, duplicate_delivery, delivered_after_refund, delivered_not_paid, outside_period")
	}
	return nil
}

// FindReconExceptions pages a report's exceptions in report order.
func (s *ReconciliationService) FindReconExceptions(ctx context.Context, id int64, f vocdesk.ReconFilter) ([]*vocdesk.ReconException, string, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := checkCategory(f.Category); err != nil {
		return nil, "", err
	}
	after := int64(0)
	if f.Cursor != "" {
		if _, after, err = decodeCursor(f.Cursor); err != nil {
			return nil, "", err
		}
	}
	limit := pageLimit(f.Limit)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	rep, err := tx.reconFor(ctx, a, id)
	if err != nil {
		return nil, "", err
	}
	var list []*vocdesk.ReconException
	err = tx.eachException(ctx, rep, f.Category, after, limit+1, func(e *vocdesk.ReconException) error {
		list = append(list, e)
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		next = encodeCursor(0, list[limit-1].ID)
	}
	return list, next, nil
}

// EachReconException streams a report's exceptions to fn, for the CSV
// export.
func (s *ReconciliationService) EachReconException(ctx context.Context, id int64, category string, fn func(*vocdesk.ReconException) error) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	if err := checkCategory(category); err != nil {
		return err
	}
	tx, err := s.db.beginStream(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rep, err := tx.reconFor(ctx, a, id)
	if err != nil {
		return err
	}
	return tx.eachException(ctx, rep, category, 0, 0, fn)
}

// eachException reads exceptions after seq after, at most limit (0: all).
func (tx *Tx) eachException(ctx context.Context, rep *vocdesk.Reconciliation, category string, after int64, limit int,
	fn func(*vocdesk.ReconException) error) error {
	q := exceptionSelect + ` AND e.seq > $3`
	args := []any{rep.ID, rep.DeveloperID, after}
	if category != "" {
		q += ` AND e.category = $4`
		args = append(args, category)
	} else {
		// Records outside the period are no exceptions: listed only on
		// their own, so the exceptions and exceptions.csv stay the problems.
		q += ` AND e.category <> '` + vocdesk.ReconOutsidePeriod + `'`
	}
	q += ` ORDER BY e.seq`
	if limit > 0 {
		args = append(args, limit)
		q += fmt.Sprintf(` LIMIT $%d`, len(args))
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("sqlstore: reconciliation exceptions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanException(rows)
		if err != nil {
			return fmt.Errorf("sqlstore: reconciliation exceptions: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// FindReconErrors returns up to limit of a report's malformed rows, in
// order.
func (s *ReconciliationService) FindReconErrors(ctx context.Context, id int64, limit int) ([]*vocdesk.ReconRowError, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.reconFor(ctx, a, id); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT source, line, message, reason, args FROM recon_errors WHERE reconciliation_id = $1 ORDER BY seq LIMIT $2`,
		id, pageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: reconciliation errors: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.ReconRowError
	for rows.Next() {
		var e vocdesk.ReconRowError
		var args string
		if err := rows.Scan(&e.Source, &e.Line, &e.Message, &e.Reason, &args); err != nil {
			return nil, fmt.Errorf("sqlstore: reconciliation errors: %w", err)
		}
		e.Args = keptArgs(args)
		list = append(list, &e)
	}
	return list, rows.Err()
}
