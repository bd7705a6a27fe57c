package vocdesk

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// CancellationStatus is where a purchase cancellation request stands:
// pending > approved > processing > refunded, or rejected, or failed (which
// an operator may send back to approved).
type CancellationStatus string

const (
	CancellationPending    CancellationStatus = "pending"    // waiting for the store
	CancellationApproved   CancellationStatus = "approved"   // the store said yes; a refund job is queued
	CancellationProcessing CancellationStatus = "processing" // the payment provider is being asked
	CancellationRefunded   CancellationStatus = "refunded"   // the money went back; final
	CancellationRejected   CancellationStatus = "rejected"   // the store said no; final
	CancellationFailed     CancellationStatus = "failed"     // the provider said no for good; an operator may retry
)

// CancellationStatuses lists every status in the order of the workflow.
func CancellationStatuses() []CancellationStatus {
	return []CancellationStatus{CancellationPending, CancellationApproved, CancellationProcessing,
		CancellationRefunded, CancellationRejected, CancellationFailed}
}

// Valid reports whether s is a known status.
func (s CancellationStatus) Valid() bool {
	for _, k := range CancellationStatuses() {
		if s == k {
			return true
		}
	}
	return false
}

// Reserves reports whether a request in status s holds its amount against
// the purchase: every request that may still become a refund does, so that
// refunded plus reserved never passes what was paid.
func (s CancellationStatus) Reserves() bool {
	return s == CancellationPending || s == CancellationApproved || s == CancellationProcessing
}

// Final reports whether nothing more happens to a request in status s by
// itself. A failed request is final, though an operator may retry it.
func (s CancellationStatus) Final() bool { return !s.Reserves() }

// transitions is the state machine: the only legal moves, as data, so the
// service, the tests and the documentation read the same table.
var transitions = map[CancellationStatus][]CancellationStatus{
	CancellationPending:    {CancellationApproved, CancellationRejected},
	CancellationApproved:   {CancellationProcessing},
	CancellationProcessing: {CancellationRefunded, CancellationFailed},
	CancellationFailed:     {CancellationApproved}, // an operator's retry
}

// CanBecome reports whether a request may move from s to next.
func (s CancellationStatus) CanBecome(next CancellationStatus) bool {
	for _, t := range transitions[s] {
		if t == next {
			return true
		}
	}
	return false
}

// Transition checks a move and returns an EUNPROCESSABLE error naming it
// when the state machine does not allow it.
func Transition(from, to CancellationStatus) error {
	if !from.CanBecome(to) {
		return Errorf(EUNPROCESSABLE, "a %s cancellation request cannot become %s", from, to)
	}
	return nil
}

// CancellationReason is why a purchase is cancelled.
type CancellationReason string

const (
	ReasonCustomerRequest   CancellationReason = "customer_request"
	ReasonNotDelivered      CancellationReason = "not_delivered"
	ReasonDuplicatePurchase CancellationReason = "duplicate_purchase"
	ReasonDefective         CancellationReason = "defective"
	ReasonFraud             CancellationReason = "fraud"
	ReasonOther             CancellationReason = "other"
)

// Valid reports whether r is a known reason.
func (r CancellationReason) Valid() bool {
	switch r {
	case ReasonCustomerRequest, ReasonNotDelivered, ReasonDuplicatePurchase, ReasonDefective, ReasonFraud, ReasonOther:
		return true
	}
	return false
}

// CancellationSource is who started a cancellation.
type CancellationSource string

const (
	SourceDeveloper  CancellationSource = "developer"
	SourceOperator   CancellationSource = "operator"
	SourceChargeback CancellationSource = "chargeback" // the card network pulled the money back
)

// RefundMethod is where refunded money goes.
type RefundMethod string

const (
	RefundOriginal  RefundMethod = "original"   // back the way it was paid
	RefundStoreCash RefundMethod = "store_cash" // store cash, e.g. carrier billing after its month closed
)

// Valid reports whether m is a known refund method.
func (m RefundMethod) Valid() bool { return m == RefundOriginal || m == RefundStoreCash }

// CancellationRequest is a request to refund a purchase, fully or in part.
// The store is the merchant of record: developers ask, the store decides and
// carries the refund out through the payment provider.
type CancellationRequest struct {
	ID          int64
	PurchaseID  int64
	TxID        string
	TID         string
	DeveloperID int64
	AppSlug     string
	CustomerID  int64

	Amount         int64 // minor units of Currency
	Currency       string
	PurchaseAmount int64
	PaymentMethod  Method

	Reason CancellationReason
	Note   string // shown to the customer
	Status CancellationStatus
	Source CancellationSource
	Method RefundMethod
	// MethodNotice says why the refund goes elsewhere than it was paid
	// from (carrier billing after its month), for the customer.
	MethodNotice string

	RejectionReason string // the operator's, when rejected
	FailureReason   string // the provider's, when failed

	InquiryID int64 // 0 when not sent from an inquiry
	// Execution counts the attempts to carry the refund out (an operator's
	// retry starts a new one); the provider's idempotency key is derived
	// from the id and this number.
	Execution int

	CreatedAt  time.Time
	UpdatedAt  time.Time
	DecidedAt  *time.Time // approved or rejected
	RefundedAt *time.Time
}

