package sqlstore

import (
	"context"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// ExplainInquiriesForTest returns the engine's plan for FindInquiries' (or,
// with f.Q, SearchInquiries') query, one line per plan row.
func (db *DB) ExplainInquiriesForTest(ctx context.Context, a *vocdesk.Actor, f vocdesk.InquiryFilter) (string, error) {
	now := micros(db.now())
	var q string
	var args []any
	var err error
	if f.Q != "" {
		q, args, _, _, err = searchQuery(db.dialect, a, f, now)
	} else {
		q, args, _, _, err = inquiryQuery(a, f, now)
	}
	if err != nil {
		return "", err
	}
	prefix := "EXPLAIN "
	if db.dialect == dialectSQLite {
		prefix = "EXPLAIN QUERY PLAN "
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
		lines = append(lines, strings.TrimSpace(toString(vals[len(vals)-1])))
	}
	return strings.Join(lines, "\n"), rows.Err()
}
