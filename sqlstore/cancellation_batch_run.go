package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// batchChunk is how many rows one transaction of a run carries out: large
// enough that commits are not the cost, small enough that a run holds
// SQLite's writer for a fraction of a second at a time and the progress bar
// moves.
const batchChunk = 250

// RunCancellationBatch implements vocdesk.CancellationBatchService. Each
// chunk locks the batch row (PostgreSQL; SQLite has one writer), reads the
// rows not yet done, makes each one's request with insertCancellation (the
// rules of one request) and marks it done, in one transaction: a crash
// loses the whole chunk or none of it, and two runs at once take turns.
func (s *CancellationService) RunCancellationBatch(ctx context.Context, id int64) (*vocdesk.CancellationBatch, error) {
	a, err := batchActor(ctx)
	if err != nil {
		return nil, err
	}
	for {
		more, err := s.runBatchChunk(ctx, a, id)
		if err != nil {
			return nil, err
		}
		if !more {
			return s.FindCancellationBatch(ctx, id, true)
		}
	}
}

type pendingItem struct {
	line      int
	txid      string
	requested int64
	reason    string
}

// inCachedWrite is inWrite with the write pool's prepared statements on
// SQLite (stmtcache.go), as group commit uses them: a batch runs the same
// dozen statements 10,000 times, and preparing each on every call was two
// fifths of a run's CPU (bench/batch -cpuprofile). The statements are
// prepared before the transaction begins, while the one write connection
// is free.
func (db *DB) inCachedWrite(ctx context.Context, fn func(tx *Tx) error) error {
	if db.dialect != dialectSQLite {
		return db.inWrite(ctx, fn)
	}
	db.stmts.prepareWanted(ctx)
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	tx.stmts = &db.stmts
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *CancellationService) runBatchChunk(ctx context.Context, a *vocdesk.Actor, id int64) (more bool, err error) {
	err = s.db.inCachedWrite(ctx, func(tx *Tx) error {
		var status string
		err := tx.queryRow(ctx, `SELECT status FROM cancellation_batches WHERE id = $1 AND developer_id = $2`+tx.forUpdate(""),
			id, a.DeveloperID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.NotFound("cancellation batch")
		} else if err != nil {
			return fmt.Errorf("sqlstore: lock cancellation batch: %w", err)
		}
		if status == vocdesk.BatchDone {
			return nil
		}
		rows, err := tx.query(ctx, `SELECT line, txid, requested, reason FROM cancellation_batch_items
			WHERE batch_id = $1 AND done = 0 ORDER BY line LIMIT `+strconv.Itoa(batchChunk), id)
		if err != nil {
			return fmt.Errorf("sqlstore: pending batch items: %w", err)
		}
		var pending []pendingItem
		for rows.Next() {
			var p pendingItem
			if err := rows.Scan(&p.line, &p.txid, &p.requested, &p.reason); err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: pending batch items: %w", err)
			}
			pending = append(pending, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: pending batch items: %w", err)
		}
		if len(pending) == 0 {
			_, err := tx.exec(ctx, `UPDATE cancellation_batches SET status = 'done', finished_at = $2 WHERE id = $1`, id, micros(tx.now))
			return err
		}
		if status == vocdesk.BatchReady {
			if _, err := tx.exec(ctx, `UPDATE cancellation_batches SET status = 'running' WHERE id = $1`, id); err != nil {
				return fmt.Errorf("sqlstore: start cancellation batch: %w", err)
			}
		}
		for _, p := range pending {
			if err := tx.runBatchItem(ctx, a, id, p); err != nil {
				return err
			}
		}
		more = true
		return nil
	})
	return more, err
}

