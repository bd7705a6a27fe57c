package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// On SQLite an inquiry's search document is written after the change that
// makes it, not in its transaction (migration 00148). FTS5 writes a segment
// of its index at every transaction (or statement savepoint) that adds to
// it, and merges the segments as they pile up: in the change's own
// transaction that cost fell on every creation and reply, and on whichever
// of them met a merge. Written in the creation, the search documents were
// 0.4-0.5 ms of CPU per message of bench/mail (560 against 660 messages/s),
// and bench/rules' creations whose rules matched (a statement with a
// savepoint after the documents) had waits of 20-60 ms that went away
// without them.
//
// A change queues the inquiry in search_pending (indexLater), in its own
// transaction, so the queue is as durable as the change. A worker reads the
// queued inquiries' documents on a read snapshot and renders them there,
// in parallel with the writer, and then writes them in one short write
// transaction a batch, which also takes their rows off the queue.
//
// A search sees every change that committed before it began, as it did when
// the documents were written with the change: it waits for the worker to
// have indexed every change this process committed (searchIndexer.caughtUp).
// A change committed by another process on the same file (the CLI) is
// indexed within a second (the worker's idle round), and a search does not
// wait for it.

// searchIndexBatch is the most queued rows one round takes: a round holds
// the writer for about 0.15 ms a document.
const searchIndexBatch = 64

// searchIndexPause is the least time between two rounds while changes keep
// coming, so that one FTS5 segment holds several documents; a waiting
// search cuts it short. bench/rules (inquiries created one at a time, so a
// round's hold on the writer shows in their tail) against bench/mail
// (8 connections, where rounds gather documents): at 5 ms rules added
// 197/221 µs at p99 and mail took 3.12 ms of CPU a message; at 20 ms
// 955/311 µs and 3.02 ms; at 50 ms mail's p99 rose from 29-30 to 41 ms.
const searchIndexPause = 5 * time.Millisecond

// searchWaitMax is the longest a search waits for the worker. If it has not
// caught up by then (a full disk fails its writes), the search answers from
// what is indexed rather than not at all.
const searchWaitMax = 3 * time.Second

// searchIndexer is SQLite's search worker and what searches wait on.
type searchIndexer struct {
	w *worker
	// committed counts this process's commits that queued documents.
	committed atomic.Int64

	mu sync.Mutex
	// indexed is the committed count that the worker's last round to find
	// the queue empty (on a snapshot taken after reading the count) had
	// seen: every commit up to it is in the index.
	indexed int64
	moved   chan struct{} // closed, and replaced, when indexed moves
}

// startSearchIndexer starts db's search worker. Its first round indexes
// what an earlier process left queued, and searches wait for it.
func startSearchIndexer(db *DB) *searchIndexer {
	s := &searchIndexer{moved: make(chan struct{})}
	s.committed.Store(1)
	s.w = startWorker(time.Second, func(ctx context.Context) (time.Duration, bool) {
		upto := s.committed.Load()
		more, err := db.indexQueued(ctx)
		if err != nil {
			// The table not migrated yet, a full disk: the queue keeps the
			// documents for the next round.
			return searchIndexPause, false
		}
		if more {
			return 0, true
		}
		s.caught(upto)
		return searchIndexPause, false
	})
	s.w.notify()
	return s
}

// queued notes a commit that queued documents and wakes the worker.
func (s *searchIndexer) queued() {
	if s == nil {
		return
	}
	s.committed.Add(1)
	s.w.notify()
}

// wake has the worker look at the queue (after the migrations made it).
func (s *searchIndexer) wake() {
	if s != nil {
		s.w.notify()
	}
}

// caught records that every commit up to upto is indexed.
func (s *searchIndexer) caught(upto int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if upto > s.indexed {
		s.indexed = upto
		close(s.moved)
		s.moved = make(chan struct{})
	}
}

// caughtUp waits until every document this process queued before the call
// is indexed, hastening the worker, or searchWaitMax has passed, or ctx is
// done (the search then fails on ctx). Nothing to wait for on PostgreSQL.
func (s *searchIndexer) caughtUp(ctx context.Context) {
	if s == nil {
		return
	}
	target := s.committed.Load()
	timeout := time.NewTimer(searchWaitMax)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		done, moved := s.indexed >= target, s.moved
		s.mu.Unlock()
		if done {
			return
		}
		s.w.hasten()
		select {
		case <-moved:
		case <-ctx.Done():
			return
		case <-timeout.C:
			return
		}
	}
}

// close stops the worker; what is queued stays queued for the next start.
func (s *searchIndexer) close() {
	if s != nil {
		s.w.close()
	}
}

// indexLater queues inquiry id's document to be rewritten once tx commits.
func (tx *Tx) indexLater(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, `INSERT INTO search_pending (inquiry_id) VALUES ($1)`, id); err != nil {
		return fmt.Errorf("sqlstore: queue search document: %w", err)
	}
	tx.searched = true
	return nil
}

// queuedDoc is a queued inquiry's document, rendered (nil: the inquiry is
// gone, and so must its document be).
type queuedDoc struct {
	id int64
	r  *renderedDoc
}

// indexQueued runs one round: up to searchIndexBatch queued rows, their
// documents read and rendered on a snapshot, then written with the rows
// taken off the queue in one write transaction. more says the batch was
// full.
func (db *DB) indexQueued(ctx context.Context) (more bool, err error) {
	docs, last, n, err := db.readQueued(ctx)
	if err != nil || n == 0 {
		return false, err
	}
	tx, err := db.openWrite(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	for _, d := range docs {
		if err := tx.writeRendered(ctx, d.id, d.r); err != nil {
			return false, err
		}
	}
	// Rows queued after the snapshot have later numbers: SQLite numbers a
	// row after the largest, and those read are still there.
	if _, err := tx.exec(ctx, `DELETE FROM search_pending WHERE seq <= $1`, last); err != nil {
		return false, fmt.Errorf("sqlstore: search queue: %w", err)
	}
	return n == searchIndexBatch, tx.Commit()
}

// readQueued reads, on one snapshot, the first queued rows and the
// documents of their inquiries as they are in it, rendered: every change
// whose row is among them is in its document. last is the last row's
// number, n how many rows there were.
func (db *DB) readQueued(ctx context.Context) (docs []queuedDoc, last int64, n int, err error) {
	tx, err := db.openRead(ctx, db.readers)
	if err != nil {
		return nil, 0, 0, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT seq, inquiry_id FROM search_pending ORDER BY seq LIMIT $1`, searchIndexBatch)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("sqlstore: search queue: %w", err)
	}
	var ids []int64
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&last, &id); err != nil {
			rows.Close()
			return nil, 0, 0, fmt.Errorf("sqlstore: search queue: %w", err)
		}
		n++
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, 0, fmt.Errorf("sqlstore: search queue: %w", err)
	}
	for _, id := range ids {
		doc, err := tx.readSearchDoc(ctx, id)
		if errors.Is(err, sql.ErrNoRows) {
			docs = append(docs, queuedDoc{id: id})
			continue
		} else if err != nil {
			return nil, 0, 0, err
		}
		r, err := doc.render()
		if err != nil {
			return nil, 0, 0, err
		}
		docs = append(docs, queuedDoc{id: id, r: r})
	}
	return docs, last, n, nil
}
