package sqlstore

import (
	"context"

	"github.com/vocdesk/vocdesk"
)

// ExplainInquiriesForTest returns the engine's plan for FindInquiries' (or,
// with f.Q, SearchInquiries') query, one line per plan row.
func (db *DB) ExplainInquiriesForTest(ctx context.Context, a *vocdesk.Actor, f vocdesk.InquiryFilter) (string, error) {
	return db.ExplainInquiries(ctx, a, f, false)
}
