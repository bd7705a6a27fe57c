package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite"

	"github.com/vocdesk/vocdesk/bench/internal/benchdb"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// chunk is how many rows one INSERT ... SELECT writes: a transaction of a
// size either engine commits without strain.
const chunk = 500_000

// open is benchdb.Open keeping the DSN, which the loader's own connection
// needs.
func open(ctx context.Context, engine, pgURL string) (*sqlstore.DB, string, func(), error) {
	dsn, drop, err := benchdb.Fresh(engine, pgURL, "reports")
	if err != nil {
		return nil, "", nil, err
	}
	db, err := sqlstore.Open(ctx, dsn)
	if err == nil {
		err = db.Migrate(ctx)
	}
	if err != nil {
		drop()
		return nil, "", nil, err
	}
	return db, dsn, func() { db.Close(); drop() }, nil
}

// loader generates rows in the database: each statement inserts the rows
// of a series lo..hi, computed from i alone, so loading 10M purchases sends
// a few statements rather than 10M rows.
type loader struct {
	db     *sql.DB
	sqlite bool
}

// series runs "INSERT INTO table (cols) SELECT <sel> FROM s" for i in lo..hi,
// where sel may read i (a BIGINT).
func (l *loader) series(ctx context.Context, table, cols, sel string, n int) error {
	for lo := 1; lo <= n; lo += chunk {
		hi := min(n, lo+chunk-1)
		var q string
		if l.sqlite {
			q = fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM s WHERE i < %d)
				INSERT INTO %s (%s) SELECT %s FROM s`, lo, hi, table, cols, sel)
		} else {
			q = fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM generate_series(%d::bigint, %d::bigint) AS s(i)`, table, cols, sel, lo, hi)
		}
		if _, err := l.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s %d-%d: %w", table, lo, hi, err)
		}
	}
	return nil
}

// appOf spreads rows over the apps, a tenth of them to developer 1's two
// apps (1 and 2), the rest evenly over the others.
func appOf(apps int) string {
	return fmt.Sprintf("(CASE WHEN i %% 10 = 0 THEN 1 + (i / 10) %% 2 ELSE 3 + (i * 7919) %% %d END)", apps-2)
}

