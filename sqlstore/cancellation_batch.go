package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// batchActor returns the actor when it may send cancellation requests for
// a developer: another realm finds nothing, a member below agent is
// forbidden (it knows its own console exists).
func batchActor(ctx context.Context) (*vocdesk.Actor, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := canManage(a, a.DeveloperID, vocdesk.RoleAgent); err != nil {
		return nil, err
	}
	return a, nil
}

// CheckCancellationBatch implements vocdesk.CancellationBatchService: the
// dry run, in one read transaction.
func (s *CancellationService) CheckCancellationBatch(ctx context.Context, rows []vocdesk.CancellationBatchRow) (*vocdesk.CancellationBatch, error) {
	a, err := batchActor(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	items, _, err := tx.checkBatchRows(ctx, a, rows)
	if err != nil {
		return nil, err
	}
	b := &vocdesk.CancellationBatch{DeveloperID: a.DeveloperID, Status: vocdesk.BatchReady, Rows: len(rows), Items: items, CreatedAt: tx.now}
	b.Accepted, b.Rejected, b.Done = countItems(items)
	return b, nil
}

// checkBatchRows checks each row as one request would be checked, without
// writing: the purchase in the actor's scope, the amount in its currency,
// and what is left of it after refunds and open requests. A TxID's second
// row is a duplicate whatever became of the first.
// requested[i] is row i's amount as written (0: all that is left), which a
// run asks for again: what is left may change between the check and the
// run.
func (tx *Tx) checkBatchRows(ctx context.Context, a *vocdesk.Actor, rows []vocdesk.CancellationBatchRow) (items []*vocdesk.CancellationBatchItem, requested []int64, err error) {
	items = make([]*vocdesk.CancellationBatchItem, 0, len(rows))
	requested = make([]int64, len(rows))
	seen := make(map[string]bool, len(rows))
	for i, r := range rows {
		it := &vocdesk.CancellationBatchItem{Line: r.Line, TxID: r.TxID, Reason: vocdesk.CancellationReason(r.Reason), Outcome: vocdesk.BatchRejected}
		items = append(items, it)
		if it.Reason == "" {
			it.Reason = vocdesk.ReasonCustomerRequest
		}
		switch {
		case r.TxID == "":
			it.Error = vocdesk.BatchErrMissingTxID
			continue
		case seen[r.TxID]:
			it.Error = vocdesk.BatchErrDuplicateRow
			continue
		}
		seen[r.TxID] = true
		if !it.Reason.Valid() {
			it.Error = vocdesk.BatchErrInvalidReason
			continue
		}
		p, err := tx.purchaseInScope(ctx, a, r.TxID, false)
		if vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND {
			it.Error = vocdesk.BatchErrUnknownPurchase
			continue
		} else if err != nil {
			return nil, nil, err
		}
		it.Currency = p.Currency
		if r.Amount != "" {
			if requested[i], err = vocdesk.ParsePositiveAmount(r.Amount, p.Currency); err != nil {
				it.Error = vocdesk.BatchErrInvalidAmount
				continue
			}
		}
		it.Amount = requested[i]
		code, left, err := tx.batchRefundable(ctx, p, requested[i])
		if err != nil {
			return nil, nil, err
		}
		if code != "" {
			it.Error = code
			continue
		}
		if requested[i] == 0 {
			it.Amount = left
		}
		it.Outcome = vocdesk.BatchAccepted
	}
	return items, requested, nil
}

// batchRefundable names why requested (0: all that is left) cannot be
// asked of p now, or returns what is left.
func (tx *Tx) batchRefundable(ctx context.Context, p *vocdesk.Purchase, requested int64) (code string, left int64, err error) {
	res, err := tx.reserved(ctx, p.ID, 0)
	if err != nil {
		return "", 0, err
	}
	left = p.Amount - p.Refunded - res
	switch {
	case p.Refunded >= p.Amount:
		return vocdesk.BatchErrAlreadyRefunded, 0, nil
	case left <= 0:
		return vocdesk.BatchErrAlreadyRequested, 0, nil
	case requested > left:
		return vocdesk.BatchErrOverRefundable, left, nil
	}
	return "", left, nil
}

func countItems(items []*vocdesk.CancellationBatchItem) (accepted, rejected, done int) {
	for _, it := range items {
		if it.Outcome == vocdesk.BatchAccepted {
			accepted++
		} else {
			rejected++
		}
		if it.Done {
			done++
		}
	}
	return
}

// CreateCancellationBatch implements vocdesk.CancellationBatchService.
func (s *CancellationService) CreateCancellationBatch(ctx context.Context, key, fileHash string, rows []vocdesk.CancellationBatchRow) (*vocdesk.CancellationBatch, bool, error) {
	a, err := batchActor(ctx)
	if err != nil {
		return nil, false, err
	}
	switch {
	case strings.TrimSpace(key) == "":
		return nil, false, vocdesk.Errorf(vocdesk.EINVALID, "the Idempotency-Key header is required")
	case len(key) > vocdesk.MaxIdempotencyKey:
		return nil, false, vocdesk.Errorf(vocdesk.EINVALID, "the Idempotency-Key header is at most %d characters", vocdesk.MaxIdempotencyKey)
	case len(rows) == 0 || len(rows) > vocdesk.MaxBatchRows:
		return nil, false, vocdesk.Errorf(vocdesk.EINVALID, "a batch has 1 to %d rows", vocdesk.MaxBatchRows).Because("batch_rows", vocdesk.MaxBatchRows)
	}
	if id, err := s.batchByKey(ctx, a, key, fileHash); err != nil || id != 0 {
		if err != nil {
			return nil, false, err
		}
		b, err := s.FindCancellationBatch(ctx, id, true)
		return b, false, err
	}
	// The rows are checked in a read transaction, not under the write
	// lock: a run checks each again as it makes its request.
	rtx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, false, err
	}
	items, requested, err := rtx.checkBatchRows(ctx, a, rows)
	rtx.Rollback()
	if err != nil {
		return nil, false, err
	}
	var id int64
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		err = tx.queryRow(ctx, `INSERT INTO cancellation_batches (developer_id, idem_key, file_hash, status, rows_total, created_by, created_at)
			VALUES ($1, $2, $3, 'ready', $4, $5, $6) RETURNING id`,
			a.DeveloperID, key, fileHash, len(rows), a.Name, micros(tx.now)).Scan(&id)
		if err != nil {
			return err // a unique violation: the same key, stored meanwhile
		}
		return tx.insertBatchItems(ctx, id, items, requested)
	})
	if isUniqueViolation(err) {
		// Two uploads under one key at once: the other stored first.
		if id, err = s.batchByKey(ctx, a, key, fileHash); err != nil {
			return nil, false, err
		}
		b, err := s.FindCancellationBatch(ctx, id, true)
		return b, false, err
	} else if err != nil {
		return nil, false, fmt.Errorf("sqlstore: create cancellation batch: %w", err)
	}
	b, err := s.FindCancellationBatch(ctx, id, true)
	return b, true, err
}

