package ratelimit

import (
	"context"
	"slices"
)

// Counter is one counter's state. Tat, in Unix nanoseconds, is the generic
// cell rate algorithm's theoretical arrival time (guard.go); Last is when
// it was last charged. A counter whose Tat is not after now counts
// nothing: it is the same as one never seen, and a store may forget it.
type Counter struct {
	Tat, Last int64
}

// Counters is where a guard keeps its counters: in the process (a table of
// fixed size, NewGuard's default) or in the database that every process of
// a deployment shares (sqlstore.SignInCounters), so that a guesser who
// spreads attempts over the processes behind a load balancer meets one
// budget, not one per process.
type Counters interface {
	// Update reads the counters of keys into c (zero for a key unknown or
	// forgotten), calls change(c) and keeps what it leaves, as one atomic
	// step: no other Update of these keys comes between the read and the
	// write. change may be called more than once, so it must set
	// everything it reports on each call. now is the caller's clock, by
	// which the store knows which counters count nothing.
	Update(ctx context.Context, now int64, keys []uint64, change func(c []Counter)) error
}

// Edit is what a store keeps of one counter after a change: the counter
// at index I of the keys, forgotten (it counts nothing any more) or kept
// with its new value.
type Edit struct {
	I      int
	Forget bool
}

// Apply calls change on c and returns the edits a store makes for it: one
// per counter change left different, in the order of c. No edits: change
// changed nothing (an attempt refused), and there is nothing to write.
func Apply(now int64, c []Counter, change func(c []Counter)) []Edit {
	before := slices.Clone(c)
	change(c)
	var edits []Edit
	for i := range c {
		if c[i] != before[i] {
			edits = append(edits, Edit{I: i, Forget: c[i].Tat <= now})
		}
	}
	return edits
}
