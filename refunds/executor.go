// Package refunds carries approved cancellation requests out: the handler of
// the refund.execute job, between vocdesk's ledger and the payment provider.
package refunds

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/payment"
)

// Executor is the refund.execute handler. A job may run more than once (a
// crash, a lost lease, a provider that timed out after acting), so each run
// first learns where the request stands, asks the provider by idempotency
// key when an earlier run may have reached it, and records the provider's
// word at most once per execution. The provider's key is derived from the
// request's id and execution, so asking again never refunds twice.
type Executor struct {
	Service  vocdesk.CancellationService
	Provider payment.Provider
	// Outcome, when set, is told "refunded", "declined" or "retry", for
	// the refund-outcomes metric.
	Outcome func(string)
}

// Kind is the runner's entry for refund.execute: retried with backoff (at
// most a minute apart, for more than a day) while the provider stays
// unreachable, since an approved refund must not be forgotten.
func (x *Executor) Kind() jobs.Kind {
	return jobs.Kind{Handler: x.Handle, MaxAttempts: 2000, Backoff: jobs.Exponential(200*time.Millisecond, time.Minute)}
}

// Handle runs one attempt.
func (x *Executor) Handle(ctx context.Context, j *vocdesk.Job) error {
	var p struct {
		RequestID int64 `json:"request_id"`
	}
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.RequestID <= 0 {
		return jobs.Permanent(fmt.Errorf("refunds: bad payload %q", j.Payload))
	}
	sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
	exec, err := x.Service.BeginRefund(sys, p.RequestID)
	if err != nil {
		if vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND {
			return jobs.Permanent(err)
		}
		return err
	}
	if exec == nil {
		return nil // final already, or not approved: nothing to carry out
	}
	r := exec.Request
	key := r.ProviderKey()
	var res *payment.Result
	if exec.Resumed || j.Attempt > 1 {
		// An earlier run may have reached the provider and lost the
		// answer: ask before acting.
		if res, err = x.Provider.Lookup(ctx, key); err != nil {
			x.outcome("retry")
			return fmt.Errorf("refunds: lookup %s: %w", key, err)
		}
	}
	if res == nil {
		if res, err = x.Provider.Refund(ctx, key, exec.Purchase, r.Amount, r.Method); err != nil {
			x.outcome("retry")
			return fmt.Errorf("refunds: refund %s: %w", key, err)
		}
	}
	o := vocdesk.RefundOutcome{Refunded: res.Status == payment.Succeeded, ProviderRef: res.Ref, Reason: res.Reason}
	if !o.Refunded && o.Reason == "" {
		o.Reason = "declined by the payment provider"
	}
	if err := x.Service.FinishRefund(sys, r.ID, r.Execution, o); err != nil {
		return err
	}
	if o.Refunded {
		x.outcome("refunded")
	} else {
		x.outcome("declined")
	}
	return nil
}

func (x *Executor) outcome(s string) {
	if x.Outcome != nil {
		x.Outcome(s)
	}
}