// Money returns the amount to refund.
func (r *CancellationRequest) Money() Money { return Money{r.Amount, r.Currency} }

// ProviderKey is the payment provider's idempotency key for the request's
// current execution: the same refund asked twice is carried out once.
func (r *CancellationRequest) ProviderKey() string {
	return "vocdesk-refund-" + strconv.FormatInt(r.ID, 10) + "-" + strconv.Itoa(r.Execution)
}

// MaxNote bounds the note to the customer.
const MaxNote = 2000

// CancellationInput is a new cancellation request as a caller sends it.
type CancellationInput struct {
	TxID string
	// Amount to refund in minor units; 0 means all that is left.
	Amount    int64
	Reason    CancellationReason
	Note      string
	InquiryID int64
	// Source is set by the service from the route: developer for
	// developers, operator or chargeback for operators.
	Source CancellationSource
	// IdempotencyKey is required; it is scoped to the developer (the store
	// for operators).
	IdempotencyKey string
}

// MaxIdempotencyKey bounds the Idempotency-Key header.
const MaxIdempotencyKey = 255

// Validate checks an input before any lookup.
func (in *CancellationInput) Validate() error {
	switch {
	case strings.TrimSpace(in.IdempotencyKey) == "":
		return Errorf(EINVALID, "the Idempotency-Key header is required")
	case len(in.IdempotencyKey) > MaxIdempotencyKey:
		return Errorf(EINVALID, "the Idempotency-Key header is at most %d characters", MaxIdempotencyKey)
	case strings.TrimSpace(in.TxID) == "":
		return Errorf(EINVALID, "txid is required")
	case in.Amount < 0:
		return Errorf(EINVALID, "amount must be greater than zero").Because("amount_positive")
	case !in.Reason.Valid():
		return Errorf(EINVALID, "reason must be one of customer_request, not_delivered, duplicate_purchase, defective, fraud, other")
	case len([]rune(in.Note)) > MaxNote:
		return Errorf(EINVALID, "note is at most %d characters", MaxNote)
	case in.InquiryID < 0:
		return Errorf(EINVALID, "inquiry_id must be a positive number")
	}
	return nil
}

// CancellationFilter selects cancellation requests; every field is optional.
// Results are scoped to the actor: a developer's own, a customer's own
// purchases', all for operators.
type CancellationFilter struct {
	Status     CancellationStatus
	TxID       string
	CustomerID int64
	InquiryID  int64
	Cursor     string
	Limit      int // default 50, at most 200
}

// RefundExecution is what the refund job needs to carry a request out.
type RefundExecution struct {
	Request  *CancellationRequest
	Purchase *Purchase
	// Resumed is set when the request was already processing: a previous
	// attempt died or timed out, and the provider may have acted already.
	Resumed bool
}

// RefundOutcome is the payment provider's final word on one execution.
type RefundOutcome struct {
	Refunded    bool
	ProviderRef string // the provider's id of the refund
	Reason      string // why it was declined
}

// CancellationService holds cancellation requests, the store's refund
// policy, and the voided-purchases feed.
type CancellationService interface {
	// CancellationBatchService is bulk cancellation from a spreadsheet.
	CancellationBatchService
	// RequestCancellation creates a request per the Idempotency-Key draft:
	// a repeat of a key with the same parameters returns what the first
	// returned (the request as created, or the same error); other
	// parameters are EKEYREUSED; a repeat while the first is still being
	// processed is EINPROGRESS. Asking for more than is left to refund is
	// EUNPROCESSABLE. Developers (agent or above, or an API key) ask about
	// their own purchases; operators about any, with source operator or
	// chargeback, approved at once.
	RequestCancellation(ctx context.Context, in *CancellationInput) (*CancellationRequest, error)
	// FindCancellationByID returns a request the actor may see.
	FindCancellationByID(ctx context.Context, id int64) (*CancellationRequest, error)
	// FindCancellations lists requests the actor may see, newest first.
	FindCancellations(ctx context.Context, f CancellationFilter) ([]*CancellationRequest, string, error)
	// ApproveCancellation, RejectCancellation and RetryCancellation are the
	// operator's decisions.
	ApproveCancellation(ctx context.Context, id int64) (*CancellationRequest, error)
	RejectCancellation(ctx context.Context, id int64, reason string) (*CancellationRequest, error)
	RetryCancellation(ctx context.Context, id int64) (*CancellationRequest, error)

	// FindRefundPolicy and UpdateRefundPolicy read and replace the store's
	// policy. Operators only.
	FindRefundPolicy(ctx context.Context) (*RefundPolicy, error)
	UpdateRefundPolicy(ctx context.Context, p *RefundPolicy) error

	// FindVoidedPurchases lists completed refunds, newest first.
	FindVoidedPurchases(ctx context.Context, f VoidedFilter) ([]*VoidedPurchase, string, error)

	// BeginRefund and FinishRefund are the refund job's two steps around
	// the provider's call. The system only.
	BeginRefund(ctx context.Context, id int64) (*RefundExecution, error)
	FinishRefund(ctx context.Context, id int64, execution int, o RefundOutcome) error
}

// JobRefundExecute carries an approved request out through the payment
// provider. Its payload is {"request_id": N}.
const JobRefundExecute = "refund.execute"
