package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// searchNewestDocs is how many of a developer's newest documents a search
// on PostgreSQL tests one by one before it asks the GIN index.
const searchNewestDocs = 2000

// searchPageNewest is a developer's search on PostgreSQL. The planner
// cannot tell a common word from a rare one (its estimates for a term, let
// alone a prefix, are poor), and either plan it picks is slow for the
// other: reading every GIN match from the heap to find the newest few took
// 50-600 ms for a common word, and testing document after document walks a
// whole inbox for a word in none. So the search asks twice, each way only
// where it is cheap:
//
//  1. the developer's newest documents below the cursor, newest first, at
//     most searchNewestDocs of them, stopping when the page is full: a word
//     that fills a page does so here, in a millisecond or two;
//  2. only when the page is not full and there are older documents, the
//     GIN index for those: the word is then rare among the newest, so its
//     matches are few.
func (tx *Tx) searchPageNewest(ctx context.Context, a *vocdesk.Actor, f vocdesk.InquiryFilter, now int64, newest int) ([]*vocdesk.Inquiry, []queryUnit, int, error) {
	list, units, limit, err := tx.runSearch(ctx, a, f, nil, now, 0, newest)
	if err != nil || len(list) > limit {
		return list, units, limit, err
	}
	// Where the first look ended: the oldest of the documents it tested.
	var below int64
	if f.Cursor != "" {
		if _, below, err = decodeInquiryCursor(f.Cursor, "search"); err != nil {
			return nil, nil, 0, err
		}
	}
	q, args := `SELECT inquiry_id FROM inquiry_search WHERE developer_id = $1 ORDER BY developer_id, inquiry_id DESC OFFSET $2 LIMIT 1`,
		[]any{a.DeveloperID, newest - 1}
	if below > 0 {
		q, args = `SELECT inquiry_id FROM inquiry_search WHERE developer_id = $1 AND inquiry_id < $3
			ORDER BY developer_id, inquiry_id DESC OFFSET $2 LIMIT 1`, append(args, below)
	}
	var oldest int64
	err = tx.queryRow(ctx, q, args...).Scan(&oldest)
	if errors.Is(err, sql.ErrNoRows) {
		return list, units, limit, nil // the first look tested every document
	} else if err != nil {
		return nil, nil, 0, fmt.Errorf("sqlstore: search inquiries: %w", err)
	}
	older := f
	older.Cursor = encodeInquiryCursor("search", oldest, oldest)
	more, _, _, err := tx.runSearch(ctx, a, older, nil, now, 0, 0)
	if err != nil {
		return nil, nil, 0, err
	}
	list = append(list, more...)
	if len(list) > limit+1 {
		list = list[:limit+1]
	}
	return list, units, limit, nil
}
