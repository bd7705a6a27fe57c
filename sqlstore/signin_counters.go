package sqlstore

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/vocdesk/vocdesk/ratelimit"
)

// SignInCounters keeps the sign-in guard's counters (ratelimit.Counters)
// in the database, so every process on it counts one budget per address
// and per account: behind a load balancer, a guesser's attempts do not
// get a fresh budget on each process.
type SignInCounters struct {
	db *DB
	// writes counts the updates that wrote, to sweep spent counters now
	// and then rather than on every write.
	writes atomic.Uint64
}

// sweepEvery is how many writing updates pass between two sweeps of the
// counters that count nothing any more (an address's after about a minute,
// an account's after its failures decayed, a known pair's after 30 days).
const sweepEvery = 256

// NewSignInCounters returns the database's sign-in counters.
func NewSignInCounters(db *DB) *SignInCounters { return &SignInCounters{db: db} }

// signInLock is the PostgreSQL advisory lock that makes an Update one step
// across processes (a row lock cannot hold a counter that has no row yet).
// One lock for all counters is enough: it is held for a read and a few
// writes, and sign-ins are paced by password hashing, not by this.
const signInLock = 0x7369676e696e // "signin"

// Update is ratelimit.Counters.Update. It reads the counters first outside
// any write: a refused attempt changes nothing, so a flood of them costs
// reads, not the write lock. When change changes something, it runs again
// on the counters read under the write lock and what it leaves is written.
func (s *SignInCounters) Update(ctx context.Context, now int64, keys []uint64, change func(c []ratelimit.Counter)) error {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return err
	}
	c, err := readCounters(ctx, tx, keys)
	tx.Rollback()
	if err != nil {
		return err
	}
	if len(ratelimit.Apply(now, c, change)) == 0 {
		return nil
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		if tx.dialect == dialectPostgres {
			if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(signInLock)); err != nil {
				return err
			}
		}
		c, err := readCounters(ctx, tx, keys)
		if err != nil {
			return err
		}
		for _, e := range ratelimit.Apply(now, c, change) {
			k, v := int64(keys[e.I]), c[e.I]
			if e.Forget {
				_, err = tx.exec(ctx, `DELETE FROM signin_counters WHERE key = $1`, k)
			} else {
				_, err = tx.exec(ctx, `INSERT INTO signin_counters (key, tat, last) VALUES ($1, $2, $3)
					ON CONFLICT (key) DO UPDATE SET tat = excluded.tat, last = excluded.last`, k, v.Tat, v.Last)
			}
			if err != nil {
				return err
			}
		}
		if s.writes.Add(1)%sweepEvery == 0 {
			_, err = tx.exec(ctx, `DELETE FROM signin_counters WHERE tat <= $1`, now)
		}
		return err
	})
}

// readCounters reads the counters of keys, zero for those without a row.
func readCounters(ctx context.Context, tx *Tx, keys []uint64) ([]ratelimit.Counter, error) {
	c := make([]ratelimit.Counter, len(keys))
	if len(keys) == 0 {
		return c, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = int64(k)
	}
	rows, err := tx.query(ctx, `SELECT key, tat, last FROM signin_counters WHERE key IN (`+placeholders(1, len(keys))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: sign-in counters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k int64
		var v ratelimit.Counter
		if err := rows.Scan(&k, &v.Tat, &v.Last); err != nil {
			return nil, fmt.Errorf("sqlstore: sign-in counters: %w", err)
		}
		for i := range keys {
			if int64(keys[i]) == k {
				c[i] = v
			}
		}
	}
	return c, rows.Err()
}
