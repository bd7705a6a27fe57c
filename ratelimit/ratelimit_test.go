package ratelimit

import (
	"sync"
	"testing"
	"time"
)

func TestAllowPerKey(t *testing.T) {
	l := New(1, 3)
	now := time.Unix(1_700_000_000, 0)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if !l.Allow("a") {
			t.Fatalf("attempt %d of the burst refused", i+1)
		}
	}
	if l.Allow("a") {
		t.Fatal("attempt past the burst allowed")
	}
	if !l.Allow("b") {
		t.Fatal("another key shares a's bucket")
	}
	ok, wait := l.Reserve("a")
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("Reserve after the burst = %v, %v; want refused with a wait of at most 1s", ok, wait)
	}
	now = now.Add(time.Second)
	if !l.Allow("a") {
		t.Fatal("a refused after its bucket refilled one token")
	}
}

// A refused attempt must not cost a token, or a client retrying too early
// would lock itself out for ever.
func TestRefusalIsFree(t *testing.T) {
	l := New(1, 1)
	now := time.Unix(1_700_000_000, 0)
	l.now = func() time.Time { return now }
	l.Allow("a")
	for range 10 {
		l.Allow("a")
	}
	now = now.Add(time.Second)
	if !l.Allow("a") {
		t.Fatal("refused attempts pushed the next token back")
	}
}

func TestIdleEviction(t *testing.T) {
	l := New(1, 1)
	now := time.Unix(1_700_000_000, 0)
	l.now = func() time.Time { return now }
	for _, k := range []string{"a", "b", "c"} {
		l.Allow(k)
	}
	if n := l.Len(); n != 3 {
		t.Fatalf("Len = %d; want 3", n)
	}
	now = now.Add(idleAfter + time.Second)
	l.Allow("d")
	if n := l.Len(); n != 1 {
		t.Fatalf("Len after the idle window = %d; want 1 (only d)", n)
	}
}

func TestConcurrent(t *testing.T) {
	l := New(0, 100) // no refill: exactly the burst may pass
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		allowed int
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if l.Allow("k") {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if allowed != 100 {
		t.Fatalf("allowed %d of 400; want exactly the burst of 100", allowed)
	}
}
