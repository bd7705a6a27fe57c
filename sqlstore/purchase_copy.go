package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
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
	t := &Tx{conn: conn, db: db, dialect: db.dialect, writes: true}
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

// copyPurchases loads rows on PostgreSQL and returns how many were
// inserted.
//
// The common batch is all new, and for it one COPY straight into purchases
// is the fast path: COPY inserts heap tuples in groups, and a plain insert
// skips the speculative pre-check of both unique indexes that ON CONFLICT
// makes per row. It runs under a savepoint, because a batch that repeats a
// stored txid or tid (a re-run, or a txid twice in the batch) fails as a
// whole; then the batch is loaded row by row: COPY into a temporary table,
// and one INSERT ... SELECT ... ON CONFLICT DO NOTHING in batch order, so
// that the first of two rows with one txid is the one stored.
//
// Either way the references are checked once for the whole statement, by
// the trigger of migrations 00053 and 00055, not by four foreign-key lookups
// per row.
func (tx *Tx) copyPurchases(ctx context.Context, rows []importRow) (int64, error) {
	if tx.conn == nil {
		return 0, errors.New("sqlstore: copy needs a connection of its own")
	}
	created := micros(tx.now)
	columns := strings.Split(importColumns, ", ")
	values := func(i int) []any {
		r := rows[i]
		p := r.p
		return []any{p.TxID, p.TID, p.CustomerID, r.devID, r.appID, r.itemID, p.Amount, p.Currency, string(p.Method), micros(p.PaidAt), created}
	}
	if _, err := tx.exec(ctx, `SAVEPOINT import_copy`); err != nil {
		return 0, fmt.Errorf("sqlstore: import: %w", err)
	}
	n, err := tx.copyFrom(ctx, "purchases", columns, len(rows), values)
	if err == nil {
		if _, err := tx.exec(ctx, `RELEASE SAVEPOINT import_copy`); err != nil {
			return 0, fmt.Errorf("sqlstore: import: %w", err)
		}
		return n, nil
	}
	if !isUniqueViolation(err) {
		return 0, fmt.Errorf("sqlstore: copy purchases: %w", err)
	}
	if _, err := tx.exec(ctx, `ROLLBACK TO SAVEPOINT import_copy`); err != nil {
		return 0, fmt.Errorf("sqlstore: import: %w", err)
	}

	if _, err := tx.exec(ctx, `CREATE TEMPORARY TABLE IF NOT EXISTS purchases_import (
		seq INT NOT NULL, txid TEXT, tid TEXT, customer_id BIGINT, developer_id BIGINT, app_id BIGINT, item_id BIGINT,
		amount BIGINT, currency TEXT, method TEXT, paid_at BIGINT, created_at BIGINT) ON COMMIT DELETE ROWS`); err != nil {
		return 0, fmt.Errorf("sqlstore: import table: %w", err)
	}
	_, err = tx.copyFrom(ctx, "purchases_import", append([]string{"seq"}, columns...), len(rows), func(i int) []any {
		return append([]any{int32(i)}, values(i)...)
	})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: copy purchases: %w", err)
	}
	res, err := tx.exec(ctx, `INSERT INTO purchases (`+importColumns+`)
		SELECT `+importColumns+` FROM purchases_import ORDER BY seq
		ON CONFLICT DO NOTHING`)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: import purchases: %w", err)
	}
	n, err = res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: import purchases: %w", err)
	}
	return n, nil
}

// copyFrom runs COPY table (columns) FROM STDIN with n rows, row(i) giving
// the values of the i-th, on the transaction's own connection.
func (tx *Tx) copyFrom(ctx context.Context, table string, columns []string, n int, row func(i int) []any) (int64, error) {
	var copied int64
	err := withPgx(tx.conn, func(c *pgx.Conn) error {
		var err error
		copied, err = c.CopyFrom(ctx, pgx.Identifier{table}, columns,
			pgx.CopyFromSlice(n, func(i int) ([]any, error) { return row(i), nil }))
		return err
	})
	return copied, err
}
