package sqlstore

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestReaderSlots checks that readers wait while every slot is taken, that
// a reader whose context ends stops waiting, and that each release lets
// exactly one waiter through, so no slot is lost or made up.
func TestReaderSlots(t *testing.T) {
	s := newReaderSlots(2)
	ctx := context.Background()
	for range 2 {
		if err := s.acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := s.acquire(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire with every slot taken: %v, want the context's deadline", err)
	}
	through := make(chan struct{}, 5)
	for range 5 {
		go func() {
			if err := s.acquire(ctx); err != nil {
				t.Error(err)
				return
			}
			through <- struct{}{}
		}()
	}
	for want := 1; want <= 5; want++ {
		s.release() // each waiter keeps its slot, so one release lets one through
		select {
		case <-through:
		case <-time.After(5 * time.Second):
			t.Fatalf("waiter %d never got the freed slot", want)
		}
		select {
		case <-through:
			t.Fatalf("one release let two waiters through")
		case <-time.After(20 * time.Millisecond):
		}
	}
}
