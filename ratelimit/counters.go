package ratelimit

import "context"

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
