package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/vocdesk/vocdesk"
)

// ImportPurchases records a batch from a billing export in one transaction:
// the fast path for loading history. Compared with RecordPurchase per row it
//
//   - resolves each distinct app, item and customer once per batch;
//   - inserts many rows per statement (COPY on PostgreSQL), and
//     re-reads only when a statement inserted fewer rows than it sent;
//   - writes one audit row per batch ("purchases.imported" with counts), not
//     one per purchase: an import is one act by one actor, and a row per
//     purchase would double the write volume of the fast path while adding
//     nothing the purchases table does not already say.
//
// Rows that fail validation, name an unknown app or customer, or clash with
// a stored purchase get their reason in errs[i]; a row already stored with
// the same values is not an error, so an import can be re-run.
func (s *PurchaseService) ImportPurchases(ctx context.Context, batch []*vocdesk.Purchase) ([]error, error) {
	a, err := operatorFrom(ctx)
	if err != nil {
		return nil, err
	}
	// Batches written side by side on PostgreSQL (purchaseimport's
	// writers) may hold the same txid or tid; the unique indexes then make
	// one wait for the other, in an order the txid sort does not fix for
	// the tid index. PostgreSQL breaks such a deadlock by aborting one,
	// which simply runs again.
	for attempt := 1; ; attempt++ {
		errs, err := s.importBatch(ctx, a, batch)
		if !isDeadlock(err) || attempt == 3 {
			return errs, err
		}
	}
}