// runBatchItem makes one row's request, or records why it was refused, and
// marks the row done.
func (tx *Tx) runBatchItem(ctx context.Context, a *vocdesk.Actor, batch int64, p pendingItem) error {
	in := &vocdesk.CancellationInput{TxID: p.txid, Amount: p.requested, Reason: vocdesk.CancellationReason(p.reason),
		Source: vocdesk.SourceDeveloper, IdempotencyKey: "batch:" + strconv.FormatInt(batch, 10) + ":" + strconv.Itoa(p.line)}
	req, ruleErr, err := tx.insertCancellation(ctx, a, in)
	if err != nil {
		return err
	}
	if req != nil {
		_, err = tx.exec(ctx, `UPDATE cancellation_batch_items SET done = 1, outcome = 'accepted', error = '', request_id = $3, amount = $4, currency = $5
			WHERE batch_id = $1 AND line = $2`, batch, p.line, req.ID, req.Amount, req.Currency)
		if err != nil {
			return fmt.Errorf("sqlstore: batch item done: %w", err)
		}
		return nil
	}
	code, err := tx.batchRuleCode(ctx, a, p, ruleErr)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `UPDATE cancellation_batch_items SET done = 1, outcome = 'rejected', error = $3 WHERE batch_id = $1 AND line = $2`,
		batch, p.line, code)
	if err != nil {
		return fmt.Errorf("sqlstore: batch item refused: %w", err)
	}
	return nil
}

// batchRuleCode names a refusal found at run time (the purchase changed
// since the check) with the codes of the check.
func (tx *Tx) batchRuleCode(ctx context.Context, a *vocdesk.Actor, p pendingItem, ruleErr error) (string, error) {
	switch vocdesk.ErrorCode(ruleErr) {
	case vocdesk.ENOTFOUND:
		return vocdesk.BatchErrUnknownPurchase, nil
	case vocdesk.EUNPROCESSABLE:
		pur, err := tx.purchaseInScope(ctx, a, p.txid, false)
		if err != nil {
			return "", err
		}
		code, _, err := tx.batchRefundable(ctx, pur, p.requested)
		if err != nil || code != "" {
			return code, err
		}
		return vocdesk.BatchErrOverRefundable, nil
	case vocdesk.EFORBIDDEN:
		return "forbidden", nil
	}
	return "invalid_row", nil
}

// FindCancellationBatch implements vocdesk.CancellationBatchService.
func (s *CancellationService) FindCancellationBatch(ctx context.Context, id int64, items bool) (*vocdesk.CancellationBatch, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginReadOne(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	b := &vocdesk.CancellationBatch{ID: id}
	var created int64
	var finished sql.NullInt64
	err = tx.queryRow(ctx, `SELECT developer_id, status, rows_total, created_at, finished_at,
		(SELECT COUNT(*) FROM cancellation_batch_items i WHERE i.batch_id = b.id AND i.outcome = 'accepted'),
		(SELECT COUNT(*) FROM cancellation_batch_items i WHERE i.batch_id = b.id AND i.done = 1)
		FROM cancellation_batches b WHERE b.id = $1 AND b.developer_id = $2`, id, a.DeveloperID).
		Scan(&b.DeveloperID, &b.Status, &b.Rows, &created, &finished, &b.Accepted, &b.Done)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("cancellation batch")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: cancellation batch: %w", err)
	}
	b.Rejected = b.Rows - b.Accepted
	b.CreatedAt = fromMicros(created)
	if finished.Valid {
		t := fromMicros(finished.Int64)
		b.FinishedAt = &t
	}
	if !items {
		return b, nil
	}
	rows, err := tx.query(ctx, `SELECT line, txid, amount, currency, reason, outcome, error, request_id, done
		FROM cancellation_batch_items WHERE batch_id = $1 ORDER BY line`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: cancellation batch items: %w", err)
	}
	defer rows.Close()
	b.Items = make([]*vocdesk.CancellationBatchItem, 0, b.Rows)
	for rows.Next() {
		it := &vocdesk.CancellationBatchItem{}
		var reason string
		var req sql.NullInt64
		var done int
		if err := rows.Scan(&it.Line, &it.TxID, &it.Amount, &it.Currency, &reason, &it.Outcome, &it.Error, &req, &done); err != nil {
			return nil, fmt.Errorf("sqlstore: cancellation batch items: %w", err)
		}
		it.Reason, it.RequestID, it.Done = vocdesk.CancellationReason(reason), req.Int64, done == 1
		b.Items = append(b.Items, it)
	}
	return b, rows.Err()
}
