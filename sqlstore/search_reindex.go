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
			return done, nil
		}
		done += len(ids)
		last = ids[len(ids)-1]
		if progress != nil {
			progress(done)
		}
	}
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