// importBatch is ImportPurchases' one try, in one transaction.
func (s *PurchaseService) importBatch(ctx context.Context, a *vocdesk.Actor, batch []*vocdesk.Purchase) ([]error, error) {
	errs := make([]error, len(batch))
	rows := make([]importRow, 0, len(batch))
	for i, p := range batch {
		if p == nil {
			errs[i] = vocdesk.Errorf(vocdesk.EINVALID, "empty row").Because("import_row_empty")
			continue
		}
		if err := p.Validate(); err != nil {
			errs[i] = err
			continue
		}
		normalize(p)
		rows = append(rows, importRow{i: i, p: p})
	}
	if len(rows) == 0 {
		return errs, nil
	}

	tx, err := s.db.beginImport(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err = tx.resolveImport(ctx, rows, errs)
	if err != nil {
		return nil, err
	}
	// Inserting in txid order makes concurrent imports on PostgreSQL take
	// their index locks in the same order (no deadlock between overlapping
	// batches); the sort is stable, so of two rows with one txid the first
	// in the batch is the one stored.
	slices.SortStableFunc(rows, func(x, y importRow) int { return strings.Compare(x.p.TxID, y.p.TxID) })

	var inserted int64
	if tx.dialect == dialectPostgres {
		inserted, err = tx.copyPurchases(ctx, rows)
	} else {
		inserted, err = tx.insertPurchases(ctx, rows)
	}
	if err != nil {
		return nil, err
	}
	// Each paid purchase gives a review of its app by its customer the
	// verified mark, if none did (rows skipped as already stored too: a
	// page read again costs less than telling them apart).
	for _, r := range rows {
		tx.reviewPagesChanged(reviewPageChange{app: r.appID, dev: r.devID, customer: r.p.CustomerID})
	}
	if inserted < int64(len(rows)) {
		if err := tx.explainSkipped(ctx, rows, errs); err != nil {
			return nil, err
		}
	}
	rejected := 0
	for _, e := range errs {
		if e != nil {
			rejected++
		}
	}
	summary := map[string]any{"rows": len(batch), "inserted": inserted, "rejected": rejected,
		"first_txid": rows[0].p.TxID, "last_txid": rows[len(rows)-1].p.TxID}
	if err := tx.audit(ctx, a, change{action: "purchases.imported", entity: "purchase", after: summary}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return errs, nil
}

type importRow struct {
	i                    int // index in the caller's batch
	p                    *vocdesk.Purchase
	devID, appID, itemID int64
}

// resolveImport looks each distinct app, item and customer up once, fills
// the ids in, and drops (with a reason in errs) rows naming unknown ones.
func (tx *Tx) resolveImport(ctx context.Context, rows []importRow, errs []error) ([]importRow, error) {
	apps := map[string]*appRef{}
	type itemKey struct {
		app int64
		sku string
	}
	items := map[itemKey]int64{}
	customers := map[int64]bool{}
	for _, r := range rows {
		customers[r.p.CustomerID] = false
	}
	if err := tx.existingCustomers(ctx, customers); err != nil {
		return nil, err
	}
	kept := rows[:0]
	for _, r := range rows {
		app, ok := apps[r.p.AppSlug]
		if !ok {
			var err error
			app, err = tx.appBySlug(ctx, r.p.AppSlug)
			if err != nil && vocdesk.ErrorCode(err) != vocdesk.EINVALID {
				return nil, err
			}
			apps[r.p.AppSlug] = app // nil: unknown, remembered too
		}
		if app == nil {
			errs[r.i] = vocdesk.Errorf(vocdesk.EINVALID, "unknown app %q", r.p.AppSlug).Because("import_app_unknown", r.p.AppSlug)
			continue
		}
		if !customers[r.p.CustomerID] {
			errs[r.i] = vocdesk.Errorf(vocdesk.EINVALID, "unknown customer_id %d", r.p.CustomerID).
				Because("import_customer_unknown", r.p.CustomerID)
			continue
		}
		k := itemKey{app.ID, r.p.ItemSKU}
		itemID, ok := items[k]
		if !ok {
			var err error
			if itemID, _, err = tx.ensureItem(ctx, app.ID, r.p.ItemSKU); err != nil {
				return nil, err
			}
			items[k] = itemID
		}
		r.devID, r.appID, r.itemID = app.DeveloperID, app.ID, itemID
		kept = append(kept, r)
	}
	return kept, nil
}

// existingCustomers marks which of the ids in m exist.
func (tx *Tx) existingCustomers(ctx context.Context, m map[int64]bool) error {
	ids := make([]any, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		rs, err := tx.query(ctx, `SELECT id FROM customers WHERE id IN (`+placeholders(1, n)+`)`, ids[:n]...)
		if err != nil {
			return fmt.Errorf("sqlstore: import customers: %w", err)
		}
		for rs.Next() {
			var id int64
			if err := rs.Scan(&id); err != nil {
				rs.Close()
				return fmt.Errorf("sqlstore: import customers: %w", err)
			}
			m[id] = true
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return fmt.Errorf("sqlstore: import customers: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

// placeholders returns "$from, $from+1, ..." n times.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + i))
	}
	return b.String()
}

// importColumns are bound per row; refunded and status take their defaults
// (0, 'paid').
const (
	importColumns = `txid, tid, customer_id, developer_id, app_id, item_id, amount, currency, method, paid_at, created_at`
	importArgs    = 11
	// Rows per statement (SQLite allows 32766 parameters); larger
	// statements gained nothing in benchmarks.
	importRowsPerStatement = 1000
)

var insertSQL sync.Map // rows per statement -> SQL

// insertPurchasesSQL returns SQLite's INSERT for n rows.
//
// It says OR IGNORE, not ON CONFLICT DO NOTHING: under the latter a NOT NULL
// or CHECK failure aborts the statement, so SQLite keeps a statement journal
// of every page a multi-row INSERT touches in order to undo it, and keeping
// it was two fifths of an import's time. Nothing can abort an OR IGNORE
// (provided no CHECK calls a function: see the migration), so there is
// nothing to journal. The rows were validated before; explainSkipped says
// why each skipped row was skipped.
//
// Placeholders are anonymous "?": the driver looks each bound parameter's
// name up in a list that is linear in the number of named parameters, which
// made an 11,000-parameter statement quadratic.
func insertPurchasesSQL(n int) string {
	if q, ok := insertSQL.Load(n); ok {
		return q.(string)
	}
	row := "(" + strings.Repeat("?, ", importArgs-1) + "?)"
	q := `INSERT OR IGNORE INTO purchases (` + importColumns + `) VALUES ` + strings.Repeat(row+", ", n-1) + row
	insertSQL.Store(n, q)
	return q
}

// insertPurchases inserts rows on SQLite with multi-row statements, the
// full-size one prepared once, and returns how many rows were inserted.
func (tx *Tx) insertPurchases(ctx context.Context, rows []importRow) (int64, error) {
	var full *preparedStmt
	var inserted int64
	args := make([]any, 0, importRowsPerStatement*importArgs)
	created := micros(tx.now)
	for len(rows) > 0 {
		n := min(len(rows), importRowsPerStatement)
		args = args[:0]
		for _, r := range rows[:n] {
			p := r.p
			args = append(args, p.TxID, p.TID, p.CustomerID, r.devID, r.appID, r.itemID, p.Amount, p.Currency, string(p.Method), micros(p.PaidAt), created)
		}
		var st *preparedStmt
		var err error
		if n == importRowsPerStatement {
			if full == nil {
				if full, err = tx.prepare(ctx, insertPurchasesSQL(n)); err != nil {
					return 0, err
				}
				defer full.Close()
			}
			st = full
		} else {
			if st, err = tx.prepare(ctx, insertPurchasesSQL(n)); err != nil {
				return 0, err
			}
			defer st.Close()
		}
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return 0, fmt.Errorf("sqlstore: import purchases: %w", err)
		}
		k, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("sqlstore: import purchases: %w", err)
		}
		inserted += k
		rows = rows[n:]
	}
	return inserted, nil
}

// explainSkipped gives every row that the inserts skipped its answer: the
// stored purchase under its txid is the same order (a re-run, or a repeat
// within the batch) and fine, or it differs (ECONFLICT), or no purchase has
// the txid and the developer's tid clashed (ECONFLICT naming it). Rows that
// were inserted compare equal to themselves, so all rows are checked.
func (tx *Tx) explainSkipped(ctx context.Context, rows []importRow, errs []error) error {
	stored := make(map[string]*vocdesk.Purchase, len(rows))
	for start := 0; start < len(rows); start += 1000 {
		part := rows[start:min(len(rows), start+1000)]
		args := make([]any, len(part))
		for i, r := range part {
			args[i] = r.p.TxID
		}
		rs, err := tx.query(ctx, purchaseSelect(tx.dialect)+` WHERE p.txid IN (`+placeholders(1, len(part))+`)`, args...)
		if err != nil {
			return fmt.Errorf("sqlstore: import re-check: %w", err)
		}
		for rs.Next() {
			p, err := scanPurchase(tx.dialect, rs)
			if err != nil {
				rs.Close()
				return fmt.Errorf("sqlstore: import re-check: %w", err)
			}
			stored[p.TxID] = p
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return fmt.Errorf("sqlstore: import re-check: %w", err)
		}
	}
	for _, r := range rows {
		if got, ok := stored[r.p.TxID]; ok {
			if !got.SameOrder(r.p) {
				errs[r.i] = vocdesk.Errorf(vocdesk.ECONFLICT, "txid %q is already recorded with other values", r.p.TxID).
					Because("import_txid_conflict", r.p.TxID)
			}
			continue
		}
		var other string
		err := tx.queryRow(ctx, `SELECT txid FROM purchases WHERE developer_id = $1 AND tid = $2`, r.devID, r.p.TID).Scan(&other)
		if errors.Is(err, sql.ErrNoRows) {
			// Neither key clashed, so a constraint the validation does not
			// know of refused the row.
			errs[r.i] = vocdesk.Errorf(vocdesk.EINVALID, "the ledger refused the row").Because("import_ledger_refused")
			continue
		}
		if err != nil {
			return fmt.Errorf("sqlstore: import re-check %q: %w", r.p.TxID, err)
		}
		errs[r.i] = vocdesk.Errorf(vocdesk.ECONFLICT, "tid %q is already used by this developer for txid %q", r.p.TID, other).
			Because("import_tid_taken", r.p.TID, other)
	}
	return nil
}
