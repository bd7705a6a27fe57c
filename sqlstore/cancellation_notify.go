package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// cancellationView is what the audit trail keeps of a request.
type cancellationView struct {
	Status          vocdesk.CancellationStatus `json:"status"`
	TxID            string                     `json:"txid"`
	Amount          int64                      `json:"amount"`
	Currency        string                     `json:"currency"`
	Reason          vocdesk.CancellationReason `json:"reason"`
	Source          vocdesk.CancellationSource `json:"source"`
	Method          vocdesk.RefundMethod       `json:"refund_method"`
	Execution       int                        `json:"execution"`
	RejectionReason string                     `json:"rejection_reason,omitempty"`
	FailureReason   string                     `json:"failure_reason,omitempty"`
}

func viewOfCancellation(r *vocdesk.CancellationRequest) cancellationView {
	return cancellationView{r.Status, r.TxID, r.Amount, r.Currency, r.Reason, r.Source, r.Method, r.Execution, r.RejectionReason, r.FailureReason}
}

// auditCancellation records a step of a request; before is nil for its
// creation.
func (tx *Tx) auditCancellation(ctx context.Context, a *vocdesk.Actor, action string, r *vocdesk.CancellationRequest, before any) error {
	return tx.audit(ctx, a, change{action: action, entity: "cancellation_request", entityID: r.ID,
		developerID: r.DeveloperID, before: before, after: viewOfCancellation(r)})
}

// cancellationChanged tells everyone of a request's new state, in the
// transaction of the change: the developer's server (webhook), the inquiry
// thread it came from (a system message), and on refund the customer
// (mail) and the voided-purchases webhook. Each is a job or a row written
// here, so it happens if and only if the change commits.
func (tx *Tx) cancellationChanged(ctx context.Context, r *vocdesk.CancellationRequest, p *vocdesk.Purchase, event string) error {
	if err := tx.EnqueueWebhook(ctx, r.DeveloperID, vocdesk.EventCancellationUpdated, cancellationEventData(r)); err != nil {
		return err
	}
	if r.InquiryID != 0 {
		if ev, body := threadNotice(r, event); body != "" {
			if err := tx.systemEvent(ctx, &vocdesk.Inquiry{ID: r.InquiryID}, ev, body); err != nil {
				return err
			}
		}
	}
	if r.Status != vocdesk.CancellationRefunded {
		return nil
	}
	if err := tx.EnqueueWebhook(ctx, r.DeveloperID, vocdesk.EventPurchaseVoided, voidedEventData(r, p)); err != nil {
		return err
	}
	return tx.mailRefund(ctx, r, p)
}

// cancellationEventData is the data of a cancellation.updated event.
func cancellationEventData(r *vocdesk.CancellationRequest) map[string]any {
	d := map[string]any{
		"id": r.ID, "txid": r.TxID, "tid": r.TID, "app": r.AppSlug,
		"amount": vocdesk.FormatAmount(r.Amount, r.Currency), "currency": r.Currency,
		"status": r.Status, "reason": r.Reason, "source": r.Source, "refund_method": r.Method,
	}
	if r.RejectionReason != "" {
		d["rejection_reason"] = r.RejectionReason
	}
	if r.FailureReason != "" {
		d["failure_reason"] = r.FailureReason
	}
	return d
}

// voidedEventData is the data of a purchase.voided event: what the
// voided-purchases feed lists.
func voidedEventData(r *vocdesk.CancellationRequest, p *vocdesk.Purchase) map[string]any {
	return map[string]any{
		"txid": p.TxID, "tid": p.TID, "app": p.AppSlug,
		"amount": vocdesk.FormatAmount(r.Amount, r.Currency), "currency": r.Currency,
		"refunded_amount": vocdesk.FormatAmount(p.Refunded, p.Currency), "purchase_status": p.Status,
		"source": r.Source, "reason": r.Reason, "voided_at": r.RefundedAt, "cancellation_id": r.ID,
	}
}

// threadNotice is the event an inquiry's thread gets for a step, with its
// English sentence, or "" for steps the thread need not show.
func threadNotice(r *vocdesk.CancellationRequest, event string) (vocdesk.MessageEvent, string) {
	m := r.Money().String()
	p := map[string]string{"amount": m}
	switch event {
	case "requested":
		p["reason"] = string(r.Reason)
		if r.Status == vocdesk.CancellationApproved {
			p["approved"] = "1"
			return vocdesk.MessageEvent{Kind: vocdesk.EventRefundRequested, Params: p},
				fmt.Sprintf("Cancellation requested and approved: %s (%s) will be refunded.", m, r.Reason)
		}
		return vocdesk.MessageEvent{Kind: vocdesk.EventRefundRequested, Params: p}, fmt.Sprintf("Cancellation requested: %s (%s).", m, r.Reason)
	case "approved", "retried":
		return vocdesk.MessageEvent{Kind: vocdesk.EventRefundApproved, Params: p}, fmt.Sprintf("Cancellation approved: %s will be refunded.", m)
	case "rejected":
		p["why"] = r.RejectionReason
		return vocdesk.MessageEvent{Kind: vocdesk.EventRefundRejected, Params: p}, fmt.Sprintf("Cancellation of %s rejected: %s.", m, r.RejectionReason)
	case "failed":
		p["why"] = r.FailureReason
		return vocdesk.MessageEvent{Kind: vocdesk.EventRefundFailed, Params: p}, fmt.Sprintf("Refund of %s failed: %s.", m, r.FailureReason)
	case "refunded":
		en := vocdesk.RefundSummary("en", r, r.PurchaseAmount)
		p["summary_en"], p["summary_ko"] = en, vocdesk.RefundSummary("ko", r, r.PurchaseAmount)
		return vocdesk.MessageEvent{Kind: vocdesk.EventRefundRefunded, Params: p}, en
	}
	return vocdesk.MessageEvent{}, ""
}

// mailRefund queues the customer's mail about a completed refund, in their
// language.
func (tx *Tx) mailRefund(ctx context.Context, r *vocdesk.CancellationRequest, p *vocdesk.Purchase) error {
	var email, locale string
	if err := tx.queryRow(ctx, `SELECT email, locale FROM customers WHERE id = $1`, r.CustomerID).Scan(&email, &locale); err != nil {
		return fmt.Errorf("sqlstore: refund mail: %w", err)
	}
	subject, text := vocdesk.RefundNotice(locale, r, p.Amount)
	m := vocdesk.Mail{To: email, Subject: subject, Text: text, Notice: true}
	return tx.enqueue(ctx, vocdesk.JobSendMail, m, tx.now, "mail:refund:"+strconv.FormatInt(r.ID, 10))
}