func load(ctx context.Context, engine, dsn string, c config) error {
	driver, conn := "pgx", dsn
	if engine == "sqlite" {
		driver, conn = "sqlite", dsn+"?_pragma=busy_timeout(10000)&_pragma=synchronous(OFF)&_pragma=foreign_keys(OFF)&_pragma=cache_size(-262144)"
	}
	db, err := sql.Open(driver, conn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	l := &loader{db: db, sqlite: engine == "sqlite"}
	t0 := now.UnixMicro()
	year := int64(365 * 24 * time.Hour / time.Microsecond)
	apps, customers := 2*c.developers, max(1000, c.purchases/100)
	steps := []struct {
		table, cols, sel string
		n                int
	}{
		{"developers", "slug, name, email, created_at", fmt.Sprintf("'dev-' || i, 'Developer ' || i, 'dev' || i || '@example.com', %d", t0), c.developers},
		{"apps", "developer_id, slug, name, created_at", fmt.Sprintf("(i - 1) / 2 + 1, 'app-' || i, '앱 ' || i, %d", t0), apps},
		{"items", "app_id, sku, name, created_at", fmt.Sprintf("i, 'gems', '보석 100개', %d", t0), apps},
		{"customers", "email, email_key, name, phone, locale, created_at",
			fmt.Sprintf("'c' || i || '@example.com', 'c' || i || '@example.com', '고객' || i, '', 'ko', %d", t0), customers},
	}
	for _, s := range steps {
		if err := l.series(ctx, s.table, s.cols, s.sel, s.n); err != nil {
			return err
		}
	}
	// Purchases: a year, newest first; 1 in 50 in USD; about 1 in 100 half
	// refunded, developer 1's (every tenth purchase) included.
	amount := "(CASE WHEN i % 50 = 7 THEN 99 + (i % 5) * 100 ELSE 1100 * (1 + i % 10) END)"
	refundedIf := "(i % 100 = 3 OR i % 1000 = 500)"
	refunded := "(CASE WHEN " + refundedIf + " THEN " + amount + " / 2 ELSE 0 END)"
	err = l.series(ctx, "purchases", "txid, tid, customer_id, developer_id, app_id, item_id, amount, currency, refunded, method, status, paid_at, created_at",
		fmt.Sprintf(`'T' || i, 'o' || i, 1 + (i * 31) %% %d, (%s - 1) / 2 + 1, %s, %s, %s,
			CASE WHEN i %% 50 = 7 THEN 'USD' ELSE 'KRW' END, %s,
			CASE i %% 4 WHEN 0 THEN 'carrier' WHEN 1 THEN 'card' WHEN 2 THEN 'cash' ELSE 'gift' END,
			CASE WHEN %s THEN 'partially_refunded' ELSE 'paid' END, %d - i * %d, %d`,
			customers, appOf(apps), appOf(apps), appOf(apps), amount, refunded, refundedIf, t0, year/int64(c.purchases), t0), c.purchases)
	if err != nil {
		return err
	}
	// The refunds: each refunded purchase's request and ledger entry, a day after it was paid.
	if _, err := db.ExecContext(ctx, `INSERT INTO cancellation_requests (purchase_id, developer_id, customer_id, amount, currency, reason,
		status, source, refund_method, created_at, updated_at, decided_at, refunded_at)
		SELECT id, developer_id, customer_id, refunded, currency,
			CASE id % 6 WHEN 0 THEN 'customer_request' WHEN 1 THEN 'not_delivered' WHEN 2 THEN 'duplicate_purchase'
				WHEN 3 THEN 'defective' WHEN 4 THEN 'fraud' ELSE 'other' END,
			'refunded', 'developer', 'original', paid_at + 86400000000, paid_at + 86400000000, paid_at + 86400000000, paid_at + 86400000000
		FROM purchases WHERE refunded > 0`); err != nil {
		return fmt.Errorf("cancellation_requests: %w", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO refund_entries (request_id, purchase_id, developer_id, customer_id, amount, currency,
		refund_method, provider_key, provider_ref, created_at)
		SELECT id, purchase_id, developer_id, customer_id, amount, currency, 'original', 'pk' || id, 'ref' || id, refunded_at
		FROM cancellation_requests`); err != nil {
		return fmt.Errorf("refund_entries: %w", err)
	}
	// Inquiries: a year. Those of the last week are in every state, as a
	// desk's backlog is; older ones are resolved (6 in 7) or closed. 80%
	// answered, a third of the resolved rated; and their inquiry_stats rows.
	week := c.inquiries / 52
	status := fmt.Sprintf(`(CASE WHEN i > %d THEN (CASE WHEN i %% 7 = 6 THEN 'closed' ELSE 'resolved' END)
		WHEN i %% 10 < 6 THEN 'resolved' WHEN i %% 10 = 6 THEN 'closed' WHEN i %% 10 = 7 THEN 'waiting_on_customer'
		WHEN i %% 10 = 8 THEN 'open' ELSE 'new' END)`, week)
	rating := fmt.Sprintf("(CASE WHEN (i > %d OR i %% 10 < 7) AND i %% 3 = 0 THEN 1 + i %% 5 ELSE 0 END)", week)
	created := fmt.Sprintf("(%d - i * %d)", t0, year/int64(c.inquiries))
	ratings, err := countersOff(ctx, l, "inquiries", "00135_inquiry_days_ratings.sql")
	if err != nil {
		return err
	}
	err = l.series(ctx, "inquiries", `developer_id, app_id, customer_id, channel, category, subject, status, rating, rating_comment,
		created_at, updated_at, last_message_at, first_response_at, wait_sort, due_sort`,
		fmt.Sprintf(`(%s - 1) / 2 + 1, %s, 1 + (i * 17) %% %d,
			CASE i %% 5 WHEN 0 THEN 'store' WHEN 1 THEN 'email' WHEN 2 THEN 'phone' WHEN 3 THEN 'social' ELSE 'api' END,
			CASE i %% 6 WHEN 0 THEN 'refund' WHEN 1 THEN 'not_received' WHEN 2 THEN 'payment' WHEN 3 THEN 'bug' WHEN 4 THEN 'account' ELSE 'other' END,
			'문의 ' || i, %s, %s, CASE WHEN %s > 0 AND i %% 9 = 0 THEN '빨리 답해 주셔서 고맙습니다' ELSE '' END,
			%s, %s, %s, CASE WHEN i > %d OR i %% 10 < 8 THEN %s + 3600000000 ELSE NULL END, 9223372036854775807, 9223372036854775807`,
			appOf(apps), appOf(apps), customers, status, rating, rating, created, created, created, week, created), c.inquiries)
	if err == nil {
		err = ratings()
	}
	if err != nil {
		return err
	}
	// The daily counters (inquiry_days): their triggers are off while the
	// rows go in, and the migration's own backfill counts them after, in a
	// few set-wise statements: a trigger per row took several times longer.
	statsStart := time.Now()
	restore, err := countersOff(ctx, l, "inquiry_stats", "00134_inquiry_days.sql", "00143_inquiry_days_quads.sql")
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO inquiry_stats (inquiry_id, developer_id, app_id, created_at, channel, category, status,
		first_response_secs, resolved_at, resolution_secs, breached, due_at)
		SELECT id, developer_id, app_id, created_at, channel, category, status,
			CASE WHEN first_response_at IS NULL THEN NULL ELSE (id * 7919) % 60000 END,
			CASE WHEN status IN ('resolved', 'closed') THEN created_at + 86400000000 ELSE NULL END,
			CASE WHEN status IN ('resolved', 'closed') THEN 60000 + (id * 104729) % 400000 ELSE NULL END,
			CASE WHEN id % 13 = 0 THEN 1 ELSE 0 END,
			CASE WHEN status IN ('open', 'new') THEN created_at + 28800000000 ELSE NULL END
		FROM inquiries`); err != nil {
		return fmt.Errorf("inquiry_stats: %w", err)
	}
	if err := restore(); err != nil {
		return err
	}
	fmt.Printf("%s: inquiry_stats and their daily counters loaded in %s\n", engine, time.Since(statsStart).Round(time.Second))
	// Reconciliations: each developer's weekly run, with some exceptions.
	err = l.series(ctx, "reconciliations", `developer_id, source, from_at, to_at, counts, store_rows, server_rows, invalid_rows,
		exceptions, errors, created_at`,
		fmt.Sprintf(`1 + i %% %d, 'upload', 0, 0, '{}', 1000, 1000, 0, i %% 7, 0, %d - (i / %d) * 604800000000`,
			c.developers, t0, c.developers), c.developers*52)
	if err != nil || l.sqlite {
		return err
	}
	// PostgreSQL: what autovacuum does to a table after a bulk insert (it
	// is triggered by inserts since PostgreSQL 13): the visibility map
	// lets the reports' index-only scans skip the heap.
	if _, err := db.ExecContext(ctx, `VACUUM (ANALYZE)`); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	return nil
}

// countersOff turns off table's triggers that keep the daily counters
// (inquiry_days; SQLite: drops them, keeping their text; PostgreSQL:
// disables them) and returns the function that counts the rows inserted
// since with the backfills of migrations, in order (files of
// ../sqlstore/migrations, each from its "-- Backfill" line to its first
// trigger: the bench runs from bench/) and turns the triggers back on.
func countersOff(ctx context.Context, l *loader, table string, migrations ...string) (func() error, error) {
	engine := "postgres"
	if l.sqlite {
		engine = "sqlite"
	}
	var backfill []string
	for _, migration := range migrations {
		path := "../sqlstore/migrations/" + engine + "/" + migration
		text, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("counters: %w (run from bench/)", err)
		}
		up := string(text)
		start := strings.Index(up, "-- Backfill")
		end := strings.Index(up[max(start, 0):], "-- +goose StatementBegin")
		if start < 0 || end < 0 {
			return nil, fmt.Errorf("counters: no backfill found in %s", path)
		}
		backfill = append(backfill, strings.Split(up[start:start+end], ";")...)
	}
	q := `SELECT tgname, '' FROM pg_trigger WHERE tgrelid = '` + table + `'::regclass AND tgname LIKE 'inquiry_days%'`
	if l.sqlite {
		q = `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '` + table + `' AND name LIKE 'inquiry_days%'`
	}
	rows, err := l.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	var names, triggers []string
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			rows.Close()
			return nil, err
		}
		names, triggers = append(names, name), append(triggers, sql)
	}
	rows.Close()
	if len(names) == 0 {
		return nil, fmt.Errorf("counters: no inquiry_days triggers on %s", table)
	}
	for _, n := range names {
		off := `ALTER TABLE ` + table + ` DISABLE TRIGGER ` + n
		if l.sqlite {
			off = `DROP TRIGGER ` + n
		}
		if _, err := l.db.ExecContext(ctx, off); err != nil {
			return nil, err
		}
	}
	return func() error {
		for _, q := range backfill {
			var code []string
			for _, line := range strings.Split(q, "\n") {
				if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
					code = append(code, line)
				}
			}
			if q = strings.Join(code, "\n"); q == "" {
				continue
			}
			if _, err := l.db.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("counters backfill: %w", err)
			}
		}
		for i, n := range names {
			on := `ALTER TABLE ` + table + ` ENABLE TRIGGER ` + n
			if l.sqlite {
				on = triggers[i]
			}
			if _, err := l.db.ExecContext(ctx, on); err != nil {
				return fmt.Errorf("counters trigger: %w", err)
			}
		}
		return nil
	}, nil
}
