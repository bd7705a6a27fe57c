// Package ratelimit keeps one token bucket per key (an IP address, an
// IP+email pair) so that one noisy client cannot spend another's allowance.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// idleAfter is how long a key may go unused before its bucket is dropped. A
// bucket idle that long has refilled anyway, so dropping it changes nothing
// for the client and keeps memory bounded by the number of recent keys.
const idleAfter = 10 * time.Minute

// Limiter is a set of token buckets, one per key. The zero value is not
// usable; call New. It is safe for concurrent use.
type Limiter struct {
	r     rate.Limit
	burst int
	now   func() time.Time // tests replace it to step over the idle window

	mu        sync.Mutex
	entries   map[string]*entry
	lastSweep time.Time
}

type entry struct {
	lim      *rate.Limiter
	lastSeen time.Time
}

// New returns a limiter that allows each key r events per second on average
// with bursts of up to burst events.
func New(r rate.Limit, burst int) *Limiter {
	return &Limiter{r: r, burst: burst, now: time.Now, entries: make(map[string]*entry)}
}

// Allow reports whether an event for key may happen now, and spends a token
// when it may.
func (l *Limiter) Allow(key string) bool {
	ok, _ := l.Reserve(key)
	return ok
}

// Reserve is Allow that also says, when the event is refused, how long the
// caller should wait before trying again (for a Retry-After header).
func (l *Limiter) Reserve(key string) (ok bool, retryAfter time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	e := l.entries[key]
	if e == nil {
		e = &entry{lim: rate.NewLimiter(l.r, l.burst)}
		l.entries[key] = e
	}
	e.lastSeen = now
	r := e.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, idleAfter
	}
	if d := r.DelayFrom(now); d > 0 {
		// Give the token back: a refused request must not push the
		// client's next chance further away.
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep drops idle buckets, at most once per idle window so that Allow stays
// O(1) amortised.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < idleAfter {
		return
	}
	l.lastSweep = now
	for k, e := range l.entries {
		if now.Sub(e.lastSeen) >= idleAfter {
			delete(l.entries, k)
		}
	}
}

// Len reports how many keys currently hold a bucket.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}
