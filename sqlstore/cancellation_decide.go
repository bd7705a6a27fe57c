package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// ApproveCancellation implements vocdesk.CancellationService: an operator
// approves a pending request and its refund job is queued.
func (s *CancellationService) ApproveCancellation(ctx context.Context, id int64) (*vocdesk.CancellationRequest, error) {
	return s.decide(ctx, id, vocdesk.CancellationApproved, "approved", func(tx *Tx, r *vocdesk.CancellationRequest, p *vocdesk.Purchase) error {
		return nil
	})
}

// RejectCancellation implements vocdesk.CancellationService; the reason is
// shown to the developer and on the inquiry.
func (s *CancellationService) RejectCancellation(ctx context.Context, id int64, reason string) (*vocdesk.CancellationRequest, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > vocdesk.MaxNote {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "reason is required (at most %d characters)", vocdesk.MaxNote)
	}
	return s.decide(ctx, id, vocdesk.CancellationRejected, "rejected", func(tx *Tx, r *vocdesk.CancellationRequest, p *vocdesk.Purchase) error {
		r.RejectionReason = reason
		return nil
	})
}

// RetryCancellation implements vocdesk.CancellationService: a failed
// request is approved again, which reserves its amount again (so it must
// still fit) and starts a new execution with a new provider key.
func (s *CancellationService) RetryCancellation(ctx context.Context, id int64) (*vocdesk.CancellationRequest, error) {
	return s.decide(ctx, id, vocdesk.CancellationApproved, "retried", func(tx *Tx, r *vocdesk.CancellationRequest, p *vocdesk.Purchase) error {
		if r.Status != vocdesk.CancellationFailed {
			return vocdesk.Errorf(vocdesk.EUNPROCESSABLE, "only a failed cancellation request can be retried; this one is %s", r.Status)
		}
		if _, err := tx.available(ctx, p, r.Amount, r.ID); err != nil {
			return err
		}
		r.FailureReason = ""
		return nil
	})
}

// decide moves a request to status to for an operator, under the
// purchase's lock (a retry reserves money again), with the audit entry, the
// refund job when it becomes approved, and the notices.
func (s *CancellationService) decide(ctx context.Context, id int64, to vocdesk.CancellationStatus, event string,
	apply func(tx *Tx, r *vocdesk.CancellationRequest, p *vocdesk.Purchase) error) (*vocdesk.CancellationRequest, error) {
	a, err := operatorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var decided *vocdesk.CancellationRequest
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		r, p, err := tx.lockCancellation(ctx, a, id)
		if err != nil {
			return err
		}
		if err := vocdesk.Transition(r.Status, to); err != nil {
			return err
		}
		before := viewOfCancellation(r)
		if err := apply(tx, r, p); err != nil {
			return err
		}
		r.Status, r.UpdatedAt = to, tx.now
		now := tx.now
		r.DecidedAt = &now
		if to == vocdesk.CancellationApproved {
			r.Execution++
			policy, err := tx.refundPolicy(ctx)
			if err != nil {
				return err
			}
			r.Method, r.MethodNotice = policy.MethodFor(p, tx.now)
		}
		if _, err := tx.exec(ctx, `UPDATE cancellation_requests SET status = $2, rejection_reason = $3, failure_reason = $4,
			execution = $5, refund_method = $6, method_notice = $7, updated_at = $8, decided_at = $8 WHERE id = $1`,
			r.ID, string(r.Status), r.RejectionReason, r.FailureReason, r.Execution, string(r.Method), r.MethodNotice, micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: %s cancellation request: %w", event, err)
		}
		if err := tx.auditCancellation(ctx, a, "cancellation."+event, r, before); err != nil {
			return err
		}
		if to == vocdesk.CancellationApproved {
			if err := tx.enqueueRefund(ctx, r); err != nil {
				return err
			}
		}
		if err := tx.cancellationChanged(ctx, r, p, event); err != nil {
			return err
		}
		decided = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return decided, nil
}

// enqueueRefund queues the refund job of a request's current execution;
// the key keeps it to one job per execution.
func (tx *Tx) enqueueRefund(ctx context.Context, r *vocdesk.CancellationRequest) error {
	key := "refund:" + strconv.FormatInt(r.ID, 10) + ":" + strconv.Itoa(r.Execution)
	return tx.enqueue(ctx, vocdesk.JobRefundExecute, refundJob{RequestID: r.ID}, tx.now, key)
}

// refundJob is the payload of a refund.execute job.
type refundJob struct {
	RequestID int64 `json:"request_id"`
}
