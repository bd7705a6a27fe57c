// Package payment carries refunds out: the Provider interface vocdesk's
// refund job talks to, and StoreLedger, the built-in provider that stands
// for the store's billing system, with fault injection for tests.
package payment

import (
	"context"
	"errors"
	"time"

	"github.com/vocdesk/vocdesk"
)

// Status is a provider's final word on a refund.
type Status string

const (
	Succeeded Status = "succeeded"
	Declined  Status = "declined"
)

// Result is what a provider did with one idempotency key.
type Result struct {
	Status Status
	Reason string // why it was declined
	Ref    string // the provider's id of the refund
}

// ErrTransient is a failure before the provider acted: asking again is safe
// and may work.
var ErrTransient = errors.New("payment: provider unavailable (transient)")

// ErrTimeout is an answer that never came: the provider may or may not have
// acted. Only asking it by idempotency key (Lookup) tells.
var ErrTimeout = errors.New("payment: provider timed out (outcome unknown)")

// Provider carries refunds out. Both calls are keyed by an idempotency key
// that the caller derives from its own refund's identity: Refund with a key
// already used returns the first result and never refunds twice.
type Provider interface {
	// Refund gives amount (minor units of p.Currency) of purchase p back by
	// method. An error means the outcome is unknown (ErrTransient: not
	// done; ErrTimeout and others: maybe done).
	Refund(ctx context.Context, key string, p *vocdesk.Purchase, amount int64, method vocdesk.RefundMethod) (*Result, error)
	// Lookup returns the result of an earlier Refund with key, or nil when
	// the provider never carried one out.
	Lookup(ctx context.Context, key string) (*Result, error)
}

// Entry is one refund in the store ledger's own log.
type Entry struct {
	Key      string
	TxID     string
	Amount   int64
	Currency string
	Method   vocdesk.RefundMethod
	Status   Status
	Reason   string
	Ref      string
	At       time.Time
}

// Ledger is the store ledger provider's durable log, kept apart from
// vocdesk's own tables and transactions as a real provider's would be.
type Ledger interface {
	// Record stores e under e.Key unless the key is already there, and
	// returns the entry stored under the key. decide is called, with no
	// other Record for the same TxID running, with what the TxID had
	// refunded so far, to fill e.Status and e.Reason.
	Record(ctx context.Context, e Entry, decide func(refundedBefore int64) (Status, string)) (*Entry, error)
	// Find returns the entry under key, or nil.
	Find(ctx context.Context, key string) (*Entry, error)
}
