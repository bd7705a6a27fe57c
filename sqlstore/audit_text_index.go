package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// auditIndexBatch is the most audit entries one transaction adds to
// audit_text: a batch of this size holds the single writer for a few
// milliseconds.
const auditIndexBatch = 256

// auditIndexPause is the least time between two runs of the indexer
// while entries keep coming, so that one FTS5 segment holds many of them.
const auditIndexPause = 50 * time.Millisecond

// startAuditIndexer starts the worker that adds SQLite's new audit entries
// to the free-text index (audit_text) after they are committed, in
// batches, on the single writer (migration 00147 says why). Commits that
// appended entries wake it (Tx.audited); it also looks once a second, for
// entries written otherwise (a migration, another process on the same
// file).
func startAuditIndexer(db *DB) *worker {
	return startWorker(time.Second, func(ctx context.Context) (time.Duration, bool) {
		// An error (the table not migrated yet, a full disk) leaves the
		// entries past the mark, where searches still read them, to the
		// next round.
		_ = db.indexAuditText(ctx)
		return auditIndexPause, false
	})
}

// IndexAuditText adds every audit entry not yet in SQLite's free-text index
// to it now; it otherwise follows the writes within moments, and a search
// never waits for it. For entries loaded around vocdesk (bench/audit);
// nothing to do on PostgreSQL.
func (db *DB) IndexAuditText(ctx context.Context) error {
	if db.dialect != dialectSQLite {
		return nil
	}
	return db.indexAuditText(ctx)
}

// indexAuditText adds every audit entry past the mark to audit_text, a
// batch per write transaction, each moving the mark with the entries it
// added. It first looks on a reader, so that a round with nothing to do
// never takes the writer.
func (db *DB) indexAuditText(ctx context.Context) error {
	for {
		var behind bool
		err := db.read.QueryRowContext(ctx,
			`SELECT EXISTS (SELECT 1 FROM audit_log WHERE id > (SELECT upto FROM audit_text_indexed))`).Scan(&behind)
		if err != nil {
			return fmt.Errorf("sqlstore: audit text mark: %w", err)
		}
		if !behind {
			return nil
		}
		n, err := db.indexAuditOnce(ctx)
		if err != nil {
			return err
		}
		if n < auditIndexBatch {
			return nil
		}
	}
}

// indexAuditOnce runs one batch in a write transaction of its own, which
// reads no clock (openWrite).
func (db *DB) indexAuditOnce(ctx context.Context) (int64, error) {
	tx, err := db.openWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := tx.indexAuditBatch(ctx)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// indexAuditBatch adds up to auditIndexBatch entries past the mark to
// audit_text, in the same form migration 00117's trigger wrote, and moves
// the mark past them. audit_log is append-only and SQLite numbers a new
// row after the largest id, on one writer: every entry with an id at or
// under the mark is in the index.
func (tx *Tx) indexAuditBatch(ctx context.Context) (int64, error) {
	var hi, n int64
	err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0), COUNT(*) FROM
		(SELECT id FROM audit_log WHERE id > (SELECT upto FROM audit_text_indexed) ORDER BY id LIMIT $1)`, auditIndexBatch).Scan(&hi, &n)
	if err != nil || n == 0 {
		return 0, err
	}
	if _, err := tx.exec(ctx, `INSERT INTO audit_text (rowid, developer, before_json, after_json)
		SELECT id, COALESCE('|' || developer_id || '|', ''), COALESCE(before_json, ''), COALESCE(after_json, '')
		FROM audit_log WHERE id > (SELECT upto FROM audit_text_indexed) AND id <= $1`, hi); err != nil {
		return 0, fmt.Errorf("sqlstore: audit text: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE audit_text_indexed SET upto = $1`, hi); err != nil {
		return 0, fmt.Errorf("sqlstore: audit text mark: %w", err)
	}
	return n, nil
}
