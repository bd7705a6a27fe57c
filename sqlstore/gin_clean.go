package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// On PostgreSQL the GIN indexes that requests write (the audit trail's
// trigram indexes, migration 00117, and the inquiry search's, 00022) take
// new entries into a pending list, and the insert that fills the list
// (gin_pending_list_limit, 4 MB by default) merges all of it into the index
// before it returns. bench/rules' creations waited 25-34 ms on that merge
// (the rules' own time at its max; 3.6-5 ms with the trigram indexes
// dropped), and inserting into the index directly (fastupdate off) cost
// every creation about 0.5 ms more. A worker merges the lists in the
// background instead, soon after the commits that add to them, so that a
// request seldom finds a full list.

// ginCleanPause is the least time between two merges while writes keep
// coming; ginCleanIdle how often it looks with none heard of (another
// process's writes).
const (
	ginCleanPause = 200 * time.Millisecond
	ginCleanIdle  = time.Second
)

// ginCleanSQL merges the pending lists of the indexes that exist (none
// before the migrations that make them have run).
const ginCleanSQL = `SELECT gin_clean_pending_list(i) FROM (VALUES
	(to_regclass('audit_log_before_trgm')), (to_regclass('audit_log_after_trgm')), (to_regclass('inquiry_search_doc'))) v(i)
	WHERE i IS NOT NULL`

// startGINCleaner starts the worker that merges PostgreSQL's GIN pending
// lists. Commits that appended audit entries wake it (Tx.audited): every
// creation and change of an inquiry is audited, so they cover the search
// index's writes too.
func startGINCleaner(db *DB) *worker {
	return startWorker(ginCleanIdle, func(ctx context.Context) (time.Duration, bool) {
		// An error (an index being rebuilt) leaves the lists to the next
		// round, or to the insert that fills one, as before.
		_, _ = db.cleanGIN(ctx)
		return ginCleanPause, false
	})
}

// cleanGIN merges the pending lists and says how many indexes it found.
func (db *DB) cleanGIN(ctx context.Context) (int, error) {
	rows, err := db.write.QueryContext(ctx, ginCleanSQL)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: clean GIN pending lists: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}
