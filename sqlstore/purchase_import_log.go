package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
)

// ImportLogService implements vocdesk.PurchaseImportLog.
type ImportLogService struct{ db *DB }

// NewImportLog returns the back office's import log on db.
func NewImportLog(db *DB) vocdesk.PurchaseImportLog { return &ImportLogService{db: db} }

// RecordImport implements vocdesk.PurchaseImportLog: the import and its kept
// rejected rows, in one transaction.
func (s *ImportLogService) RecordImport(ctx context.Context, imp *vocdesk.PurchaseImport, rejects []vocdesk.PurchaseImportReject) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	if len(rejects) > vocdesk.MaxImportRejectsKept {
		rejects = rejects[:vocdesk.MaxImportRejectsKept]
	}
	header, _ := json.Marshal(imp.Header) // a []string always marshals
	return s.db.inWrite(ctx, func(tx *Tx) error {
		imp.CreatedBy, imp.CreatedAt = a.Name, tx.now
		err := tx.queryRow(ctx, `INSERT INTO purchase_imports (file_name, header, row_count, stored_count, rejected_count,
			elapsed_us, error, stopped_after, stop_code, stop_reason, stop_args, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			truncate(imp.FileName, 200), string(header), imp.Rows, imp.Stored, imp.Rejected, imp.Elapsed.Microseconds(),
			truncate(imp.Error, 500), imp.StoppedAfter, truncate(imp.StopCode, 100), truncate(imp.StopReason, 100),
			reasonArgs(imp.StopArgs), imp.CreatedBy, micros(tx.now)).Scan(&imp.ID)
		if err != nil {
			return fmt.Errorf("sqlstore: record import: %w", err)
		}
		ri := &rowInserter{tx: tx, cols: 7, prefix: `INSERT INTO purchase_import_rejects (import_id, seq, line, error, reason, args, record) VALUES `}
		for _, r := range rejects {
			rec, _ := json.Marshal(r.Record)
			if err := ri.add(ctx, imp.ID, ri.n+1, r.Line, truncate(r.Error, 500), truncate(r.Reason, 100), reasonArgs(r.Args), string(rec)); err != nil {
				return err
			}
		}
		if err := ri.flush(ctx); err != nil {
			return err
		}
		return tx.audit(ctx, a, change{action: "purchases.imported", entity: "purchase_import", entityID: imp.ID,
			after: map[string]any{"file": imp.FileName, "rows": imp.Rows, "stored": imp.Stored, "rejected": imp.Rejected}})
	})
}

const importSelect = `SELECT id, file_name, header, row_count, stored_count, rejected_count, elapsed_us, error,
	stopped_after, stop_code, stop_reason, stop_args, created_by, created_at
	FROM purchase_imports`

func scanImport(r scanner) (*vocdesk.PurchaseImport, error) {
	var imp vocdesk.PurchaseImport
	var header, stopArgs string
	var elapsed, created int64
	if err := r.Scan(&imp.ID, &imp.FileName, &header, &imp.Rows, &imp.Stored, &imp.Rejected, &elapsed, &imp.Error,
		&imp.StoppedAfter, &imp.StopCode, &imp.StopReason, &stopArgs, &imp.CreatedBy, &created); err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(header), &imp.Header)
	imp.StopArgs = keptArgs(stopArgs)
	imp.Elapsed, imp.CreatedAt = time.Duration(elapsed)*time.Microsecond, fromMicros(created)
	return &imp, nil
}

// FindImports implements vocdesk.PurchaseImportLog: newest first.
func (s *ImportLogService) FindImports(ctx context.Context, limit int) ([]*vocdesk.PurchaseImport, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, importSelect+` ORDER BY id DESC LIMIT $1`, pageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find imports: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.PurchaseImport
	for rows.Next() {
		imp, err := scanImport(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: find imports: %w", err)
		}
		list = append(list, imp)
	}
	return list, rows.Err()
}

// FindImport implements vocdesk.PurchaseImportLog.
func (s *ImportLogService) FindImport(ctx context.Context, id int64) (*vocdesk.PurchaseImport, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	imp, err := scanImport(tx.queryRow(ctx, importSelect+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("import")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find import: %w", err)
	}
	return imp, nil
}

// EachImportReject implements vocdesk.PurchaseImportLog.
func (s *ImportLogService) EachImportReject(ctx context.Context, id int64, fn func(*vocdesk.PurchaseImportReject) error) error {
	if _, err := s.FindImport(ctx, id); err != nil {
		return err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT line, error, reason, args, record FROM purchase_import_rejects WHERE import_id = $1 ORDER BY seq`, id)
	if err != nil {
		return fmt.Errorf("sqlstore: import rejects: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r vocdesk.PurchaseImportReject
		var args, rec string
		if err := rows.Scan(&r.Line, &r.Error, &r.Reason, &args, &rec); err != nil {
			return fmt.Errorf("sqlstore: import rejects: %w", err)
		}
		r.Args = keptArgs(args)
		_ = json.Unmarshal([]byte(rec), &r.Record)
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}
