package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// cancellationSelect reads requests with the purchase fields people read
// them by (txid, tid, app), in one query.
const cancellationSelect = `SELECT r.id, r.purchase_id, p.txid, p.tid, r.developer_id, a.slug, r.customer_id,
	r.amount, r.currency, p.amount, p.method, r.reason, r.note, r.status, r.source, r.refund_method, r.method_notice,
	r.rejection_reason, r.failure_reason, r.inquiry_id, r.execution, r.created_at, r.updated_at, r.decided_at, r.refunded_at
	FROM cancellation_requests r
	JOIN purchases p ON p.id = r.purchase_id
	JOIN apps a ON a.id = p.app_id`

func scanCancellation(s scanner) (*vocdesk.CancellationRequest, error) {
	var r vocdesk.CancellationRequest
	var method, reason, status, source, refundMethod string
	var inquiry, decided, refunded sql.NullInt64
	var created, updated int64
	err := s.Scan(&r.ID, &r.PurchaseID, &r.TxID, &r.TID, &r.DeveloperID, &r.AppSlug, &r.CustomerID,
		&r.Amount, &r.Currency, &r.PurchaseAmount, &method, &reason, &r.Note, &status, &source, &refundMethod, &r.MethodNotice,
		&r.RejectionReason, &r.FailureReason, &inquiry, &r.Execution, &created, &updated, &decided, &refunded)
	if err != nil {
		return nil, err
	}
	r.PaymentMethod, r.Reason, r.Status = vocdesk.Method(method), vocdesk.CancellationReason(reason), vocdesk.CancellationStatus(status)
	r.Source, r.Method = vocdesk.CancellationSource(source), vocdesk.RefundMethod(refundMethod)
	r.InquiryID = inquiry.Int64
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	r.DecidedAt, r.RefundedAt = nullMicros(decided), nullMicros(refunded)
	return &r, nil
}

// cancellationByID reads one request in the actor's scope; lock takes the
// row's lock on PostgreSQL for a change that follows.
func (tx *Tx) cancellationByID(ctx context.Context, a *vocdesk.Actor, id int64, lock bool) (*vocdesk.CancellationRequest, error) {
	var c conds
	c.add("r.id = ?", id)
	scopePurchases(&c, a, "r")
	q := cancellationSelect + c.where()
	if lock {
		q += tx.forUpdate("r")
	}
	r, err := scanCancellation(tx.queryRow(ctx, q, c.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("cancellation request")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: cancellation request: %w", err)
	}
	return r, nil
}

// forUpdate is the row-lock clause on PostgreSQL ("FOR UPDATE OF alias")
// and nothing on SQLite, whose single writer already excludes every other
// writer for the whole transaction.
func (tx *Tx) forUpdate(alias string) string {
	if tx.dialect != dialectPostgres {
		return ""
	}
	if alias == "" {
		return " FOR UPDATE"
	}
	return " FOR UPDATE OF " + alias
}

// FindCancellationByID implements vocdesk.CancellationService.
func (s *CancellationService) FindCancellationByID(ctx context.Context, id int64) (*vocdesk.CancellationRequest, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return tx.cancellationByID(ctx, a, id, false)
}

// FindCancellations implements vocdesk.CancellationService: newest first,
// keyset-paged on (created_at, id).
func (s *CancellationService) FindCancellations(ctx context.Context, f vocdesk.CancellationFilter) ([]*vocdesk.CancellationRequest, string, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	var c conds
	scopePurchases(&c, a, "r")
	if f.Status != "" {
		if !f.Status.Valid() {
			return nil, "", vocdesk.Errorf(vocdesk.EINVALID, "status must be one of pending, approved, processing, refunded, rejected, failed")
		}
		c.add("r.status = ?", string(f.Status))
	}
	if f.TxID != "" {
		c.add("p.txid = ?", f.TxID)
	}
	if f.CustomerID != 0 {
		c.add("r.customer_id = ?", f.CustomerID)
	}
	if f.InquiryID != 0 {
		c.add("r.inquiry_id = ?", f.InquiryID)
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		c.add("(r.created_at, r.id) < (?, ?)", at, id)
	}
	q := cancellationSelect + c.where() + ` ORDER BY r.created_at DESC, r.id DESC LIMIT ` + c.next(limit+1)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, q, c.args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: find cancellation requests: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.CancellationRequest
	for rows.Next() {
		r, err := scanCancellation(rows)
		if err != nil {
			return nil, "", fmt.Errorf("sqlstore: find cancellation requests: %w", err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlstore: find cancellation requests: %w", err)
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = encodeCursor(micros(last.CreatedAt), last.ID)
	}
	return list, next, nil
}

// pageLimit applies the lists' default (50) and cap (200).
func pageLimit(n int) int {
	if n <= 0 {
		return defaultPurchaseLimit
	}
	return min(n, maxPurchaseLimit)
}
