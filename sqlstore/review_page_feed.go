package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// The feed tells the cached review pages (review_page_cache.go) what every
// process's writes changed, as the triggers of migration 00132 name it.
//
// PostgreSQL: one connection of the process's own LISTENs on
// vocdesk_review_pages, from the first read of a page on (a process that
// never reads one, a command, holds no connection for it). A notification
// arrives once its transaction committed (never for one rolled back),
// typically well under a millisecond later on one host, plus the time the
// listener waits for a core when the process is saturated: that is how long
// another process's write may go unseen here. The connection is pinged
// after 2 quiet seconds (2 more to answer), so a connection lost without a
// word is noticed within about 4 seconds; a lost connection takes every
// page with it, and reads go to the database until a new one listens.
//
// SQLite: one connection of the process's own reads PRAGMA data_version
// (it changes when any other connection, this process's writer too,
// committed) and, when it changed, the rows of review_page_changes after
// the last one read. The reads do it, one at a time, when the last reading
// began more than reviewPagePoll ago; past reviewPageMaxLag they wait for
// the one under way (review_page_cache.go, catchUp), and while the changes
// cannot be read no page is served. Commands that write the file are other
// processes: their writes show within reviewPagePoll, reviewPageMaxLag at
// worst. A reading that finds nothing new is one PRAGMA on an idle
// connection, about 200 a second while pages are read. A write from this
// process is read back too, dropping its pages a second time: harmless,
// and simpler than telling the writer's rows apart. data_version alone
// would do (any change drops every page), but this process's own writes
// (purchases, jobs, mail) would then empty the cache many times a second;
// the table names the pages.

const (
	reviewPagePoll   = 5 * time.Millisecond
	reviewPageMaxLag = 100 * time.Millisecond
	// reviewPageChannel is the channel the triggers notify.
	reviewPageChannel = "vocdesk_review_pages"
	// listenQuiet is how long the listener waits for a notification
	// before it pings its connection, and how long the ping may take.
	listenQuiet = 2 * time.Second
)

// reviewPageFeed runs the listener's goroutine (PostgreSQL) or holds the
// poller (SQLite).
type reviewPageFeed struct {
	mu      sync.Mutex
	started bool
	cancel  context.CancelFunc
	done    chan struct{}
	// pid is the listening session's backend process (PostgreSQL): tests
	// end it to see the cache go down and come back.
	pid    uint32
	poller *changePoller
}

// newReviewPages makes the cache and its feed, once the engine is known.
func (db *DB) newReviewPages() *reviewPages {
	if db.dialect == dialectSQLite {
		p := &changePoller{db: db}
		db.reviewFeed.poller = p
		return newReviewPages(nil, p.run)
	}
	return newReviewPages(db.startReviewPageFeed, nil)
}

// startReviewPageFeed starts the listener, once.
func (db *DB) startReviewPageFeed() {
	f := &db.reviewFeed
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.started {
		return
	}
	f.started = true
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel, f.done = cancel, make(chan struct{})
	go func() {
		defer close(f.done)
		db.listenReviewPages(ctx)
	}()
}

// stop ends the feed and waits for it.
func (f *reviewPageFeed) stop() {
	f.mu.Lock()
	cancel, done := f.cancel, f.done
	f.cancel = nil
	f.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	if f.poller != nil {
		f.poller.polling(func() { f.poller.close() })
	}
}

