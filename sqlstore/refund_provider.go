package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/payment"
)

// ProviderLedger is the built-in payment provider's own log
// (payment.Ledger), in the provider_refunds table. It stands for a system
// outside vocdesk, so it writes in transactions of its own and never in a
// vocdesk service's.
type ProviderLedger struct{ db *DB }

// NewProviderLedger returns the store ledger provider's log on db.
func NewProviderLedger(db *DB) *ProviderLedger { return &ProviderLedger{db: db} }

var _ payment.Ledger = (*ProviderLedger)(nil)

// Record implements payment.Ledger. On PostgreSQL a transaction-scoped
// advisory lock on the txid serialises records of one charge, so decide sees
// every refund of it; on SQLite the single writer does.
func (l *ProviderLedger) Record(ctx context.Context, e payment.Entry, decide func(int64) (payment.Status, string)) (*payment.Entry, error) {
	var out *payment.Entry
	err := l.db.inWrite(ctx, func(tx *Tx) error {
		if tx.dialect == dialectPostgres {
			h := fnv.New64a()
			h.Write([]byte("provider " + e.TxID))
			if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(h.Sum64())); err != nil {
				return fmt.Errorf("sqlstore: provider lock: %w", err)
			}
		}
		found, err := tx.providerEntry(ctx, e.Key)
		if err != nil || found != nil {
			out = found
			return err
		}
		var before int64
		if err := tx.queryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM provider_refunds WHERE txid = $1 AND status = 'succeeded'`,
			e.TxID).Scan(&before); err != nil {
			return fmt.Errorf("sqlstore: provider refunds: %w", err)
		}
		e.Status, e.Reason = decide(before)
		e.At = tx.now
		if _, err := tx.exec(ctx, `INSERT INTO provider_refunds
			(idempotency_key, txid, amount, currency, method, status, reason, provider_ref, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			e.Key, e.TxID, e.Amount, e.Currency, string(e.Method), string(e.Status), e.Reason, e.Ref, micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: provider refund: %w", err)
		}
		out = &e
		return nil
	})
	return out, err
}

// Find implements payment.Ledger.
func (l *ProviderLedger) Find(ctx context.Context, key string) (*payment.Entry, error) {
	tx, err := l.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return tx.providerEntry(ctx, key)
}

func (tx *Tx) providerEntry(ctx context.Context, key string) (*payment.Entry, error) {
	var e payment.Entry
	var method, status string
	var at int64
	err := tx.queryRow(ctx, `SELECT idempotency_key, txid, amount, currency, method, status, reason, provider_ref, created_at
		FROM provider_refunds WHERE idempotency_key = $1`, key).
		Scan(&e.Key, &e.TxID, &e.Amount, &e.Currency, &method, &status, &e.Reason, &e.Ref, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: provider refund: %w", err)
	}
	e.Method, e.Status, e.At = vocdesk.RefundMethod(method), payment.Status(status), fromMicros(at)
	return &e, nil
}
