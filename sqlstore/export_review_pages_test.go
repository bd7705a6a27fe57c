package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/vocdesk/vocdesk"
)

// Exports of the review page cache (review_page_cache.go) for the external
// test package.

// NewUncachedReviewServiceForTest is a ReviewService that always reads the
// first pages from the database: what the cache is held against.
func NewUncachedReviewServiceForTest(db *DB) vocdesk.ReviewService {
	return &ReviewService{db: db, uncached: true}
}

// ReviewPageStats is what the cache did so far.
type ReviewPageStats struct {
	Hits, Misses, Kept, Refused, Outages uint64
	// Changes counts the changes heard (writes committed here, the feed's).
	Changes uint64
	Pages   int
	Bytes   int
	Live    bool
}

func (db *DB) ReviewPageStatsForTest() ReviewPageStats {
	c := db.reviewPages
	c.mu.Lock()
	defer c.mu.Unlock()
	return ReviewPageStats{Hits: c.stats.hits, Misses: c.stats.misses, Kept: c.stats.kept, Refused: c.stats.refused,
		Outages: c.stats.outages, Changes: c.gen, Pages: len(c.byKey), Bytes: c.bytes, Live: c.live}
}

// WaitReviewPagesLiveForTest starts the feed and waits until it is up.
func (db *DB) WaitReviewPagesLiveForTest(ctx context.Context) error {
	db.reviewPages.lookup("")
	for !db.ReviewPageStatsForTest().Live {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	return nil
}

// DropReviewPagesForTest drops every page.
func (db *DB) DropReviewPagesForTest() { db.reviewPages.drop([]reviewPageChange{{}}) }

// SetReviewPageHookForTest runs fn between a miss's read and its put (set
// it before the reads it concerns start).
func (db *DB) SetReviewPageHookForTest(fn func()) { db.reviewPages.beforePut = fn }

// SetReviewPageBytesForTest sets the cache's bound.
func (db *DB) SetReviewPageBytesForTest(n int) {
	db.reviewPages.mu.Lock()
	db.reviewPages.max = n
	db.reviewPages.mu.Unlock()
}

// ReviewPageListenerForTest is the backend pid of the session listening for
// changes (PostgreSQL; 0 before it first listened).
func (db *DB) ReviewPageListenerForTest() uint32 {
	db.reviewFeed.mu.Lock()
	defer db.reviewFeed.mu.Unlock()
	return db.reviewFeed.pid
}

// errRolledBack is what RolledBackReviewEditForTest's write returns.
var errRolledBack = errors.New("rolled back on purpose")

// RolledBackReviewEditForTest changes review id's body and notes its pages
// changed, as a service's write does, then fails, so the write rolls back.
func (db *DB) RolledBackReviewEditForTest(ctx context.Context, id int64) error {
	err := db.inWrite(ctx, func(tx *Tx) error {
		var app, dev int64
		if err := tx.queryRow(ctx, `UPDATE reviews SET body = 'never committed' WHERE id = $1 RETURNING app_id, developer_id`, id).
			Scan(&app, &dev); err != nil {
			return err
		}
		tx.reviewPagesChanged(reviewPageChange{app: app, dev: dev})
		return errRolledBack
	})
	if errors.Is(err, errRolledBack) {
		return nil
	}
	return err
}