// listenReviewPages listens until ctx ends, connecting again (after a
// pause growing to 5 s) whenever the connection is lost.
func (db *DB) listenReviewPages(ctx context.Context) {
	pause := 50 * time.Millisecond
	for {
		began := time.Now()
		_ = db.listenOnce(ctx) // the cache is down whatever the error
		db.reviewPages.setLive(false)
		if time.Since(began) > time.Minute {
			pause = 50 * time.Millisecond
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// listenOnce connects, listens, and hands notifications to the cache until
// the connection fails or ctx ends.
func (db *DB) listenOnce(ctx context.Context) error {
	cfg := db.listenConfig.Copy()
	var schema string
	cfg.OnNotification = func(_ *pgconn.PgConn, n *pgconn.Notification) {
		if n.Channel == reviewPageChannel {
			db.reviewPages.drop(parseReviewPageChange(schema, n.Payload))
		}
	}
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	// The schema vocdesk's tables are in, which the triggers name:
	// several stores may share the database, and its channels.
	res := conn.ExecParams(ctx, `SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.oid = to_regclass('reviews')`, nil, nil, nil, nil).Read()
	if res.Err != nil {
		return res.Err
	}
	if len(res.Rows) != 1 {
		return errors.New("sqlstore: review pages: no reviews table")
	}
	schema = string(res.Rows[0][0])
	if _, err := conn.Exec(ctx, "LISTEN "+reviewPageChannel).ReadAll(); err != nil {
		return err
	}
	db.reviewFeed.mu.Lock()
	db.reviewFeed.pid = conn.PID()
	db.reviewFeed.mu.Unlock()
	// From here every commit's notification reaches this connection; what
	// committed before is in the database, and the cache starts empty.
	db.reviewPages.setLive(true)
	for {
		wait, cancel := context.WithTimeout(ctx, listenQuiet)
		err := conn.WaitForNotification(wait)
		cancel()
		switch {
		case err == nil:
			continue
		case ctx.Err() != nil:
			return ctx.Err()
		case !pgconn.Timeout(err) && !errors.Is(err, context.DeadlineExceeded):
			return err
		}
		ping, cancel := context.WithTimeout(ctx, listenQuiet)
		err = conn.Ping(ping)
		cancel()
		if err != nil {
			return err
		}
	}
}

// parseReviewPageChange reads a notification's payload (migration 00132):
// "schema app developer customer". Another schema's changes concern
// another store; a payload not understood drops every page.
func parseReviewPageChange(schema, payload string) []reviewPageChange {
	f := strings.Fields(payload)
	if len(f) != 4 {
		return []reviewPageChange{{}}
	}
	if f[0] != schema {
		return nil
	}
	var ids [3]int64
	for i := range ids {
		n, err := strconv.ParseInt(f[i+1], 10, 64)
		if err != nil {
			return []reviewPageChange{{}}
		}
		ids[i] = n
	}
	return []reviewPageChange{{app: ids[0], dev: ids[1], customer: ids[2]}}
}

// changePoller reads review_page_changes on one connection of its own:
// data_version is a connection's view. Its methods run one at a time
// (reviewPages.polling).
type changePoller struct {
	db      *DB
	pool    *sql.DB
	conn    *sql.Conn
	version *sql.Stmt
	changes *sql.Stmt
	live    bool
	closed  bool
	seen    int64 // data_version at the last reading
	last    int64 // the last change read
}

// polling runs fn as the one reading the changes.
func (p *changePoller) polling(fn func()) {
	p.db.reviewPages.polling.Lock()
	defer p.db.reviewPages.polling.Unlock()
	fn()
}

// run reads the changes once, or takes the cache down if it cannot.
func (p *changePoller) run() {
	if p.closed {
		return
	}
	began := time.Now()
	// Not a reader's context: a read given up must not take the cache
	// down. SQLite answers from a local file.
	if err := p.poll(context.Background()); err != nil {
		if p.live {
			p.db.reviewPages.setLive(false)
		}
		p.disconnect()
		return
	}
	p.db.reviewPages.checked(began)
}

// reviewPageBatch is how many changes one statement reads.
const reviewPageBatch = 1024

func (p *changePoller) poll(ctx context.Context) error {
	if p.conn == nil {
		if p.pool == nil {
			pool, err := sql.Open("sqlite", p.db.pollDSN)
			if err != nil {
				return err
			}
			pool.SetMaxOpenConns(1)
			pool.SetMaxIdleConns(1)
			pool.SetConnMaxIdleTime(0)
			p.pool = pool
		}
		conn, err := p.pool.Conn(ctx)
		if err != nil {
			return err
		}
		p.conn = conn
		if p.version, err = conn.PrepareContext(ctx, "PRAGMA data_version"); err != nil {
			return err
		}
		if p.changes, err = conn.PrepareContext(ctx, `SELECT seq, app_id, developer_id, customer_id FROM review_page_changes
			WHERE seq >= ? ORDER BY seq LIMIT `+strconv.Itoa(reviewPageBatch)); err != nil {
			return err
		}
	}
	var version int64
	if err := p.version.QueryRowContext(ctx).Scan(&version); err != nil {
		return err
	}
	if p.live && version == p.seen {
		return nil
	}
	if !p.live {
		// Up from here: the changes from the last one on are read at the
		// next poll; what committed before is in the database, and the
		// cache starts empty.
		if err := p.conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM review_page_changes`).Scan(&p.last); err != nil {
			return err
		}
		p.seen, p.live = version, true
		p.db.reviewPages.setLive(true)
		return nil
	}
	for {
		n, err := p.read(ctx)
		if err != nil {
			return err
		}
		if n < reviewPageBatch {
			break
		}
	}
	p.seen = version
	return nil
}

// read reads the changes from the last one read on (which must still be
// there: otherwise some were trimmed unread, and every page goes) and
// drops their pages; it returns how many rows it read.
func (p *changePoller) read(ctx context.Context) (int, error) {
	rows, err := p.changes.QueryContext(ctx, max(p.last, 1))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var changes []reviewPageChange
	n, first, seq := 0, int64(0), p.last
	for rows.Next() {
		var ch reviewPageChange
		if err := rows.Scan(&seq, &ch.app, &ch.dev, &ch.customer); err != nil {
			return 0, err
		}
		if n == 0 {
			first = seq
		}
		n++
		if seq > p.last {
			changes = append(changes, ch)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	switch {
	case n == 0 && p.last > 0, n > 0 && first != max(p.last, 1):
		// The last change read is gone (trimmed, or the file replaced):
		// some were never read.
		changes = []reviewPageChange{{}}
	}
	p.db.reviewPages.drop(changes)
	if n > 0 {
		p.last = seq
	} else {
		p.last = 0
	}
	return n, nil
}

// disconnect lets the connection go; the next reading connects again.
func (p *changePoller) disconnect() {
	for _, st := range []*sql.Stmt{p.version, p.changes} {
		if st != nil {
			st.Close()
		}
	}
	if p.conn != nil {
		p.conn.Close()
	}
	p.version, p.changes, p.conn, p.live = nil, nil, nil, false
}

// close ends the polling for good (DB.Close).
func (p *changePoller) close() {
	p.disconnect()
	if p.pool != nil {
		p.pool.Close()
	}
	p.closed = true
}
