// Package ratelimit slows down password guessing: it counts failed sign-ins
// per client address and per account in a table of fixed size, so that what
// an attacker sends can cost neither memory nor, past a few tries, password
// hashing.
package ratelimit

import (
	"hash/maphash"
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

// table is a fixed-size, set-associative map from hashed keys to counters.
// The hash seed is random per table, so nobody outside the process can pick
// keys that land in one bucket to push a victim's counter out.
type table struct {
	seed    maphash.Seed
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
	return &table{seed: maphash.MakeSeed(), buckets: make([][ways]slot, n), mask: uint64(n - 1)}
}

// hash hashes the parts of a key, each preceded by its length so that
// ("ab","c") and ("a","bc") differ. The parts are streamed into the hash,
// never joined into one string.
func (t *table) hash(kind byte, parts ...string) uint64 {
	var h maphash.Hash
	h.SetSeed(t.seed)
	_ = h.WriteByte(kind)
	for _, p := range parts {
		var n [4]byte
		l := len(p)
		n[0], n[1], n[2], n[3] = byte(l), byte(l>>8), byte(l>>16), byte(l>>24)
		_, _ = h.Write(n[:])
		_, _ = h.WriteString(p)
	}
	k := h.Sum64()
	if k == 0 {
		k = 1 // 0 marks a free slot
	}
	return k
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
