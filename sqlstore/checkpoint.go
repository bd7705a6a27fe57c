package sqlstore

import (
	"context"
	"database/sql"
	"time"
)

// checkpointPause is the least time between two copies of SQLite's
// write-ahead log into the database file while writes keep coming.
//
// Why so short: each copy ends in an fsync of the database file, and the
// more it has to write, the longer the writer's own appends to the log
// stall behind it. bench/mail on the idle 2-core machine (8 SMTP
// connections, 4,000 messages of 20-120 KB): a copy every 250 ms gave a
// p99 from the end of DATA to 250 of 43-60 ms, every 100 ms 31-40 ms,
// every 20 ms 27 ms, what the same run gives with the database in memory
// (tmpfs); left to the writer's own checkpoint, 142-186 ms.
const checkpointPause = 20 * time.Millisecond

// checkpointRetry is the pause before trying again when a copy moved
// nothing (a long read holds pages the log still needs).
const checkpointRetry = 250 * time.Millisecond

// checkpointIdle is how often the log is copied with no commit heard of:
// writes that are no Tx of this process's (migrations, another process on
// the same file) are copied too.
const checkpointIdle = time.Second

// checkpointer copies committed pages from SQLite's write-ahead log into the
// database file on a connection of its own, so that the single writer does
// not stop to do it.
//
// Left to SQLite, the copy (and its two fsyncs) runs inside the commit that
// takes the log past wal_autocheckpoint pages: that write's caller waits
// for it, and a billing import's writer spent about a tenth of its time
// there. A PASSIVE checkpoint takes no lock a writer or reader waits for;
// it copies what every reader has moved past. The writer keeps a checkpoint
// of its own at a higher mark (openSQLite) as the backstop: it is what lets
// the log start over from its beginning when the writer never starts a
// transaction between this copy and its next commit (an import's batches
// follow each other at once), and it bounds the log if this one fails.
//
// It is a worker woken by commits: it copies at once, then at most once
// per checkpointPause while writes keep coming, and again until the log is
// copied; otherwise once per checkpointIdle.
type checkpointer struct {
	pool *sql.DB
	w    *worker
}

func startCheckpointer(pool *sql.DB) *checkpointer {
	c := &checkpointer{pool: pool}
	var last logState
	c.w = startWorker(checkpointIdle, func(ctx context.Context) (time.Duration, bool) {
		now, ok := c.copyLog(ctx)
		defer func() { last = now }()
		switch {
		case !ok || now.copied >= now.logged:
			return checkpointPause, false
		case now == last:
			return checkpointRetry, true // nothing moved: a long read holds pages
		default:
			return checkpointPause, true // come back for the rest
		}
	})
	return c
}

// committed tells the checkpointer that the log has new pages; on
// PostgreSQL (no checkpointer) it does nothing.
func (c *checkpointer) committed() {
	if c != nil {
		c.w.notify()
	}
}

// logState is what a checkpoint reports: the log's frames and how many of
// them are in the database file.
type logState struct{ logged, copied int64 }

// copyLog runs one PASSIVE checkpoint; ok is false when it failed.
func (c *checkpointer) copyLog(ctx context.Context) (s logState, ok bool) {
	var busy int64
	// An error (SQLITE_BUSY while another process checkpoints, an I/O
	// error) leaves the pages to the next commit's wake and to the
	// writer's own checkpoint. SQLite drops that one's errors too; a
	// failing disk shows where the writer appends to the WAL, which fails
	// its commit.
	if err := c.pool.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &s.logged, &s.copied); err != nil {
		return s, false
	}
	return s, true
}

// close stops the copying and closes the connection; the writer's last
// close checkpoints what is left.
func (c *checkpointer) close() error {
	c.w.close()
	return c.pool.Close()
}
