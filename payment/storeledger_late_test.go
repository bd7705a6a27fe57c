package payment

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
)

// memLedger is a Ledger in memory: one entry per key, as the real one.
type memLedger struct {
	mu sync.Mutex
	m  map[string]*Entry
}

func (l *memLedger) Record(_ context.Context, e Entry, decide func(int64) (Status, string)) (*Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.m[e.Key]; ok {
		return old, nil
	}
	e.Status, e.Reason = decide(0)
	l.m[e.Key] = &e
	return &e, nil
}

func (l *memLedger) Find(_ context.Context, key string) (*Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.m[key], nil
}

// TestLateAnswers: a late answer's refund is made at once; the answer
// comes LateBy later, or, when the caller gives up first, is lost as a
// timeout while the refund stands (Lookup finds it).
func TestLateAnswers(t *testing.T) {
	l := &memLedger{m: map[string]*Entry{}}
	s := NewStoreLedger(l, Faults{LateRate: 1, LateBy: 200 * time.Millisecond})
	p := &vocdesk.Purchase{TxID: "TX1", Amount: 1000, Currency: "KRW"}

	start := time.Now()
	res, err := s.Refund(context.Background(), "k1", p, 300, vocdesk.RefundOriginal)
	if err != nil || res.Status != Succeeded || time.Since(start) < 200*time.Millisecond {
		t.Fatalf("late answer: %+v, %v after %s", res, err, time.Since(start))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.Refund(ctx, "k2", p, 300, vocdesk.RefundOriginal); !errors.Is(err, ErrTimeout) {
		t.Fatalf("an answer later than the caller waits: %v, want ErrTimeout", err)
	}
	if res, err := s.Lookup(context.Background(), "k2"); err != nil || res == nil || res.Status != Succeeded {
		t.Fatalf("the refund behind the lost answer: %+v, %v", res, err)
	}
	if err := (Faults{LateRate: 2}).Validate(); err == nil {
		t.Error("a late rate of 2 is valid")
	}
	if err := (Faults{LateBy: -time.Second}).Validate(); err == nil {
		t.Error("a negative LateBy is valid")
	}
}
