package main

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx" for database/sql
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// catalogItem is an item purchases of the history point at.
type catalogItem struct {
	developerID, appID, itemID int64
	amount                     int64
	currency                   string
}

// history describes the ledger loaded for (c): how many purchases each
// customer has, heavy buyers and a long tail.
type history struct {
	customerIDs []int64 // every customer, samples first
	counts      []int   // purchases per customer, same order
}

// planHistory spreads total purchases over the customers with a log-normal
// distribution (a median buyer has a handful of purchases, a few have
// thousands). Half the samples get heavy histories, half typical ones.
func planHistory(r *rand.Rand, samples []int64, firstBulkID int64, customers, total int) *history {
	counts := make([]float64, customers)
	sum := 0.0
	for i := range counts {
		counts[i] = math.Exp(r.NormFloat64() * 1.4)
		sum += counts[i]
	}
	ints := make([]int, customers)
	assigned := 0
	for i, c := range counts {
		ints[i] = int(c / sum * float64(total))
		assigned += ints[i]
	}
	for i := 0; assigned < total; i = (i + 1) % customers {
		ints[i]++
		assigned++
	}
	slices.SortFunc(ints, func(a, b int) int { return b - a })
	h := &history{}
	used := make([]bool, customers)
	for k, id := range samples {
		j := k / 2 * 3 // heavy: among the very top buyers
		if k%2 == 1 {
			j = customers/2 + k // typical: around the median
		}
		used[j] = true
		h.customerIDs = append(h.customerIDs, id)
		h.counts = append(h.counts, ints[j])
	}
	next := firstBulkID
	for j, n := range ints {
		if !used[j] {
			h.customerIDs = append(h.customerIDs, next)
			h.counts = append(h.counts, n)
			next++
		}
	}
	return h
}

// bulkLoader writes rows straight into the store's tables: loading ten
// million purchases through the API would measure the API, not My Page.
type bulkLoader interface {
	catalog(ctx context.Context) ([]catalogItem, error)
	maxCustomerID(ctx context.Context) (int64, error)
	customers(ctx context.Context, first int64, n int) error
	purchases(ctx context.Context, h *history, items []catalogItem) error
	close() error
}

// purchaseRow yields the history's purchases customer by customer, so the
// customer index is written in order; txids are sequential for the same
// reason.
func eachPurchase(h *history, items []catalogItem, fn func(row []any) error) error {
	r := rand.New(rand.NewPCG(3, 4))
	now := time.Now().UTC()
	seq := 0
	row := make([]any, 13)
	for c, id := range h.customerIDs {
		for range h.counts[c] {
			seq++
			it := items[r.IntN(len(items))]
			paid := now.Add(-time.Duration(r.Int64N(int64(730 * 24 * time.Hour)))).Truncate(time.Second)
			row[0] = fmt.Sprintf("TXH%010d", seq)
			row[1] = fmt.Sprintf("HIST-%010d", seq)
			row[2], row[3], row[4], row[5] = id, it.developerID, it.appID, it.itemID
			row[6], row[7], row[8] = it.amount, it.currency, int64(0)
			row[9], row[10] = methods[r.IntN(len(methods))], "paid"
			row[11], row[12] = paid.UnixMicro(), now.UnixMicro()
			if err := fn(row); err != nil {
				return err
			}
		}
	}
	return nil
}

const purchaseColumns = "txid, tid, customer_id, developer_id, app_id, item_id, amount, currency, refunded, method, status, paid_at, created_at"

// sqliteLoader loads with multi-row INSERTs in large transactions, with the
// secondary indexes dropped during the load and rebuilt after (a sort is
// much cheaper than ten million random B-tree inserts).
type sqliteLoader struct{ db *sql.DB }

func newSQLiteLoader(path string) (*sqliteLoader, error) {
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(60000)&_pragma=synchronous(OFF)&_pragma=cache_size(-1000000)&_pragma=temp_store(MEMORY)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return &sqliteLoader{db: db}, nil
}

func (l *sqliteLoader) close() error { return l.db.Close() }

