package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// beginImport is beginWrite on a connection the transaction holds of its
// own. PostgreSQL needs it for COPY. On SQLite it is used to switch foreign
// key checks off for the import's duration: the import resolves every
// customer, app and item itself in the same transaction, so the four
// parent lookups SQLite would repeat per row are redundant (a fifth of the
// import's time). The pragma cannot change inside a transaction, hence the
// connection; release switches it back on.
func (db *DB) beginImport(ctx context.Context) (*Tx, error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: conn: %w", err)
	}
	t := &Tx{conn: conn, db: db, dialect: db.dialect}
	if db.dialect == dialectSQLite {
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			conn.Close()
			return nil, fmt.Errorf("sqlstore: import: %w", err)
		}
		t.restoreFK = true
	}
	if t.tx, err = conn.BeginTx(ctx, nil); err != nil {
		t.release()
		return nil, fmt.Errorf("sqlstore: begin: %w", err)
	}
	t.now = db.now()
	return t, nil
}

// copyPurchases loads rows on PostgreSQL: COPY into a temporary table (the
// binary protocol, no SQL to parse per row), then one INSERT ... SELECT ...
// ON CONFLICT DO NOTHING into purchases, in batch order so that the first of
// two rows with one txid is the one stored. The references are checked once
// for the whole statement, by the trigger of migration 00053, not by four
// foreign-key lookups per row.
func (tx *Tx) copyPurchases(ctx context.Context, rows []importRow) (int64, error) {
	if tx.conn == nil {
		return 0, errors.New("sqlstore: copy needs a connection of its own")
	}
	if _, err := tx.exec(ctx, `CREATE TEMPORARY TABLE IF NOT EXISTS purchases_import (
		seq INT NOT NULL, txid TEXT, tid TEXT, customer_id BIGINT, developer_id BIGINT, app_id BIGINT, item_id BIGINT,
		amount BIGINT, currency TEXT, method TEXT, paid_at BIGINT) ON COMMIT DELETE ROWS`); err != nil {
		return 0, fmt.Errorf("sqlstore: import table: %w", err)
	}
	err := tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: copy: driver connection is %T", dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{"purchases_import"},
			[]string{"seq", "txid", "tid", "customer_id", "developer_id", "app_id", "item_id", "amount", "currency", "method", "paid_at"},
			pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
				r := rows[i]
				p := r.p
				return []any{int32(i), p.TxID, p.TID, p.CustomerID, r.devID, r.appID, r.itemID, p.Amount, p.Currency, string(p.Method), micros(p.PaidAt)}, nil
			}))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: copy purchases: %w", err)
	}
	res, err := tx.exec(ctx, `INSERT INTO purchases (`+importColumns+`)
		SELECT txid, tid, customer_id, developer_id, app_id, item_id, amount, currency, method, paid_at, $1
		FROM purchases_import ORDER BY seq
		ON CONFLICT DO NOTHING`, micros(tx.now))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: import purchases: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: import purchases: %w", err)
	}
	return n, nil
}
