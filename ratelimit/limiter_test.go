package ratelimit

import (
	"strconv"
	"testing"
	"time"
)

// A key gets its burst, then one act each period; other keys are apart.
func TestLimiter(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := NewLimiter(time.Minute, 3, 64)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := l.Reserve("a"); !ok {
			t.Fatalf("act %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Reserve("a")
	if ok || wait != time.Minute {
		t.Fatalf("fourth act: ok=%v wait=%v; want refused for a minute", ok, wait)
	}
	if ok, _ := l.Reserve("b"); !ok {
		t.Fatal("another key was refused")
	}
	now = now.Add(time.Minute)
	if ok, _ := l.Reserve("a"); !ok {
		t.Fatal("a minute later the key was still refused")
	}
	if ok, _ := l.Reserve("a"); ok {
		t.Fatal("a second act in the same minute was allowed")
	}
}

// However many keys it sees, the limiter keeps its fixed table.
func TestLimiterMemoryIsFixed(t *testing.T) {
	l := NewLimiter(time.Minute, 1, 1024)
	before := len(l.t.buckets)
	for i := range 100_000 {
		l.Reserve(strconv.Itoa(i))
	}
	if len(l.t.buckets) != before {
		t.Fatalf("the table grew from %d to %d buckets", before, len(l.t.buckets))
	}
}