// batchByKey finds the batch stored under key: its id, 0 when there is
// none, EKEYREUSED when it holds another file.
func (s *CancellationService) batchByKey(ctx context.Context, a *vocdesk.Actor, key, fileHash string) (int64, error) {
	var (
		id   int64
		hash string
	)
	err := s.db.read.QueryRowContext(ctx, rebind(s.db.dialect, `SELECT id, file_hash FROM cancellation_batches WHERE developer_id = $1 AND idem_key = $2`),
		a.DeveloperID, key).Scan(&id, &hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("sqlstore: cancellation batch by key: %w", err)
	case hash != fileHash:
		return 0, vocdesk.Errorf(vocdesk.EKEYREUSED, "this Idempotency-Key was used for another file; use a new key for a new file").
			Because("batch_key_reused")
	}
	return id, nil
}

// insertBatchItems stores a batch's items, many rows a statement. Not too
// many: SQLite finds each numbered parameter's name by a linear search, so
// a statement's binding grows with the square of its parameters (500 rows
// a statement spent 0.7 s binding 10,000 rows; 50 rows, a tenth of it).
func (tx *Tx) insertBatchItems(ctx context.Context, batch int64, items []*vocdesk.CancellationBatchItem, requested []int64) error {
	const per = 50
	for start := 0; start < len(items); start += per {
		chunk := items[start:min(start+per, len(items))]
		var q strings.Builder
		q.WriteString(`INSERT INTO cancellation_batch_items (batch_id, line, txid, requested, amount, currency, reason, outcome, error, done) VALUES `)
		args := make([]any, 0, len(chunk)*10)
		for i, it := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			n := len(args)
			q.WriteString("(")
			for j := 1; j <= 10; j++ {
				if j > 1 {
					q.WriteString(", ")
				}
				q.WriteString("$" + strconv.Itoa(n+j))
			}
			q.WriteString(")")
			done := 0
			if it.Outcome == vocdesk.BatchRejected {
				done = 1 // a row rejected when checked is final
			}
			args = append(args, batch, it.Line, it.TxID, requested[start+i], it.Amount, it.Currency, string(it.Reason), it.Outcome, it.Error, done)
		}
		if _, err := tx.exec(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("sqlstore: insert cancellation batch items: %w", err)
		}
	}
	return nil
}
