package sqlstore

import (
	"strconv"
	"strings"
	"sync"

	"github.com/vocdesk/vocdesk"
)

// The first pages of the public app page and of a developer's reviews
// inbox are what everyone opens, and they change far less often than they
// are read. ReviewService keeps them, each with the version it was read
// at: review_counts.version for an app, review_inbox_versions for a
// developer, which triggers move in the transaction of every insert,
// update or delete of a review and every rename of an app (migration
// 00101). A request reads the version in the statement it needed anyway
// (the app and its counts), with the verified marks of the cached page's
// reviews, and uses the cached page only if the version is the one it was
// read at; otherwise it reads the page and keeps it. So a page is never
// older than the database, whichever process wrote (several vocdesk serve
// processes share a PostgreSQL), and a hidden review leaves it at the next
// request. The verified mark depends on the reviewer's purchases, not the
// review, so it is never cached: it is read on every request.
//
// bench/reviews at 1M reviews: the public first page went from two
// statements and 21 review rows to one statement (see the README there for
// the figures).

// maxCachedReviewPages bounds the cache: a page of 20 reviews is a few
// kilobytes, so this is at most some tens of megabytes.
const maxCachedReviewPages = 8192

// reviewPage is a first page as read at version: its reviews (without the
// verified mark), the cursor of the next page, and the pairs of customer
// and app whose purchases decide the marks, as the JSON the version
// statement takes.
type reviewPage struct {
	// owner is the app's id (the developer's for the inbox): a slug
	// freed by a rename may come to name another app, whose version
	// counts from its own start.
	owner   int64
	version int64
	list    []*vocdesk.Review
	next    string
	pairs   string
}

// reviewPageCache holds first pages by key: "a" and the app's slug for the
// public page, "d" and the developer's id for the inbox.
type reviewPageCache struct {
	mu    sync.Mutex
	pages map[string]*reviewPage
}

func (c *reviewPageCache) get(key string) *reviewPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pages[key]
}

// put keeps owner's page read at version (list is copied: the caller's rows are
// its own). A full cache starts over: the pages in use come back at once.
func (c *reviewPageCache) put(key string, owner, version int64, list []*vocdesk.Review, next string) {
	p := &reviewPage{owner: owner, version: version, list: copyReviews(list), next: next, pairs: reviewPairs(list)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil || len(c.pages) >= maxCachedReviewPages {
		c.pages = map[string]*reviewPage{}
	}
	c.pages[key] = p
}

// page returns the page's reviews for one request: copies, with the
// verified marks read for it (verified: the indexes into pairs of the
// reviews whose reviewer holds a paid purchase, comma-separated).
func (p *reviewPage) page(verified string) []*vocdesk.Review {
	list := copyReviews(p.list)
	for _, s := range strings.Split(verified, ",") {
		if k, err := strconv.Atoi(s); err == nil && k >= 0 && k < len(list) {
			list[k].VerifiedPurchase = true
		}
	}
	return list
}

// copyReviews copies the reviews of a page, their reply too, with no
// verified mark.
func copyReviews(list []*vocdesk.Review) []*vocdesk.Review {
	out := make([]*vocdesk.Review, len(list))
	for k, r := range list {
		c := *r
		c.VerifiedPurchase = false
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

// reviewPairs is the JSON array of [customer id, app id] of each review,
// in order, for verifiedSQL.
func reviewPairs(list []*vocdesk.Review) string {
	var b strings.Builder
	b.WriteByte('[')
	for k, r := range list {
		if k > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		b.WriteString(strconv.FormatInt(r.CustomerID, 10))
		b.WriteByte(',')
		b.WriteString(strconv.FormatInt(r.AppID, 10))
		b.WriteByte(']')
	}
	b.WriteByte(']')
	return b.String()
}

// verifiedSQL is a scalar subquery over the JSON array of [customer id,
// app id] pairs bound at param: the indexes of the pairs whose customer
// holds a paid purchase of the app, comma-separated ("" for none). Each
// pair is one probe of purchases_customer, as reviewSelect's verified
// column is.
func verifiedSQL(dialect, param string) string {
	if dialect == dialectSQLite {
		// The pairs are taken apart once (MATERIALIZED), not for every
		// purchase the probe reads: json_extract in the probe's condition
		// was a sixth of a cached page's CPU (bench/reviews).
		return `COALESCE((WITH v(k, c, a) AS MATERIALIZED (SELECT j.key, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') FROM json_each(` + param + `) j)
			SELECT group_concat(v.k) FROM v
			WHERE (SELECT 1 FROM purchases p WHERE p.customer_id = v.c AND p.app_id = v.a AND p.refunded < p.amount LIMIT 1) IS NOT NULL), '')`
	}
	return `COALESCE((SELECT string_agg((e.k - 1)::text, ',') FROM jsonb_array_elements(CAST(` + param + ` AS jsonb)) WITH ORDINALITY AS e(v, k)
		WHERE (SELECT 1 FROM purchases p WHERE p.customer_id = (e.v->>0)::bigint
			AND p.app_id = (e.v->>1)::bigint AND p.refunded < p.amount LIMIT 1) IS NOT NULL), '')`
}
