package sqlstore

import "context"

// readerSlots hands SQLite's read connections out in the order readers
// arrive. database/sql gives a freed connection to a random waiter, so
// under load (64 inbox clients on a pool of 4) an unlucky request waited
// through many rounds: p99 was six times the median. A buffered channel
// queues blocked senders first come, first served, and with as many slots
// as connections database/sql never has a waiter at all.
type readerSlots struct{ ch chan struct{} }

func newReaderSlots(n int) *readerSlots { return &readerSlots{ch: make(chan struct{}, n)} }

func (s *readerSlots) acquire(ctx context.Context) error {
	select {
	case s.ch <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *readerSlots) release() { <-s.ch }
