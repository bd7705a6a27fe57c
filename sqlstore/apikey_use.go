package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// keyUses batches the writes of API keys' last use. Every write to SQLite
// makes every reader's page cache stale (the next read transaction starts
// with an empty cache), and a store with thousands of integrations, each
// key written once a minute, turned the API's reads into page reads from
// the file: an inbox page over HTTP cost 3 ms of CPU instead of 1. Uses
// are kept here and written in one transaction at most once per
// keyUseGranularity, the first at once. A use not yet written when the
// process stops is written by Close; after a crash, last_used_at may be
// up to a minute older than the key's real last use.
type keyUses struct {
	mu      sync.Mutex
	pending map[int64]int64 // key id: its latest use, unix microseconds
	written time.Time       // when pending was last taken to be written
}

// use records key id's use at now and returns the uses to write now, if
// it is time (nil otherwise).
func (k *keyUses) use(id int64, now time.Time) map[int64]int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.addLocked(id, micros(now))
	if now.Sub(k.written) < keyUseGranularity {
		return nil
	}
	return k.takeLocked(now)
}

// take returns every use not written yet.
func (k *keyUses) take(now time.Time) map[int64]int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.takeLocked(now)
}

func (k *keyUses) takeLocked(now time.Time) map[int64]int64 {
	due := k.pending
	k.pending, k.written = nil, now
	return due
}

// giveBack keeps uses whose write failed for the next one.
func (k *keyUses) giveBack(uses map[int64]int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for id, at := range uses {
		k.addLocked(id, at)
	}
}

// addLocked keeps the later of a key's pending use and at.
func (k *keyUses) addLocked(id, at int64) {
	if k.pending == nil {
		k.pending = map[int64]int64{}
	}
	k.pending[id] = max(k.pending[id], at)
}

// writeKeyUses writes uses in one transaction. A key's last_used_at only
// moves forward, so concurrent processes and late writes cannot move it
// back.
func (db *DB) writeKeyUses(ctx context.Context, uses map[int64]int64) error {
	if len(uses) == 0 {
		return nil
	}
	err := db.inWrite(ctx, func(tx *Tx) error {
		for id, at := range uses {
			if _, err := tx.exec(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)`, at, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.keyUses.giveBack(uses)
		return fmt.Errorf("sqlstore: api key last use: %w", err)
	}
	return nil
}
