package sqlstore

import (
	"context"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// BeginRefund implements vocdesk.CancellationService: it moves an approved
// request to processing and returns what the provider needs. A request
// already processing is returned with Resumed set: an earlier attempt died
// or timed out, and only the provider knows whether it acted. Anything else
// (final, or back to pending) returns nil: there is nothing to carry out.
func (s *CancellationService) BeginRefund(ctx context.Context, id int64) (*vocdesk.RefundExecution, error) {
	a, err := operatorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var ex *vocdesk.RefundExecution
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		r, p, err := tx.lockCancellation(ctx, a, id)
		if err != nil {
			return err
		}
		switch r.Status {
		case vocdesk.CancellationProcessing:
			// Nothing is written: committing here is as good as rolling back.
			ex = &vocdesk.RefundExecution{Request: r, Purchase: p, Resumed: true}
			return nil
		case vocdesk.CancellationApproved:
		default:
			return nil // nothing to carry out: ex stays nil
		}
		before := viewOfCancellation(r)
		// The carrier's billing month may have closed since the approval.
		policy, err := tx.refundPolicy(ctx)
		if err != nil {
			return err
		}
		r.Method, r.MethodNotice = policy.MethodFor(p, tx.now)
		r.Status, r.UpdatedAt = vocdesk.CancellationProcessing, tx.now
		if _, err := tx.exec(ctx, `UPDATE cancellation_requests SET status = 'processing', refund_method = $2, method_notice = $3,
			updated_at = $4 WHERE id = $1`, r.ID, string(r.Method), r.MethodNotice, micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: begin refund: %w", err)
		}
		if err := tx.auditCancellation(ctx, a, "cancellation.processing", r, before); err != nil {
			return err
		}
		if err := tx.cancellationChanged(ctx, r, p, "processing"); err != nil {
			return err
		}
		ex = &vocdesk.RefundExecution{Request: r, Purchase: p}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ex, nil
}

// FinishRefund implements vocdesk.CancellationService: it records the
// provider's final word on one execution. A refund writes the ledger entry,
// adds to the purchase's refunded amount and derives its status, all in one
// transaction under the purchase's lock; a decline fails the request and
// frees its reservation. A second call for the same execution (the job ran
// twice) finds the request no longer processing and changes nothing.
func (s *CancellationService) FinishRefund(ctx context.Context, id int64, execution int, o vocdesk.RefundOutcome) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		r, p, err := tx.lockCancellation(ctx, a, id)
		if err != nil {
			return err
		}
		if r.Status != vocdesk.CancellationProcessing || r.Execution != execution {
			return nil
		}
		before := viewOfCancellation(r)
		event := "refunded"
		if o.Refunded {
			if err := tx.applyRefund(ctx, a, r, p, o.ProviderRef); err != nil {
				return err
			}
		} else {
			event = "failed"
			r.Status, r.FailureReason, r.UpdatedAt = vocdesk.CancellationFailed, truncate(o.Reason, 500), tx.now
			if _, err := tx.exec(ctx, `UPDATE cancellation_requests SET status = 'failed', failure_reason = $2, updated_at = $3 WHERE id = $1`,
				r.ID, r.FailureReason, micros(tx.now)); err != nil {
				return fmt.Errorf("sqlstore: fail refund: %w", err)
			}
		}
		if err := tx.auditCancellation(ctx, a, "cancellation."+event, r, before); err != nil {
			return err
		}
		return tx.cancellationChanged(ctx, r, p, event)
	})
}

// applyRefund writes a completed refund to the ledger: the entry, the
// purchase's refunded amount and status, and the request's state.
func (tx *Tx) applyRefund(ctx context.Context, a *vocdesk.Actor, r *vocdesk.CancellationRequest, p *vocdesk.Purchase, ref string) error {
	if p.Refunded+r.Amount > p.Amount {
		// The reservation makes this impossible; refuse rather than trust it.
		return fmt.Errorf("sqlstore: refund %d would exceed purchase %s: refunded %d + %d > %d", r.ID, p.TxID, p.Refunded, r.Amount, p.Amount)
	}
	if _, err := tx.exec(ctx, `INSERT INTO refund_entries
		(request_id, purchase_id, developer_id, customer_id, amount, currency, refund_method, provider_key, provider_ref, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		r.ID, p.ID, p.DeveloperID, p.CustomerID, r.Amount, r.Currency, string(r.Method), r.ProviderKey(), ref, micros(tx.now)); err != nil {
		return fmt.Errorf("sqlstore: refund entry: %w", err)
	}
	before := *p
	p.Refunded += r.Amount
	p.Status = vocdesk.StatusFor(p.Amount, p.Refunded)
	if _, err := tx.exec(ctx, `UPDATE purchases SET refunded = $2, status = $3 WHERE id = $1`, p.ID, p.Refunded, string(p.Status)); err != nil {
		return fmt.Errorf("sqlstore: purchase refunded: %w", err)
	}
	if p.Refunded >= p.Amount {
		// Refunded in full: the purchase no longer gives a review of the
		// app by the customer its verified mark.
		tx.reviewPagesChanged(reviewPageChange{app: p.AppID, dev: p.DeveloperID, customer: p.CustomerID})
	}
	if err := tx.audit(ctx, a, change{action: "purchase.refunded", entity: "purchase", entityID: p.ID, developerID: p.DeveloperID,
		before: purchaseMoney{before.Refunded, before.Status}, after: purchaseMoney{p.Refunded, p.Status}}); err != nil {
		return err
	}
	now := tx.now
	r.Status, r.RefundedAt, r.UpdatedAt = vocdesk.CancellationRefunded, &now, now
	if _, err := tx.exec(ctx, `UPDATE cancellation_requests SET status = 'refunded', refunded_at = $2, updated_at = $2 WHERE id = $1`,
		r.ID, micros(now)); err != nil {
		return fmt.Errorf("sqlstore: refunded: %w", err)
	}
	return nil
}

// purchaseMoney is what the audit trail keeps of a purchase's refund state.
type purchaseMoney struct {
	Refunded int64                  `json:"refunded"`
	Status   vocdesk.PurchaseStatus `json:"status"`
}