func (l *sqliteLoader) catalog(ctx context.Context) ([]catalogItem, error) {
	return queryCatalog(ctx, l.db)
}

func queryCatalog(ctx context.Context, db *sql.DB) ([]catalogItem, error) {
	rows, err := db.QueryContext(ctx, `SELECT a.developer_id, a.id, i.id, MIN(p.amount), MIN(p.currency)
		FROM items i JOIN apps a ON a.id = i.app_id JOIN purchases p ON p.item_id = i.id
		GROUP BY a.developer_id, a.id, i.id ORDER BY i.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []catalogItem
	for rows.Next() {
		var it catalogItem
		if err := rows.Scan(&it.developerID, &it.appID, &it.itemID, &it.amount, &it.currency); err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	if len(items) == 0 && rows.Err() == nil {
		return nil, fmt.Errorf("no items with purchases to copy prices from")
	}
	return items, rows.Err()
}

func (l *sqliteLoader) maxCustomerID(ctx context.Context) (int64, error) {
	var id int64
	err := l.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM customers`).Scan(&id)
	return id, err
}

func (l *sqliteLoader) customers(ctx context.Context, first int64, n int) error {
	return insertRows(ctx, l.db, "customers", "id, email, email_key, name, phone, locale, created_at", 7, n, func(i int, row []any) {
		id := first + int64(i)
		email := fmt.Sprintf("hist%d@bench.example", id)
		row[0], row[1], row[2], row[3], row[4], row[5], row[6] = id, email, email, fmt.Sprintf("History %d", id), histPhone(id), "ko", time.Now().UnixMicro()
	})
}

func (l *sqliteLoader) purchases(ctx context.Context, h *history, items []catalogItem) error {
	var defs []string
	rows, err := l.db.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'purchases' AND sql IS NOT NULL`)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	for _, n := range names {
		if _, err := l.db.ExecContext(ctx, "DROP INDEX "+n); err != nil {
			return err
		}
	}
	err = streamInsert(ctx, l.db, "purchases", purchaseColumns, 13, func(emit func([]any) error) error {
		return eachPurchase(h, items, emit)
	})
	if err != nil {
		return err
	}
	logf("sqlite: rebuilding %d indexes", len(defs))
	for _, d := range defs {
		if _, err := l.db.ExecContext(ctx, d); err != nil {
			return err
		}
	}
	_, err = l.db.ExecContext(ctx, "ANALYZE")
	return err
}

// insertRows inserts n generated rows with multi-row INSERTs.
func insertRows(ctx context.Context, db *sql.DB, table, cols string, width, n int, gen func(i int, row []any)) error {
	row := make([]any, width)
	return streamInsert(ctx, db, table, cols, width, func(emit func([]any) error) error {
		for i := range n {
			gen(i, row)
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// streamInsert inserts the rows produce emits, 500 to a statement and
// 200,000 to a transaction.
func streamInsert(ctx context.Context, db *sql.DB, table, cols string, width int, produce func(emit func([]any) error) error) error {
	const perStmt, perTx = 500, 200000
	stmtFor := func(n int) string {
		ph := "(" + strings.TrimSuffix(strings.Repeat("?,", width), ",") + ")"
		return "INSERT INTO " + table + " (" + cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(ph+",", n), ",")
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { tx.Rollback() }()
	full, err := tx.PrepareContext(ctx, stmtFor(perStmt))
	if err != nil {
		return err
	}
	args := make([]any, 0, perStmt*width)
	inTx := 0
	flush := func(final bool) error {
		n := len(args) / width
		if n == 0 {
			return nil
		}
		var err error
		if n == perStmt {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, stmtFor(n), args...)
		}
		if err != nil {
			return err
		}
		args = args[:0]
		inTx += n
		if inTx >= perTx || final {
			full.Close()
			if err := tx.Commit(); err != nil {
				return err
			}
			inTx = 0
			if !final {
				if tx, err = db.BeginTx(ctx, nil); err != nil {
					return err
				}
				if full, err = tx.PrepareContext(ctx, stmtFor(perStmt)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	err = produce(func(row []any) error {
		args = append(args, row...)
		if len(args) == perStmt*width {
			return flush(false)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush(true)
}

// pgLoader loads with COPY, indexes dropped during the load as for SQLite.
type pgLoader struct {
	conn *pgx.Conn
	db   *sql.DB
}

func newPGLoader(ctx context.Context, dsn string) (*pgLoader, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		conn.Close(ctx)
		return nil, err
	}
	return &pgLoader{conn: conn, db: db}, nil
}

func (l *pgLoader) close() error {
	l.db.Close()
	return l.conn.Close(context.Background())
}

func (l *pgLoader) catalog(ctx context.Context) ([]catalogItem, error) {
	return queryCatalog(ctx, l.db)
}

func (l *pgLoader) maxCustomerID(ctx context.Context) (int64, error) {
	var id int64
	err := l.conn.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM customers`).Scan(&id)
	return id, err
}

