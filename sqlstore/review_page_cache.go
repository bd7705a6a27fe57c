package sqlstore

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/vocdesk/vocdesk"
)

// The first pages of the public app page (newest first) and of a
// developer's reviews inbox are what everyone opens, and they change far
// less often than they are read. The process keeps them whole (the app, the
// counts, the reviews with their verified marks and replies, the cursor)
// and serves an unchanged one without asking the database: at 64 clients on
// 2 cores a read that asks costs 64 x its CPU / 2 in latency, and a
// statement per read was 6-13 ms of it (bench/reviews).
//
// A page stays only while nothing it shows has changed. It is dropped:
//
//   - by this process's writes, when they commit: a write notes the pages
//     it changes (Tx.reviewPagesChanged: a review written, hidden, replied
//     to or voted on; a purchase whose paid state changes, which moves the
//     "verified purchase" mark), and Tx.Commit drops them after the COMMIT,
//     so the writer's next read, and everyone's after it, reads the
//     database. A rolled-back write drops nothing; a failed COMMIT drops its
//     pages all the same (it may have committed);
//   - by every write of every process, this one's too, a moment after it
//     commits: triggers (migration 00132) name the pages each write changes
//     and review_page_feed.go hears them (PostgreSQL: NOTIFY, delivered at
//     commit; SQLite: a table of changes read every few milliseconds).
//     Writes that no hook names (an app renamed by hand, a command on the
//     same SQLite file, another vocdesk serve) show within that moment.
//     While the feed is down (the listening connection lost, SQLite's
//     changes unreadable) no page is served or kept: every read goes to
//     the database until the feed is back.
//
// A read that misses reads the database and keeps what it read only if no
// change that could concern the page arrived meanwhile: it takes a ticket
// (the count of changes so far) before it reads, and put compares the page
// with every change after the ticket. Without that, a read that began
// before a write committed and finished after the write dropped the page
// would keep the page as it was before the write, for good.
//
// The figures are in bench/reviews/README.md.

const (
	// maxReviewPageBytes bounds the pages kept (the least recently read
	// go first), as pageSize counts them. A page of 20 reviews as the
	// bench writes them is about 12 KB: its 1,000 apps and 100 developers
	// took 13.5 MB. A page of 20 reviews at the longest body and reply
	// (2,000 characters each, Korean: 3 bytes each) is about 250 KB.
	maxReviewPageBytes = 64 << 20
	// reviewPageChangesKept is how many of the latest changes put can
	// compare a page with; a read that saw more go by keeps nothing.
	reviewPageChangesKept = 256
	// maxChangesCompared is the most changes of one commit put compares
	// a page with; a larger commit refuses every page read meanwhile.
	maxChangesCompared = 64
)

// reviewPageChange names the cached pages a write may have changed, as the
// triggers of migration 00132 do: customer set, the pages showing that
// customer's review of app (its verified mark); else app's public page and
// dev's inbox (either may be 0); app 0 with dev set, dev's inbox and every
// public page of dev's apps; all three 0, every page.
type reviewPageChange struct{ app, dev, customer int64 }

// reviewPair is a customer and an app: the purchases that decide a
// review's verified mark.
type reviewPair struct{ customer, app int64 }

// reviewPage is a first page as read: what PublicReviews (public) or
// FindReviews returns for it. Nothing in it changes once it is kept;
// readers get copies.
type reviewPage struct {
	key    string
	public bool
	app    int64 // public: the app
	dev    int64 // the developer: the inbox's, or the app's
	info   vocdesk.App
	sum    vocdesk.RatingSummary
	list   []*vocdesk.Review
	cursor string
	size   int

	newer, older *reviewPage // the LRU list
}

// reviewPageTicket is a read's place in the changes (see put).
type reviewPageTicket struct {
	gen uint64
	ok  bool // the feed was up
}

// reviewPages is the process's cache of first pages (one per DB).
type reviewPages struct {
	// start starts the listener (PostgreSQL, review_page_feed.go) on the
	// first read.
	start   func()
	started atomic.Bool
	// poll reads the changes (SQLite, review_page_feed.go): a read runs it
	// when the last reading began more than reviewPagePoll ago, and serves
	// a page only if it began at most reviewPageMaxLag ago. The readers
	// poll, not a goroutine of the feed's: at 64 clients on 2 cores a
	// ticker's goroutine waited its turn behind them for more than 100 ms
	// at times, and every read meanwhile went to the database (p99 23 ms
	// instead of 0.2 ms, bench/reviews at 100k reviews).
	poll      func()
	polling   sync.Mutex
	checkedAt atomic.Int64 // unix nanoseconds, the last reading that succeeded
	triedAt   atomic.Int64 // the last reading tried

	mu     sync.Mutex
	byKey  map[string]*reviewPage // "a" + slug, "d" + developer id
	byApp  map[int64]*reviewPage  // public pages
	byDev  map[int64]*reviewPage  // inboxes
	byPair map[reviewPair][]*reviewPage
	newest *reviewPage
	oldest *reviewPage
	bytes  int
	max    int

	// gen counts the changes heard; changes holds the latest, change g at
	// g % reviewPageChangesKept.
	gen     uint64
	changes [reviewPageChangesKept][]reviewPageChange

	// live: the feed is up, so pages may be served and kept. up is the
	// same, for catchUp, which does not take mu.
	live bool
	up   atomic.Bool

	stats reviewPageStats

	// beforePut, in tests, runs between a miss's read and its put: where a
	// write races the read.
	beforePut func()
}

