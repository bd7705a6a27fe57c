package payment

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/vocdesk/vocdesk"
)

// Faults are what StoreLedger injects, to test vocdesk against a provider
// that is slow, flaky, and sometimes acts without answering.
type Faults struct {
	// FailRate is the share of calls that fail before the provider acts.
	FailRate float64
	// TimeoutRate is the share of Refund calls that carry the refund out
	// and then time out: the hard case, which only Lookup resolves.
	TimeoutRate float64
	// DeclineRate is the share of new refunds declined for good.
	DeclineRate float64
	// Latency is the mean time a call takes (uniform from half to one and
	// a half times it).
	Latency time.Duration
	// LateRate is the share of Refund calls that carry the refund out at
	// once and answer LateBy later: an answer that arrives after the job's
	// lease ran out and another worker took the refund over, or after the
	// request moved on to a new execution. The fences must make it change
	// nothing (the crash test checks that they do).
	LateRate float64
	LateBy   time.Duration
}

// Validate checks that the rates are shares.
func (f Faults) Validate() error {
	for name, r := range map[string]float64{"fail rate": f.FailRate, "timeout rate": f.TimeoutRate, "decline rate": f.DeclineRate,
		"late rate": f.LateRate} {
		if r < 0 || r > 1 {
			return fmt.Errorf("payment: %s must be from 0 to 1, not %v", name, r)
		}
	}
	if f.Latency < 0 || f.LateBy < 0 {
		return fmt.Errorf("payment: latency must not be negative")
	}
	return nil
}

// StoreLedger is the built-in provider: it refunds on the store's own books,
// recording every refund in its Ledger under the caller's idempotency key.
// Like a real provider it refuses to give back more than was charged.
type StoreLedger struct {
	Ledger Ledger
	Faults Faults

	mu  sync.Mutex
	rnd *rand.Rand
}

// NewStoreLedger returns the store ledger provider on l with faults f.
func NewStoreLedger(l Ledger, f Faults) *StoreLedger {
	var seed [16]byte
	_, _ = crand.Read(seed[:])
	return &StoreLedger{Ledger: l, Faults: f, rnd: rand.New(rand.NewPCG(beUint64(seed[:8]), beUint64(seed[8:])))}
}

var _ Provider = (*StoreLedger)(nil)

// Refund implements Provider.
func (s *StoreLedger) Refund(ctx context.Context, key string, p *vocdesk.Purchase, amount int64, method vocdesk.RefundMethod) (*Result, error) {
	if err := s.delay(ctx); err != nil {
		return nil, err
	}
	if s.chance(s.Faults.FailRate) {
		return nil, ErrTransient
	}
	if amount <= 0 {
		return &Result{Status: Declined, Reason: "amount must be positive"}, nil
	}
	declineByChance := s.chance(s.Faults.DeclineRate)
	e, err := s.Ledger.Record(ctx, Entry{Key: key, TxID: p.TxID, Amount: amount, Currency: p.Currency, Method: method, Ref: newRef()},
		func(before int64) (Status, string) {
			switch {
			case before+amount > p.Amount:
				return Declined, fmt.Sprintf("refund exceeds the charge: %s already refunded of %s",
					vocdesk.Money{Amount: before, Currency: p.Currency}, p.Money())
			case declineByChance:
				return Declined, "declined by the billing system (simulated)"
			}
			return Succeeded, ""
		})
	if err != nil {
		return nil, fmt.Errorf("payment: store ledger: %w", err)
	}
	if s.chance(s.Faults.TimeoutRate) {
		return nil, ErrTimeout // the refund is done; the answer is lost
	}
	if s.chance(s.Faults.LateRate) {
		if err := wait(ctx, s.Faults.LateBy); err != nil {
			return nil, err // the refund is done; the caller gave up first
		}
	}
	return resultOf(e), nil
}

// Lookup implements Provider.
func (s *StoreLedger) Lookup(ctx context.Context, key string) (*Result, error) {
	if err := s.delay(ctx); err != nil {
		return nil, err
	}
	if s.chance(s.Faults.FailRate) {
		return nil, ErrTransient
	}
	e, err := s.Ledger.Find(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("payment: store ledger: %w", err)
	}
	if e == nil {
		return nil, nil
	}
	return resultOf(e), nil
}

func resultOf(e *Entry) *Result { return &Result{Status: e.Status, Reason: e.Reason, Ref: e.Ref} }

func (s *StoreLedger) chance(rate float64) bool {
	if rate <= 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rnd.Float64() < rate
}

func (s *StoreLedger) delay(ctx context.Context) error {
	if s.Faults.Latency <= 0 {
		return ctx.Err()
	}
	s.mu.Lock()
	d := s.Faults.Latency/2 + time.Duration(s.rnd.Int64N(int64(s.Faults.Latency)+1))
	s.mu.Unlock()
	return wait(ctx, d)
}

// wait sleeps for d, or answers ErrTimeout when ctx ends first.
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ErrTimeout
	case <-t.C:
		return nil
	}
}

func newRef() string {
	var b [10]byte
	_, _ = crand.Read(b[:])
	return "sl_" + hex.EncodeToString(b[:])
}

func beUint64(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}
