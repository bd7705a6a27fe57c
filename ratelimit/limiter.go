package ratelimit

import (
	"context"
	"hash/maphash"
	"time"
)

// Limiter bounds how often each key may act: burst acts in a row, then one
// each every. Unlike the Guard it counts every act, not failures: it is for
// writes of signed-in people (a customer's reviews), keyed by who they are.
// Its counters live in the same kind of fixed table as the Guard's, so its
// memory does not grow with the keys it sees.
type Limiter struct {
	every time.Duration
	burst int
	t     *table
	// seed hashes keys, random per limiter so that nobody outside the
	// process can pick keys that land in one bucket.
	seed maphash.Seed
	now  func() time.Time
}

// NewLimiter returns a limiter of burst acts, then one each every, keeping
// at most slots keys (the least recently used are forgotten first).
func NewLimiter(every time.Duration, burst, slots int) *Limiter {
	return &Limiter{every: every, burst: burst, t: newTable(slots), seed: maphash.MakeSeed(), now: time.Now}
}

// Reserve takes one act of key when there is one left, or says how long
// until there is.
func (l *Limiter) Reserve(key string) (ok bool, retryAfter time.Duration) {
	k := maphash.String(l.seed, key) | 1 // never 0, a free slot
	now := l.now().UnixNano()
	// A table's Update does no I/O and never fails.
	_ = l.t.Update(context.Background(), now, []uint64{k}, func(c []Counter) {
		if retryAfter = gcraWait(c[0].Tat, now, l.every, l.burst); retryAfter > 0 {
			return
		}
		gcraCharge(&c[0], now, l.every)
	})
	return retryAfter == 0, retryAfter
}

// NewWriteLimiter is the server's allowance for a customer's review writes
// (new, edit, helpful), shared by the API and the pages: a person writes
// and edits a few in a row, a script flooding the store gets one a minute.
// 65,536 customers are remembered at once.
func NewWriteLimiter() *Limiter { return NewLimiter(time.Minute, 10, 1<<16) }

// NewSocialIntakeLimiter is the server's allowance for each social
// connector's posts to the public intake: a busy account's burst of 120
// posts goes through at once, then 5 a second (18,000 an hour) keep a
// runaway relay or a replaying one from filling the desk. 4,096 connectors
// are remembered at once.
func NewSocialIntakeLimiter() *Limiter { return NewLimiter(200*time.Millisecond, 120, 1<<12) }
