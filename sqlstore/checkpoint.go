package sqlstore

import (
	"context"
	"database/sql"
	"time"
)

// checkpointEvery is how often SQLite's write-ahead log is copied back into
// the database file, beside the writer.
const checkpointEvery = 250 * time.Millisecond

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
type checkpointer struct {
	pool *sql.DB
	stop context.CancelFunc
	done chan struct{}
}

func startCheckpointer(pool *sql.DB, every time.Duration) *checkpointer {
	ctx, stop := context.WithCancel(context.Background())
	c := &checkpointer{pool: pool, stop: stop, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			// An error (SQLITE_BUSY while another process checkpoints, an
			// I/O error) leaves the pages to the next tick and to the
			// writer's own checkpoint. SQLite drops that one's errors
			// too; a failing disk shows where the writer appends to the
			// WAL, which fails its commit.
			_, _ = pool.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}()
	return c
}

// close stops the copying and closes the connection; the writer's last
// close checkpoints what is left.
func (c *checkpointer) close() error {
	c.stop()
	<-c.done
	return c.pool.Close()
}
