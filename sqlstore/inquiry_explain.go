package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// ExplainInquiries returns the engine's plan for the query that
// FindInquiries (or, with f.Q, SearchInquiries' index step) runs for actor
// a, one line per plan row: for tests that pin the inbox and the search to
// their indexes, and for the benchmark and operators checking a large
// database. On PostgreSQL it is the plan the query runs with: the inbox's
// generic one (its pool's sessions plan each statement once, for any
// values), the search's for the values. analyze runs the query (actual
// rows, times and buffers; PostgreSQL only).
func (db *DB) ExplainInquiries(ctx context.Context, a *vocdesk.Actor, f vocdesk.InquiryFilter, analyze bool) (string, error) {
	now := micros(db.now())
	var q string
	var args []any
	var err error
	if f.Q != "" {
		q, args, _, _, err = searchQuery(db.dialect, a, f, now, 0)
	} else {
		q, args, _, _, err = inquiryQuery(db.dialect, a, f, now)
	}
	if err != nil {
		return "", err
	}
	prefix := "EXPLAIN "
	if db.dialect == dialectSQLite {
		prefix = "EXPLAIN QUERY PLAN "
	} else if analyze {
		prefix = "EXPLAIN (ANALYZE, BUFFERS) "
	}
	if db.dialect == dialectPostgres && f.Q == "" {
		return explainGeneric(ctx, db.read, prefix, rebind(db.dialect, q), args)
	}
	rows, err := db.read.QueryContext(ctx, rebind(db.dialect, prefix+q), args...)
	if err != nil {
		return "", err
	}
	return planLines(rows)
}

// planLines joins the last column of an EXPLAIN's rows.
func planLines(rows *sql.Rows) (string, error) {
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		var s string
		switch v := vals[len(vals)-1].(type) {
		case string:
			s = v
		case []byte:
			s = string(v)
		}
		lines = append(lines, strings.TrimSpace(s))
	}
	return strings.Join(lines, "\n"), rows.Err()
}

// explainGeneric explains PostgreSQL's generic plan of q: prepared, with
// plan_cache_mode forcing a generic plan (PostgreSQL 15 has no EXPLAIN
// (GENERIC_PLAN)), and executed with args written as literals, since
// EXPLAIN EXECUTE takes no parameters of its own. The session's setting and
// statement are undone before the connection goes back to the pool.
func explainGeneric(ctx context.Context, pool *sql.DB, prefix, q string, args []any) (string, error) {
	values := make([]string, len(args))
	for k, v := range args {
		switch v := v.(type) {
		case int64:
			values[k] = strconv.FormatInt(v, 10)
		case int:
			values[k] = strconv.Itoa(v)
		case bool:
			values[k] = strconv.FormatBool(v)
		case string:
			values[k] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		default:
			return "", fmt.Errorf("sqlstore: explain: no literal for %T", v)
		}
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	// Undone with a context of its own, as ctx may be cancelled; a
	// connection that cannot be restored is discarded, not pooled.
	undo := []string{`RESET plan_cache_mode`}
	defer func() {
		for _, u := range undo {
			if _, err := conn.ExecContext(context.Background(), u); err != nil {
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
				return
			}
		}
	}()
	if _, err := conn.ExecContext(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `PREPARE vocdesk_explain AS `+q); err != nil {
		return "", err
	}
	undo = append(undo, `DEALLOCATE vocdesk_explain`)
	execute := prefix + `EXECUTE vocdesk_explain`
	if len(values) > 0 {
		execute += `(` + strings.Join(values, ", ") + `)`
	}
	rows, err := conn.QueryContext(ctx, execute)
	if err != nil {
		return "", err
	}
	return planLines(rows)
}
