// Package ratelimit slows down password guessing: it counts failed sign-ins
// per client address and per account, in a table of fixed size or in a
// store the server's processes share (Counters), so that what an attacker
// sends can cost neither unbounded memory nor, past a few tries, password
// hashing.
package ratelimit

import (
	"context"
	"sync"
)

// ways is how many slots share one bucket of the table. A key may live in
// any slot of its bucket; when all are taken, the least recently used one is
// reused. Four ways make it unlikely that a busy key is pushed out by chance
// while keeping a lookup to four comparisons.
const ways = 4

// slot is one counter. Keys are never stored, only their 64-bit hash, so an
// entry costs the same whether the email it stands for is 5 bytes or 5 MB,
// and the table's memory is fixed when it is made.
type slot struct {
	key  uint64 // hash of the key; 0: free
	tat  int64  // the counter's state, in Unix nanoseconds (see guard.go)
	last int64  // when the slot was last written, for eviction
}

// table is a fixed-size, set-associative map from hashed keys to counters:
// the Counters of a guard that keeps them in its process. The keys are
// keyed hashes (Guard.key), so nobody without the guard's key can pick keys
// that land in one bucket to push a victim's counter out.
type table struct {
	mu      sync.Mutex
	buckets [][ways]slot
	mask    uint64
}

// newTable returns a table of at least slots slots (rounded up to a power of
// two number of buckets).
func newTable(slots int) *table {
	n := 1
	for n*ways < slots {
		n <<= 1
	}
	return &table{buckets: make([][ways]slot, n), mask: uint64(n - 1)}
}

// Update is Counters.Update: under the table's lock, it reads the keys'
// slots, calls change once, and writes back the counters it changed,
// freeing the slots of those that now count nothing.
func (t *table) Update(_ context.Context, now int64, keys []uint64, change func(c []Counter)) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := make([]Counter, len(keys))
	for i, k := range keys {
		if s := t.find(k); s != nil {
			c[i] = Counter{Tat: s.tat, Last: s.last}
		}
	}
	for _, e := range Apply(now, c, change) {
		if e.Forget {
			t.drop(keys[e.I])
			continue
		}
		s := t.take(keys[e.I])
		s.tat, s.last = c[e.I].Tat, c[e.I].Last
	}
	return nil
}

// find returns the slot of key, or nil. The caller holds t.mu.
func (t *table) find(key uint64) *slot {
	b := &t.buckets[key&t.mask]
	for i := range b {
		if b[i].key == key {
			return &b[i]
		}
	}
	return nil
}

// take returns the slot of key, claiming the least recently written slot of
// its bucket (whose counter is then forgotten) when key has none. The
// caller holds t.mu.
func (t *table) take(key uint64) *slot {
	if s := t.find(key); s != nil {
		return s
	}
	b := &t.buckets[key&t.mask]
	victim := &b[0]
	for i := range b {
		if b[i].key == 0 {
			victim = &b[i]
			break
		}
		if b[i].last < victim.last {
			victim = &b[i]
		}
	}
	*victim = slot{key: key}
	return victim
}

// drop forgets key. The caller holds t.mu.
func (t *table) drop(key uint64) {
	if s := t.find(key); s != nil {
		*s = slot{}
	}
}

// size is the number of slots, for tests and documentation.
func (t *table) size() int { return len(t.buckets) * ways }