func (l *pgLoader) customers(ctx context.Context, first int64, n int) error {
	now := time.Now().UnixMicro()
	_, err := l.conn.CopyFrom(ctx, pgx.Identifier{"customers"},
		[]string{"id", "email", "email_key", "name", "phone", "locale", "created_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == 0 {
				return nil, nil
			}
			n--
			id := first
			first++
			email := fmt.Sprintf("hist%d@bench.example", id)
			return []any{id, email, email, fmt.Sprintf("History %d", id), histPhone(id), "ko", now}, nil
		}))
	if err != nil {
		return err
	}
	// Identity or serial columns must continue after the ids set here.
	_, err = l.conn.Exec(ctx, `SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT MAX(id) FROM customers))`)
	return err
}

func (l *pgLoader) purchases(ctx context.Context, h *history, items []catalogItem) error {
	rows, err := l.conn.Query(ctx, `SELECT indexname, indexdef FROM pg_indexes
		WHERE tablename = 'purchases' AND schemaname = current_schema()
		AND indexname NOT IN (SELECT conname FROM pg_constraint)`)
	if err != nil {
		return err
	}
	var names, defs []string
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			return err
		}
		names, defs = append(names, n), append(defs, d)
	}
	rows.Close()
	for _, n := range names {
		if _, err := l.conn.Exec(ctx, "DROP INDEX "+n); err != nil {
			return err
		}
	}
	// The rows point at customers, apps and items that exist; checking four
	// foreign keys per row would make the load ten times slower. The
	// replica role skips the (trigger-based) checks for this session only;
	// it needs a superuser, as the benchmark's server is.
	if _, err := l.conn.Exec(ctx, "SET session_replication_role = replica"); err != nil {
		return fmt.Errorf("skip foreign key checks during the load: %w", err)
	}
	defer l.conn.Exec(context.WithoutCancel(ctx), "SET session_replication_role = DEFAULT")
	rowsc := make(chan []any, 4096)
	errc := make(chan error, 1)
	go func() {
		defer close(rowsc)
		errc <- eachPurchase(h, items, func(row []any) error {
			select {
			case rowsc <- slices.Clone(row):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	_, err = l.conn.CopyFrom(ctx, pgx.Identifier{"purchases"}, strings.Split(strings.ReplaceAll(purchaseColumns, " ", ""), ","),
		pgx.CopyFromFunc(func() ([]any, error) {
			row, ok := <-rowsc
			if !ok {
				return nil, nil
			}
			return row, nil
		}))
	if err != nil {
		return err
	}
	if err := <-errc; err != nil {
		return err
	}
	logf("postgres: rebuilding %d indexes", len(defs))
	if _, err := l.conn.Exec(ctx, "SET maintenance_work_mem = '1GB'"); err != nil {
		return err
	}
	for _, d := range defs {
		if _, err := l.conn.Exec(ctx, d); err != nil {
			return err
		}
	}
	_, err = l.conn.Exec(ctx, "VACUUM ANALYZE purchases")
	if err == nil {
		_, err = l.conn.Exec(ctx, "ANALYZE customers")
	}
	return err
}
