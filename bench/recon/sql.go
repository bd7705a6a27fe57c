package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5"
)

// categorySQL computes the contract's counts from two loaded tables,
// store(txid, tid, amount, currency, status) and server(txid, tid, amount,
// currency), ids already trimmed, amounts exact decimals. A server record
// matches by txid when it has one, else by tid: two equi-joins, so both
// databases can hash-join. Categories follow the contract's order in CASE.
//
// Left out, to the databases' advantage, are the checks vocdesk makes for
// malformed rows, repeated txids and repeated tids: the generator writes
// none, so the counts are the same without them.
const categorySQL = `
WITH m AS (
	SELECT s.txid AS ptx, (v.amount <> s.amount OR v.currency <> s.currency) AS differs
	FROM server v JOIN store s ON s.txid = v.txid
	WHERE v.txid <> ''
	UNION ALL
	SELECT s.txid, (v.amount <> s.amount OR v.currency <> s.currency)
	FROM server v JOIN store s ON s.tid = v.tid
	WHERE v.txid = ''
),
agg AS (
	SELECT ptx, count(*) AS n, bool_or(differs) AS differs FROM m GROUP BY ptx
),
cat AS (
	SELECT CASE
		WHEN s.status IN ('refunded', 'cancelled') THEN
			CASE WHEN agg.n IS NOT NULL THEN 'delivered_after_refund' ELSE 'refunded' END
		WHEN agg.n IS NULL THEN 'paid_not_delivered'
		WHEN agg.differs THEN 'amount_mismatch'
		WHEN agg.n > 1 THEN 'duplicate_delivery'
		ELSE 'matched'
	END AS category
	FROM store s LEFT JOIN agg ON agg.ptx = s.txid
)
SELECT category, count(*) FROM cat GROUP BY category
UNION ALL
SELECT 'delivered_not_paid', (SELECT count(*) FROM server) - (SELECT count(*) FROM m)`

// runDuckDB loads both files into an in-memory DuckDB and counts.
func runDuckDB(ctx context.Context, store, server string) (map[string]int64, string, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, "", err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: an in-memory database is per connection
	// Insertion order does not matter to the counts; not keeping it lets
	// DuckDB load in parallel with less memory.
	if _, err := db.ExecContext(ctx, "SET preserve_insertion_order = false"); err != nil {
		return nil, "", err
	}
	start := time.Now()
	loads := []string{
		fmt.Sprintf(`CREATE TABLE store AS SELECT trim(txid) AS txid, trim(coalesce(tid, '')) AS tid,
			CAST(amount AS DECIMAL(18,3)) AS amount, currency, status
			FROM read_csv(%s, header = true, all_varchar = true)`, quote(store)),
		fmt.Sprintf(`CREATE TABLE server AS SELECT trim(coalesce(store_tx_id, '')) AS txid, trim(coalesce(order_no, '')) AS tid,
			CAST(price AS DECIMAL(18,3)) AS amount, cur AS currency
			FROM read_csv(%s, header = true, all_varchar = true)`, quote(server)),
	}
	for _, q := range loads {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return nil, "", err
		}
	}
	loaded := time.Since(start)
	counts, err := queryCounts(ctx, db.QueryContext)
	if err != nil {
		return nil, "", err
	}
	return counts, fmt.Sprintf("load %.2fs + query %.2fs", loaded.Seconds(), (time.Since(start) - loaded).Seconds()), nil
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

type queryFunc func(ctx context.Context, q string, args ...any) (*sql.Rows, error)

func queryCounts(ctx context.Context, query queryFunc) (map[string]int64, error) {
	rows, err := query(ctx, categorySQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[string]int64{}
	for rows.Next() {
		var c string
		var n int64
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		counts[c] = n
	}
	return counts, rows.Err()
}

// runPostgres copies both files into unlogged tables and counts.
func runPostgres(ctx context.Context, url, store, server string) outcome {
	o := outcome{name: "postgres"}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		o.err = err
		return o
	}
	defer conn.Close(ctx)
	var pid int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		o.err = err
		return o
	}
	setup := []string{
		"DROP TABLE IF EXISTS store, server",
		`CREATE UNLOGGED TABLE store (txid text, tid text, app text, amount numeric, currency text, status text, paid_at text)`,
		`CREATE UNLOGGED TABLE server (txid text, tid text, user_id text, amount numeric, currency text, delivered_at text)`,
		// A fair shot: hash joins and aggregates in memory, both cores.
		"SET work_mem = '2GB'",
		"SET max_parallel_workers_per_gather = 2",
	}
	for _, q := range setup {
		if _, err := conn.Exec(ctx, q); err != nil {
			o.err = fmt.Errorf("%s: %w", q, err)
			return o
		}
	}
	defer conn.Exec(context.Background(), "DROP TABLE IF EXISTS store, server")
	start := time.Now()
	for _, t := range []struct{ table, path string }{{"store", store}, {"server", server}} {
		if err := copyFile(ctx, conn, t.table, t.path); err != nil {
			o.err = err
			return o
		}
	}
	for _, q := range []string{
		// Trimming and empty txids, as the contract reads them.
		"UPDATE server SET txid = coalesce(trim(txid), ''), tid = coalesce(trim(tid), '') WHERE txid IS NULL OR tid IS NULL OR txid <> trim(txid) OR tid <> trim(tid)",
		"UPDATE store SET txid = trim(txid), tid = coalesce(trim(tid), '') WHERE tid IS NULL OR txid <> trim(txid) OR tid <> trim(tid)",
		"ANALYZE store", "ANALYZE server",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			o.err = fmt.Errorf("%s: %w", q, err)
			return o
		}
	}
	loaded := time.Since(start)
	rows, err := conn.Query(ctx, categorySQL)
	if err != nil {
		o.err = err
		return o
	}
	o.counts = map[string]int64{}
	for rows.Next() {
		var c string
		var n int64
		if err := rows.Scan(&c, &n); err != nil {
			o.err = err
			return o
		}
		o.counts[c] = n
	}
	if o.err = rows.Err(); o.err != nil {
		return o
	}
	o.wall = time.Since(start)
	o.detail = fmt.Sprintf("load %.2fs + query %.2fs", loaded.Seconds(), (o.wall - loaded).Seconds())
	o.rssKiB = backendHWM(pid)
	return o
}

// copyFile loads a CSV with COPY: read by the server itself when it can see
// the file (it runs here), else streamed from this process.
func copyFile(ctx context.Context, conn *pgx.Conn, table, path string) error {
	q := fmt.Sprintf("COPY %s FROM %s WITH (FORMAT csv, HEADER true)", table, quote(path))
	if _, err := conn.Exec(ctx, q); err == nil {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = conn.PgConn().CopyFrom(ctx, f, fmt.Sprintf("COPY %s FROM STDIN WITH (FORMAT csv, HEADER true)", table))
	return err
}

// backendHWM reads the PostgreSQL backend's peak RSS when it runs on this
// machine; 0 when it cannot be seen.
func backendHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
