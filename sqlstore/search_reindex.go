package sqlstore

import (
	"context"
	"fmt"
)

// reindexBatch is how many inquiries one transaction of ReindexInquiries
// rewrites: large enough to amortise the commit, small enough that SQLite's
// single writer is not held for long.
const reindexBatch = 2000

// ReindexInquiries rewrites the search document of every inquiry, in id
// order, a batch per transaction, calling progress with the running count.
// It is for loads that bypass the services (a migration from another desk,
// the benchmark's bulk load) and for a change of the term format; the
// services keep documents current themselves.
func (db *DB) ReindexInquiries(ctx context.Context, progress func(done int)) (int, error) {
	done := 0
	var last int64
	for {
		tx, err := db.beginWrite(ctx)
		if err != nil {
			return done, err
		}
		docs, ids, err := tx.searchDocs(ctx, last)
		if err == nil {
			for k, id := range ids {
				if err = tx.writeSearchDoc(ctx, id, docs[k]); err != nil {
					break
				}
			}
		}
		if err == nil {
			err = tx.Commit()
		}
		tx.Rollback()
		if err != nil {
			return done, err
		}
		if len(ids) == 0 {
			return done, db.OptimizeSearch(ctx)
		}
		done += len(ids)
		last = ids[len(ids)-1]
		if progress != nil {
			progress(done)
		}
	}
}

// optimizeStep is how many pages of the FTS5 index one transaction of
// OptimizeSearch writes (about 8 MB), so that it holds SQLite's writer for
// a fraction of a second at a time.
const optimizeStep = 2000

// OptimizeSearch merges SQLite's full-text indexes (both tables) into one
// b-tree each, a step per transaction, and is a no-op on PostgreSQL. Every
// rewrite of a document leaves its old entries behind a tombstone until a
// merge, and every search looks for each candidate in each b-tree's
// tombstones: after a reindex (one tombstone per document) a search costs
// about a third more than on a merged index. It is cheap when there is
// little to merge, so a daily sweep can call it.
func (db *DB) OptimizeSearch(ctx context.Context) error {
	if db.dialect != dialectSQLite {
		return nil
	}
	for _, table := range []string{"inquiry_fts", "inquiry_fts_dev"} {
		for {
			merged, err := db.mergeStep(ctx, table)
			if err != nil {
				return fmt.Errorf("sqlstore: optimize search index: %w", err)
			}
			if !merged {
				break
			}
		}
	}
	return nil
}

// mergeStep runs one step of an FTS5 table's merge in a transaction of its
// own and reports whether it found work to do.
func (db *DB) mergeStep(ctx context.Context, table string) (bool, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	// A negative step merges b-trees of every level, as few as two, and
	// continues a merge in progress. FTS5 reports no work as fewer than two
	// changes.
	var before, after int64
	if err := tx.queryRow(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
		return false, err
	}
	if _, err := tx.exec(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES ('merge', $1)`, -optimizeStep); err != nil {
		return false, err
	}
	if err := tx.queryRow(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
		return false, err
	}
	return after-before >= 2, tx.Commit()
}

// searchDocs builds the documents of the next batch of inquiries after id
// after, reading their messages in one range scan.
func (tx *Tx) searchDocs(ctx context.Context, after int64) ([]*searchDoc, []int64, error) {
	rows, err := tx.query(ctx, `SELECT id, developer_id, COALESCE(customer_id, 0), subject FROM inquiries
		WHERE id > $1 ORDER BY id LIMIT $2`, after, reindexBatch)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: reindex: %w", err)
	}
	var ids []int64
	var docs []*searchDoc
	byID := map[int64]*searchDoc{}
	for rows.Next() {
		var id int64
		var subject string
		d := &searchDoc{}
		if err := rows.Scan(&id, &d.developerID, &d.customerID, &subject); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("sqlstore: reindex: %w", err)
		}
		d.public = []string{subject}
		ids, docs, byID[id] = append(ids, id), append(docs, d), d
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, nil, err
	}
	rows, err = tx.query(ctx, `SELECT inquiry_id, body, internal FROM inquiry_messages
		WHERE inquiry_id >= $1 AND inquiry_id <= $2 AND author <> 'system' ORDER BY inquiry_id, id`, ids[0], ids[len(ids)-1])
	if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: reindex: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var body string
		var internal bool
		if err := rows.Scan(&id, &body, &internal); err != nil {
			return nil, nil, fmt.Errorf("sqlstore: reindex: %w", err)
		}
		if d := byID[id]; d != nil {
			if internal {
				d.notes = append(d.notes, body)
			} else {
				d.public = append(d.public, body)
			}
		}
	}
	return docs, ids, rows.Err()
}
