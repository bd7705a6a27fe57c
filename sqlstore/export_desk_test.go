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

// SearchNewestForTest pages through a developer's or operator's search on
// PostgreSQL with the stepped search testing looks of the newest documents
// first (then, for an operator, spans of ids at least window wide), and
// returns the ids found, in order.
func (db *DB) SearchNewestForTest(ctx context.Context, f vocdesk.InquiryFilter, looks []int, window int64) ([]int64, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for {
		tx, err := db.beginReadOne(ctx) // as SearchInquiries
		if err != nil {
			return nil, err
		}
		list, _, limit, err := tx.searchPageNewest(ctx, a, f, micros(tx.now), looks, window)
		tx.Rollback()
		if err != nil {
			return nil, err
		}
		more := len(list) > limit
		if more {
			list = list[:limit]
		}
		for _, in := range list {
			ids = append(ids, in.ID)
		}
		if !more {
			return ids, nil
		}
		last := list[len(list)-1].ID
		f.Cursor = encodeInquiryCursor("search", last, last)
	}
}