type reviewPageStats struct {
	hits, misses, kept, refused, outages uint64
}

func newReviewPages(start, poll func()) *reviewPages {
	c := &reviewPages{start: start, poll: poll, max: maxReviewPageBytes}
	c.clear()
	return c
}

// lookup returns the page kept under key, or a ticket for a read of it.
func (c *reviewPages) lookup(key string) (*reviewPage, reviewPageTicket) {
	if c.poll != nil {
		c.catchUp()
	} else if !c.started.Load() && c.started.CompareAndSwap(false, true) {
		c.start()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live && (c.poll == nil || time.Now().UnixNano()-c.checkedAt.Load() <= int64(reviewPageMaxLag)) {
		if p := c.byKey[key]; p != nil {
			c.stats.hits++
			c.touch(p)
			return p, reviewPageTicket{}
		}
	}
	c.stats.misses++
	return nil, reviewPageTicket{gen: c.gen, ok: c.live}
}

// catchUp reads the changes (SQLite) if the last reading began more than
// reviewPagePoll ago and no other read is reading them. If it began more
// than reviewPageMaxLag ago, the read waits for the one reading them (a
// page is never served staler than that): the reader holding the lock was
// descheduled, at 64 clients on 2 cores sometimes for over 100 ms, and
// waiting readers give the cores back to it, where reads sent to the
// database meanwhile queued for them (bench/reviews at 100k reviews: p99
// 6.8 ms, then 0.2 ms).
func (c *reviewPages) catchUp() {
	now := time.Now().UnixNano()
	age := now - c.checkedAt.Load()
	switch {
	case age <= int64(reviewPagePoll):
		return
	case !c.up.Load():
		// The feed is down: a read tries again, every reviewPagePoll at
		// most, and none waits.
		if now-c.triedAt.Load() <= int64(reviewPagePoll) || !c.polling.TryLock() {
			return
		}
	case age <= int64(reviewPageMaxLag):
		if !c.polling.TryLock() {
			return
		}
	default:
		c.polling.Lock()
	}
	defer c.polling.Unlock()
	if time.Now().UnixNano()-max(c.checkedAt.Load(), c.triedAt.Load()) > int64(reviewPagePoll) {
		c.triedAt.Store(time.Now().UnixNano())
		c.poll()
	}
}

// put keeps p, read after t was taken, unless a change since t may concern
// it or the feed was down at either end.
func (c *reviewPages) put(t reviewPageTicket, p *reviewPage) {
	if c.beforePut != nil {
		c.beforePut()
	}
	p.size = pageSize(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !t.ok || !c.live || c.gen-t.gen > reviewPageChangesKept || p.size > c.max {
		c.stats.refused++
		return
	}
	for g := t.gen + 1; g <= c.gen; g++ {
		for _, ch := range c.changes[g%reviewPageChangesKept] {
			if ch.concerns(p) {
				c.stats.refused++
				return
			}
		}
	}
	if old := c.byKey[p.key]; old != nil {
		c.remove(old)
	}
	if old := c.owner(p); old != nil {
		c.remove(old)
	}
	c.byKey[p.key] = p
	if p.public {
		c.byApp[p.app] = p
	} else {
		c.byDev[p.dev] = p
	}
	for _, r := range p.list {
		k := reviewPair{r.CustomerID, r.AppID}
		c.byPair[k] = append(c.byPair[k], p)
	}
	p.older, c.newest = c.newest, p
	if p.older != nil {
		p.older.newer = p
	} else {
		c.oldest = p
	}
	c.bytes += p.size
	c.stats.kept++
	for c.bytes > c.max {
		c.remove(c.oldest)
	}
}

// drop drops the pages the changes name, and records the changes for the
// reads under way (put).
func (c *reviewPages) drop(changes []reviewPageChange) {
	if c == nil || len(changes) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if len(changes) > maxChangesCompared {
		// A reading under way will not compare its page with an
		// import's thousands of purchases under the lock: it keeps
		// nothing.
		c.changes[c.gen%reviewPageChangesKept] = []reviewPageChange{{}}
	} else {
		c.changes[c.gen%reviewPageChangesKept] = changes
	}
	for _, ch := range changes {
		switch {
		case ch.customer != 0:
			for len(c.byPair[reviewPair{ch.customer, ch.app}]) > 0 {
				c.remove(c.byPair[reviewPair{ch.customer, ch.app}][0])
			}
		case ch.app != 0:
			c.remove(c.byApp[ch.app])
			c.remove(c.byDev[ch.dev])
		case ch.dev != 0:
			c.remove(c.byDev[ch.dev])
			for _, p := range c.byApp {
				if p.dev == ch.dev {
					c.remove(p)
				}
			}
		default:
			c.clear()
		}
	}
}

// setLive records the feed going up or down. Either way every page goes,
// and reads under way keep nothing: while the feed was down, changes went
// unheard.
func (c *reviewPages) setLive(live bool) {
	c.mu.Lock()
	if c.live && !live {
		c.stats.outages++
	}
	c.live = live
	c.up.Store(live)
	c.mu.Unlock()
	c.drop([]reviewPageChange{{}})
}

// checked records a complete reading of the changes (SQLite), begun at t.
func (c *reviewPages) checked(t time.Time) { c.checkedAt.Store(t.UnixNano()) }

// concerns tells whether the change may have changed page p.
func (ch reviewPageChange) concerns(p *reviewPage) bool {
	switch {
	case ch.customer != 0:
		for _, r := range p.list {
			if r.CustomerID == ch.customer && r.AppID == ch.app {
				return true
			}
		}
		return false
	case ch.app != 0:
		return (p.public && p.app == ch.app) || (!p.public && ch.dev != 0 && p.dev == ch.dev)
	case ch.dev != 0:
		return p.dev == ch.dev
	}
	return true
}

// owner is the page kept for p's app or developer, under whatever key.
func (c *reviewPages) owner(p *reviewPage) *reviewPage {
	if p.public {
		return c.byApp[p.app]
	}
	return c.byDev[p.dev]
}

func (c *reviewPages) touch(p *reviewPage) {
	if c.newest == p {
		return
	}
	c.unlink(p)
	p.older, c.newest = c.newest, p
	p.older.newer = p
}

func (c *reviewPages) unlink(p *reviewPage) {
	if p.newer != nil {
		p.newer.older = p.older
	} else {
		c.newest = p.older
	}
	if p.older != nil {
		p.older.newer = p.newer
	} else {
		c.oldest = p.newer
	}
	p.newer, p.older = nil, nil
}

// remove forgets p (nil: nothing).
func (c *reviewPages) remove(p *reviewPage) {
	if p == nil || c.byKey[p.key] != p {
		return
	}
	c.unlink(p)
	delete(c.byKey, p.key)
	if p.public {
		delete(c.byApp, p.app)
	} else {
		delete(c.byDev, p.dev)
	}
	for _, r := range p.list {
		k := reviewPair{r.CustomerID, r.AppID}
		list := c.byPair[k]
		for i, q := range list {
			if q == p {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(c.byPair, k)
		} else {
			c.byPair[k] = list
		}
	}
	c.bytes -= p.size
}

func (c *reviewPages) clear() {
	c.byKey = map[string]*reviewPage{}
	c.byApp = map[int64]*reviewPage{}
	c.byDev = map[int64]*reviewPage{}
	c.byPair = map[reviewPair][]*reviewPage{}
	c.newest, c.oldest, c.bytes = nil, nil, 0
}

// pageSize is about what p holds in memory, in bytes.
func pageSize(p *reviewPage) int {
	n := 512 + len(p.key) + len(p.cursor) + len(p.info.Name) + len(p.info.Slug) + len(p.info.DeveloperSlug) + len(p.info.DeveloperName)
	for _, r := range p.list {
		n += 400 + len(r.AppSlug) + len(r.AppName) + len(r.Author) + len(r.Body) + len(r.HiddenReason)
		if r.Reply != nil {
			n += 64 + len(r.Reply.Body)
		}
	}
	return n
}

// copyReviews copies a page's reviews for one reader, with their reply
// and hidden time: the kept ones are shared by every reader.
func copyReviews(list []*vocdesk.Review) []*vocdesk.Review {
	out := make([]*vocdesk.Review, len(list))
	for k, r := range list {
		c := *r
		if r.Reply != nil {
			reply := *r.Reply
			c.Reply = &reply
		}
		if r.HiddenAt != nil {
			at := *r.HiddenAt
			c.HiddenAt = &at
		}
		out[k] = &c
	}
	return out
}
