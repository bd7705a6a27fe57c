package sqlstore

import (
	"context"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// ExplainInquiries returns the engine's plan for the query that
// FindInquiries (or, with f.Q, SearchInquiries) runs for actor a, one line
// per plan row: for tests that pin the inbox to its indexes, and for the
// benchmark and operators checking a large database.
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
	rows, err := db.read.QueryContext(ctx, rebind(db.dialect, prefix+q), args...)
	if err != nil {
		return "", err
	}
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
