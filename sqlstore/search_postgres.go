package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/vocdesk/vocdesk"
)

// A developer's or operator's search on PostgreSQL tests the newest
// documents one by one, in looks of these many, before it asks the GIN
// index: 2,000 in all, the first 500 on their own. On the bench's million
// inquiries a first look of 250 answered 5-8% fewer developer searches
// than 500 at 64 clients: a word in one document of every 12 to 24 then
// took two looks.
const (
	searchFirstLook = 500
	searchNextLook  = 1500
)

// An operator's search that the looks left short asks the GIN index for a
// span of inquiry ids below them, at least searchWindow wide, then for
// spans searchWidening times wider below that, until the page is full.
const (
	searchWindow   = 4096
	searchWidening = 8
)

// searchPageNewest is a developer's or an operator's search on
// PostgreSQL. The planner cannot tell a common word from a rare one (its
// estimates for a term, let alone a prefix, are poor), and either plan it
// picks is slow for the other: reading every GIN match from the heap to
// find the newest few took 50-600 ms for a common word, and testing
// document after document walks a whole inbox for a word in none. So the
// search asks in steps, each way only where it is cheap:
//
//  1. the newest documents below the cursor (the developer's, or the
//     store's for an operator), newest first, looks[0] of them, stopping
//     when the page is full: a common word fills a page here;
//  2. if that look matched some but too few, the next looks[1] documents,
//     and so on: a word in one document of a few hundred fills a page in
//     the 2,000 newest;
//  3. only when the page is still not full and there are older documents,
//     the GIN index for those. A look that matched nothing goes here at
//     once: the word is rare (a TxID, a name, a typo), so its matches are
//     few, and testing 2,000 documents for it cost 6-12 ms where the index
//     answers in a tenth of one.
//
// A developer's GIN step ANDs the developer's tenancy term, which keeps it
// to their own documents. An operator's has none: for a word the looks
// found a few times (one in a few hundred documents: thousands of matches
// among a million) it reads the matches of one span of ids at a time,
// newest span first, the first one sized from what the looks found
// (window is its least width), so that a page reads a page's worth of
// matches from the heap, not every one. Before, an operator's search
// started from spans of the newest ids for every word, so a common word's
// whole posting list was read to fill a page the first look fills
// (bench/desk, operator search: 6-36 ms a search at 100k inquiries).
func (tx *Tx) searchPageNewest(ctx context.Context, a *vocdesk.Actor, f vocdesk.InquiryFilter, now int64, looks []int, window int64) ([]*vocdesk.Inquiry, []queryUnit, int, error) {
	// below is where the next step starts: the cursor, then the oldest
	// document a look tested, then the lowest id of a span.
	var below int64
	if f.Cursor != "" {
		var err error
		if _, below, err = decodeInquiryCursor(f.Cursor, "search"); err != nil {
			return nil, nil, 0, err
		}
	}
	var list []*vocdesk.Inquiry
	var units []queryUnit
	var limit int
	step := func(newest int, from int64) (int, error) {
		g := f
		if below > 0 {
			g.Cursor = encodeInquiryCursor("search", below, below)
		}
		page, u, l, err := tx.runSearch(ctx, a, g, units, now, from, newest)
		if err != nil {
			return 0, err
		}
		units, limit = u, l
		list = append(list, page...)
		return len(page), nil
	}
	tested := 0
	for _, n := range looks {
		found, err := step(n, 0)
		if err != nil {
			return nil, nil, 0, err
		}
		if len(list) > limit {
			return trimSearchPage(list, limit), units, limit, nil
		}
		oldest, err := tx.nthNewestDoc(ctx, a.DeveloperID, below, n)
		if err != nil {
			return nil, nil, 0, err
		}
		if oldest == 0 {
			return list, units, limit, nil // the looks tested every document
		}
		below, tested = oldest, tested+n
		if found == 0 {
			break
		}
	}
	if !a.IsOperator() || len(list) == 0 {
		if _, err := step(0, 0); err != nil {
			return nil, nil, 0, err
		}
		return trimSearchPage(list, limit), units, limit, nil
	}
	// An operator's search for a word the looks found: spans of ids below
	// them, the first wide enough for twice the matches the page still
	// needs at the looks' rate.
	need := int64(limit + 1 - len(list))
	span := max(window, 2*need*int64(tested)/int64(len(list)))
	for below > 1 {
		from := max(1, below-span)
		if _, err := step(0, from); err != nil {
			return nil, nil, 0, err
		}
		if len(list) > limit {
			break
		}
		below, span = from, span*searchWidening
	}
	return trimSearchPage(list, limit), units, limit, nil
}

// trimSearchPage keeps a page's rows and the one that tells a next page
// exists.
func trimSearchPage(list []*vocdesk.Inquiry, limit int) []*vocdesk.Inquiry {
	if len(list) > limit+1 {
		return list[:limit+1]
	}
	return list
}

// nthNewestDoc returns the id of the developer's (developerID 0: the
// store's) n-th newest search document below id below (0: none), or 0 if
// there are fewer.
func (tx *Tx) nthNewestDoc(ctx context.Context, developerID, below int64, n int) (int64, error) {
	if below == 0 {
		below = math.MaxInt64
	}
	var id int64
	var err error
	if developerID == 0 {
		err = tx.queryRow(ctx, `SELECT inquiry_id FROM inquiry_search WHERE inquiry_id < $1
			ORDER BY inquiry_id DESC OFFSET $2 LIMIT 1`, below, n-1).Scan(&id)
	} else {
		err = tx.queryRow(ctx, `SELECT inquiry_id FROM inquiry_search WHERE developer_id = $1 AND inquiry_id < $2
			ORDER BY developer_id, inquiry_id DESC OFFSET $3 LIMIT 1`, developerID, below, n-1).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sqlstore: search inquiries: %w", err)
	}
	return id, nil
}
