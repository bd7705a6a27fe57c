package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// pagesFixture is a review fixture whose first pages are read through the
// cache (reader) and straight from the database (ref).
type pagesFixture struct {
	*reviewFixture
	reader, ref vocdesk.ReviewService
	dev         context.Context // developer A's agent
}

func newPagesFixture(t *testing.T, db *sqlstore.DB, n int) *pagesFixture {
	t.Helper()
	f := &pagesFixture{reviewFixture: newReviewFixture(t, db, n), ref: sqlstore.NewUncachedReviewServiceForTest(db)}
	f.reader = f.rev
	f.dev = asDeveloper(f.devA, vocdesk.RoleAgent)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, db.WaitReviewPagesLiveForTest(ctx))
	return f
}

// pages are app A's public first page and developer A's inbox as text,
// read through svc.
func (f *pagesFixture) pages(t *testing.T, svc vocdesk.ReviewService) string {
	t.Helper()
	return publicFirstPage(t, svc, f.appA.Slug) + "\ninbox: " + inboxFirstPage(t, svc, f.dev)
}

// same fails unless the cached pages are the database's now (two reads:
// the second is the cached one).
func (f *pagesFixture) same(t *testing.T, step string) {
	t.Helper()
	for k := range 2 {
		if got, want := f.pages(t, f.reader), f.pages(t, f.ref); got != want {
			t.Fatalf("%s (read %d): cached pages\n%s\nwant\n%s", step, k+1, got, want)
		}
	}
}

// eventually waits (at most 5 s) until the cached pages are the
// database's, and returns how long that took.
func (f *pagesFixture) eventually(t *testing.T, step string) time.Duration {
	t.Helper()
	began := time.Now()
	for {
		got, want := f.pages(t, f.reader), f.pages(t, f.ref)
		if got == want {
			return time.Since(began)
		}
		if time.Since(began) > 5*time.Second {
			t.Fatalf("%s: after 5 s the cached pages are still\n%s\nwant\n%s", step, got, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// cached reads the pages until both come from the cache (at most 5 s), so
// that a change after it has pages to drop.
func (f *pagesFixture) cached(t *testing.T, step string) {
	t.Helper()
	began := time.Now()
	for {
		before := f.db.ReviewPageStatsForTest().Hits
		f.pages(t, f.reader)
		if f.db.ReviewPageStatsForTest().Hits-before == 2 {
			return
		}
		if time.Since(began) > 5*time.Second {
			t.Fatalf("%s: the pages are not cached after 5 s: %+v", step, f.db.ReviewPageStatsForTest())
		}
		time.Sleep(time.Millisecond)
	}
}

func (f *pagesFixture) review(t *testing.T, i, rating int, at time.Time) int64 {
	t.Helper()
	f.db.Now = func() time.Time { return at }
	r := &vocdesk.Review{AppSlug: f.appA.Slug, Rating: rating, Body: fmt.Sprintf("review %d", i)}
	must(t, f.rev.CreateReview(asCustomer(f.buyers[i]), r))
	return r.ID
}

// verified is whether customer's review shows the verified mark on app A's
// cached public page.
func (f *pagesFixture) verified(t *testing.T, customer int64) bool {
	t.Helper()
	_, _, list, _, err := f.reader.PublicReviews(context.Background(), f.appA.Slug, vocdesk.ReviewFilter{})
	must(t, err)
	for _, r := range list {
		if r.CustomerID == customer {
			return r.VerifiedPurchase
		}
	}
	t.Fatalf("no review of customer %d on the page", customer)
	return false
}

// TestReviewPagesFollowWritesInProcess: every write of this process shows
// on the very next read, whichever service made it: reviews written,
// edited, replied to, voted on, reported, hidden and restored, and the
// verified mark taken by a refund in full and given back by a new purchase
// and by an import.
func TestReviewPagesFollowWritesInProcess(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPagesFixture(t, db, 4)
		f.same(t, "no reviews")
		ids := make([]int64, len(f.buyers))
		for i := range f.buyers {
			f.cached(t, "before a review")
			ids[i] = f.review(t, i, 1+i, t0.Add(time.Duration(i)*time.Minute))
			f.same(t, fmt.Sprintf("review %d created", i))
		}
		db.Now = func() time.Time { return t0.Add(time.Hour) }
		writer := sqlstore.NewReviewService(db) // another service on the same DB
		steps := []struct {
			name  string
			write func() error
		}{
			{"edited", func() error { _, err := writer.UpdateReview(asCustomer(f.buyers[0]), ids[0], 5, "edited"); return err }},
			{"replied", func() error { _, err := writer.ReplyToReview(f.dev, ids[1], "thanks"); return err }},
			{"reply edited", func() error { _, err := writer.ReplyToReview(f.dev, ids[1], "thanks again"); return err }},
			{"marked helpful", func() error { _, err := writer.MarkHelpful(asCustomer(f.buyers[2]), ids[1]); return err }},
			{"reported", func() error { _, err := writer.ReportReview(f.dev, ids[3], "rude"); return err }},
			{"hidden", func() error { _, err := writer.HideReview(asOperator(), ids[3], "rude"); return err }},
			{"restored", func() error { _, err := writer.RestoreReview(asOperator(), ids[3], "appeal"); return err }},
		}
		for _, s := range steps {
			f.cached(t, s.name)
			must(t, s.write())
			f.same(t, s.name)
		}

		// A refund in full takes buyer 2's mark away, through the
		// cancellation workflow; a new purchase gives it back.
		buyer := f.buyers[2]
		purchases, _, err := f.purchases.FindPurchases(asOperator(), vocdesk.PurchaseFilter{CustomerID: buyer.ID})
		must(t, err)
		if len(purchases) != 1 {
			t.Fatalf("buyer 2 has %d purchases; want 1", len(purchases))
		}
		f.cached(t, "before the refund")
		if !f.verified(t, buyer.ID) {
			t.Fatal("buyer 2's review is not verified before the refund")
		}
		e := &refundEnv{fixture: f.fixture, svc: sqlstore.NewCancellationService(db)}
		r, err := e.ask(f.dev, purchases[0].TxID, purchases[0].Amount, "review-pages")
		must(t, err)
		_, err = e.svc.ApproveCancellation(asOperator(), r.ID)
		must(t, err)
		ex, err := e.svc.BeginRefund(asOperator(), r.ID)
		must(t, err)
		must(t, e.svc.FinishRefund(asOperator(), r.ID, ex.Request.Execution, vocdesk.RefundOutcome{Refunded: true, ProviderRef: "rp-1"}))
		f.same(t, "refunded in full")
		if f.verified(t, buyer.ID) {
			t.Fatal("buyer 2's review is still verified after the refund in full")
		}
		f.cached(t, "before the purchase")
		f.record(t, f.purchase("TXR-AGAIN", "o-again", buyer, f.appA, "", 1200, t0.Add(2*time.Hour)))
		f.same(t, "bought again")
		if !f.verified(t, buyer.ID) {
			t.Fatal("buyer 2's review is not verified after buying again")
		}

		// An import gives buyer 3's mark back after a refund made in SQL
		// (heard from the triggers).
		buyer = f.buyers[3]
		f.cached(t, "before the refund in SQL")
		_, err = db.RawForTest().Exec(db.RebindForTest(`UPDATE purchases SET refunded = amount, status = 'refunded' WHERE customer_id = $1`), buyer.ID)
		must(t, err)
		f.eventually(t, "refunded in SQL")
		f.cached(t, "before the import")
		_, err = f.purchases.ImportPurchases(asOperator(), []*vocdesk.Purchase{f.purchase("TXR-IMPORT", "o-import", buyer, f.appA, "", 1200, t0.Add(3*time.Hour))})
		must(t, err)
		f.same(t, "imported")
		if !f.verified(t, buyer.ID) {
			t.Fatal("buyer 3's review is not verified after the import")
		}

		// Another developer's inbox is never this one's.
		other, _, err := f.reader.FindReviews(asDeveloper(f.devB, vocdesk.RoleOwner), vocdesk.ReviewFilter{})
		must(t, err)
		if len(other) != 0 {
			t.Fatalf("developer B's inbox shows %d of developer A's reviews", len(other))
		}
	})
}

// openTwice opens the engine's database twice, as two processes would:
// the first handle migrated, the second not.
func openTwice(t *testing.T, engine string) (*sqlstore.DB, *sqlstore.DB) {
	t.Helper()
	var dsn string
	if engine == "postgres" {
		dsn, _ = sqlstoretest.NewPostgresSchema(t, os.Getenv(sqlstoretest.EnvPostgres))
	} else {
		dsn = filepath.Join(t.TempDir(), "vocdesk.db")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var dbs [2]*sqlstore.DB
	for i := range dbs {
		db, err := sqlstore.Open(ctx, dsn)
		must(t, err)
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			must(t, db.Migrate(ctx))
		}
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

// twoProcesses runs fn on each engine with two handles on one database.
func twoProcesses(t *testing.T, fn func(t *testing.T, engine string, db, other *sqlstore.DB)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			if engine == "postgres" && os.Getenv(sqlstoretest.EnvPostgres) == "" {
				t.Skip(sqlstoretest.EnvPostgres + " is not set")
			}
			db, other := openTwice(t, engine)
			fn(t, engine, db, other)
		})
	}
}

// TestReviewPagesFollowOtherProcesses: writes through another handle on the
// database (another vocdesk process, a command), by its services and by
// hand in SQL, show on this one's cached pages within a bounded wait.
func TestReviewPagesFollowOtherProcesses(t *testing.T) {
	twoProcesses(t, func(t *testing.T, engine string, db, other *sqlstore.DB) {
		f := newPagesFixture(t, db, 4)
		ids := make([]int64, len(f.buyers))
		for i := range f.buyers {
			ids[i] = f.review(t, i, 1+i, t0.Add(time.Duration(i)*time.Minute))
		}
		o := newFixtureOn(t, other)
		writer := sqlstore.NewReviewService(other)
		sqlOn := func(q string, args ...any) func() error {
			return func() error {
				_, err := other.RawForTest().Exec(other.RebindForTest(q), args...)
				return err
			}
		}
		steps := []struct {
			name  string
			write func() error
		}{
			{"review edited", func() error {
				_, err := writer.UpdateReview(asCustomer(f.buyers[0]), ids[0], 4, "edited elsewhere")
				return err
			}},
			{"replied", func() error { _, err := writer.ReplyToReview(f.dev, ids[1], "thanks"); return err }},
			{"marked helpful", func() error { _, err := writer.MarkHelpful(asCustomer(f.buyers[0]), ids[2]); return err }},
			{"hidden", func() error { _, err := writer.HideReview(asOperator(), ids[3], "rude"); return err }},
			{"restored", func() error { _, err := writer.RestoreReview(asOperator(), ids[3], "appeal"); return err }},
			{"app renamed", sqlOn(`UPDATE apps SET name = $1 WHERE id = $2`, "App A, renamed", f.appA.ID)},
			{"developer's slug changed", sqlOn(`UPDATE developers SET slug = $1 WHERE id = $2`, "dev-a-new", f.devA.ID)},
			{"developer renamed", sqlOn(`UPDATE developers SET name = $1 WHERE id = $2`, "Developer A, renamed", f.devA.ID)},
			{"refunded in SQL", sqlOn(`UPDATE purchases SET refunded = amount, status = 'refunded' WHERE customer_id = $1`, f.buyers[1].ID)},
			{"bought again", func() error {
				_, err := o.purchases.RecordPurchase(asOperator(), f.purchase("TXO-1", "o-other-1", f.buyers[1], f.appA, "", 900, t0.Add(time.Hour)))
				return err
			}},
			{"review deleted in SQL", sqlOn(`DELETE FROM reviews WHERE id = $1`, ids[1])},
			{"counts changed in SQL", sqlOn(`UPDATE review_counts SET n5 = n5 + 7 WHERE app_id = $1`, f.appA.ID)},
		}
		var slowest time.Duration
		for _, s := range steps {
			f.cached(t, s.name)
			must(t, s.write())
			slowest = max(slowest, f.eventually(t, s.name))
		}
		t.Logf("%s: the slowest change showed after %v", engine, slowest)
	})
}

// newFixtureOn is the services of the fixture on another handle.
func newFixtureOn(t *testing.T, db *sqlstore.DB) *fixture {
	t.Helper()
	return &fixture{db: db, devs: sqlstore.NewDeveloperService(db), customers: sqlstore.NewCustomerService(db),
		purchases: sqlstore.NewPurchaseService(db), auth: sqlstore.NewAuthService(db)}
}

// TestReviewPagesStayThroughRollback: a write that rolls back, in this
// process or another, drops no page, and the pages stay right.
func TestReviewPagesStayThroughRollback(t *testing.T) {
	twoProcesses(t, func(t *testing.T, engine string, db, other *sqlstore.DB) {
		f := newPagesFixture(t, db, 2)
		id := f.review(t, 0, 3, t0)
		f.review(t, 1, 4, t0.Add(time.Minute))
		// rollback caches the pages, rolls a write back, and checks that
		// no page was dropped and the pages are right.
		rollback := func(step string, write func()) {
			t.Helper()
			time.Sleep(50 * time.Millisecond) // the earlier writes' changes are in
			f.cached(t, step)
			before := db.ReviewPageStatsForTest()
			write()
			time.Sleep(50 * time.Millisecond) // a notification or a poll would be in by now
			got := f.pages(t, f.reader)
			after := db.ReviewPageStatsForTest()
			if after.Hits-before.Hits != 2 || after.Changes != before.Changes {
				t.Fatalf("%s: the pages were dropped (before %+v, after %+v)", step, before, after)
			}
			if want := f.pages(t, f.ref); got != want {
				t.Fatalf("%s: cached pages\n%s\nwant\n%s", step, got, want)
			}
		}
		rollback("rolled back here", func() {
			must(t, db.RolledBackReviewEditForTest(context.Background(), id))
		})
		rollback("rolled back elsewhere", func() {
			tx, err := other.RawForTest().Begin()
			must(t, err)
			_, err = tx.Exec(other.RebindForTest(`UPDATE reviews SET body = 'never committed' WHERE id = $1`), id)
			must(t, err)
			must(t, tx.Rollback())
		})
	})
}

// TestReviewPagesReadRacingWrite: a read that misses, reads the database
// before a write commits and comes to keep its page after the write's
// changes were heard must not keep it: it would show the page as before
// the write until the next change. The write is this process's, then
// another's. (Without put's comparison with the changes since the read's
// ticket, both fail.)
func TestReviewPagesReadRacingWrite(t *testing.T) {
	twoProcesses(t, func(t *testing.T, engine string, db, other *sqlstore.DB) {
		f := newPagesFixture(t, db, 2)
		id := f.review(t, 0, 3, t0)
		var mu sync.Mutex
		var hooked bool
		var read, wrote chan struct{}
		db.SetReviewPageHookForTest(func() {
			mu.Lock()
			h := hooked
			hooked = false
			mu.Unlock()
			if h {
				close(read)
				<-wrote
			}
		})
		race := func(step string, write func(), heard uint64) {
			t.Helper()
			f.eventually(t, step+": before")
			time.Sleep(50 * time.Millisecond) // the earlier writes' changes are in
			db.DropReviewPagesForTest()       // the next read misses
			mu.Lock()
			hooked, read, wrote = true, make(chan struct{}), make(chan struct{})
			mu.Unlock()
			done := make(chan struct{})
			var stale string
			go func() {
				defer close(done)
				stale = publicFirstPage(t, f.reader, f.appA.Slug)
			}()
			<-read
			changes := db.ReviewPageStatsForTest().Changes
			write()
			// Every drop the write makes (the commit's here, the feed's)
			// happens before the read keeps its page.
			deadline := time.Now().Add(5 * time.Second)
			for db.ReviewPageStatsForTest().Changes < changes+heard {
				publicFirstPage(t, f.reader, f.appB.Slug) // SQLite: reads read the changes
				if time.Now().After(deadline) {
					t.Fatalf("%s: the write's changes were never heard: %+v", step, db.ReviewPageStatsForTest())
				}
				time.Sleep(time.Millisecond)
			}
			close(wrote)
			<-done
			if got, want := publicFirstPage(t, f.reader, f.appA.Slug), publicFirstPage(t, f.ref, f.appA.Slug); got != want {
				t.Fatalf("%s: the page read before the write was kept:\n%s\nwant\n%s", step, got, want)
			} else if got == stale {
				t.Fatalf("%s: the write changed nothing on the page", step)
			}
		}
		race("a write here", func() {
			_, err := f.rev.ReplyToReview(f.dev, id, "answered while a read was under way")
			must(t, err)
		}, 2)
		race("a write elsewhere", func() {
			_, err := sqlstore.NewReviewService(other).ReplyToReview(f.dev, id, "answered elsewhere while a read was under way")
			must(t, err)
		}, 1)
	})
}

// TestReviewPagesListenerLost (PostgreSQL): when the listening connection
// is lost, the pages go and reads ask the database until a new one
// listens; a write made meanwhile shows.
func TestReviewPagesListenerLost(t *testing.T) {
	if os.Getenv(sqlstoretest.EnvPostgres) == "" {
		t.Skip(sqlstoretest.EnvPostgres + " is not set")
	}
	db, other := openTwice(t, "postgres")
	f := newPagesFixture(t, db, 2)
	id := f.review(t, 0, 3, t0)
	f.cached(t, "before")
	pid := db.ReviewPageListenerForTest()
	var ok bool
	must(t, other.RawForTest().QueryRow(`SELECT pg_terminate_backend($1)`, int(pid)).Scan(&ok))
	if !ok {
		t.Fatalf("listener %d not terminated", pid)
	}
	_, err := sqlstore.NewReviewService(other).ReplyToReview(f.dev, id, "answered while nobody listened")
	must(t, err)
	f.eventually(t, "written while the listener was lost")
	deadline := time.Now().Add(5 * time.Second)
	for db.ReviewPageStatsForTest().Outages == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the lost listener was never noticed")
		}
		time.Sleep(time.Millisecond)
	}
	f.cached(t, "listening again") // within 5 s
	if now := db.ReviewPageListenerForTest(); now == pid {
		t.Fatalf("still listening on session %d", pid)
	}
	_, err = sqlstore.NewReviewService(other).ReplyToReview(f.dev, id, "answered once listening again")
	must(t, err)
	f.eventually(t, "written once listening again")
}

// TestReviewPagesChangesUnread (SQLite): while the changes cannot be read,
// no page is served, and writes show; once they can, pages are kept again.
func TestReviewPagesChangesUnread(t *testing.T) {
	db, other := openTwice(t, "sqlite")
	f := newPagesFixture(t, db, 1)
	id := f.review(t, 0, 3, t0)
	f.cached(t, "before")
	_, err := other.RawForTest().Exec(`ALTER TABLE review_page_changes RENAME TO review_page_changes_away`)
	must(t, err)
	deadline := time.Now().Add(5 * time.Second)
	for db.ReviewPageStatsForTest().Live {
		f.pages(t, f.reader) // reads read the changes
		if time.Now().After(deadline) {
			t.Fatal("the changes are unreadable, and the cache is still up")
		}
		time.Sleep(time.Millisecond)
	}
	before := db.ReviewPageStatsForTest()
	_, err = sqlstore.NewReviewService(other).ReplyToReview(f.dev, id, "answered while the changes were unread")
	must(t, err)
	f.same(t, "written while the changes were unread")
	if after := db.ReviewPageStatsForTest(); after.Hits != before.Hits || after.Outages == 0 {
		t.Fatalf("pages served while the changes were unread: %+v, then %+v", before, after)
	}
	_, err = other.RawForTest().Exec(`ALTER TABLE review_page_changes_away RENAME TO review_page_changes`)
	must(t, err)
	f.cached(t, "readable again")
	_, err = sqlstore.NewReviewService(other).ReplyToReview(f.dev, id, "answered once readable again")
	must(t, err)
	f.eventually(t, "written once readable again")
}

// TestReviewPagesBounded: past the bound, the page read least recently
// goes.
func TestReviewPagesBounded(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	f := newPagesFixture(t, db, 1)
	f.review(t, 0, 3, t0)
	apps := []string{f.appA.Slug, f.appB.Slug}
	for i := range 3 {
		a := &vocdesk.App{DeveloperSlug: f.devA.Slug, Slug: fmt.Sprintf("app-x%d", i), Name: strings.Repeat("x", 100)}
		must(t, f.devs.CreateApp(asOperator(), a))
		apps = append(apps, a.Slug)
	}
	time.Sleep(50 * time.Millisecond) // the review's changes are in
	publicFirstPage(t, f.reader, apps[0])
	one := db.ReviewPageStatsForTest().Bytes
	if one == 0 {
		t.Fatal("nothing cached")
	}
	db.SetReviewPageBytesForTest(2 * one)
	for _, slug := range apps {
		publicFirstPage(t, f.reader, slug)
	}
	if s := db.ReviewPageStatsForTest(); s.Bytes > 2*one || s.Pages >= len(apps) || s.Pages < 1 {
		t.Fatalf("bound %d bytes: %+v", 2*one, s)
	}
	before := db.ReviewPageStatsForTest().Hits
	publicFirstPage(t, f.reader, apps[len(apps)-1]) // the newest stays
	publicFirstPage(t, f.reader, apps[0])           // the oldest went
	if hits := db.ReviewPageStatsForTest().Hits - before; hits != 1 {
		t.Fatalf("%d hits; want the newest page's only", hits)
	}
}

// publicFirstPage is the public page's first page as text: the app, the
// counts, every field of every review, and the cursor.
func publicFirstPage(t *testing.T, svc vocdesk.ReviewService, slug string) string {
	t.Helper()
	app, sum, list, next, err := svc.PublicReviews(context.Background(), slug, vocdesk.ReviewFilter{})
	must(t, err)
	return fmt.Sprintf("%+v %v next=%q\n%s", *app, sum.Counts, next, reviewsText(list))
}

// inboxFirstPage is the developer's inbox's first page as text.
func inboxFirstPage(t *testing.T, svc vocdesk.ReviewService, ctx context.Context) string {
	t.Helper()
	list, next, err := svc.FindReviews(ctx, vocdesk.ReviewFilter{})
	must(t, err)
	return fmt.Sprintf("next=%q\n%s", next, reviewsText(list))
}

func reviewsText(list []*vocdesk.Review) string {
	var b strings.Builder
	for _, r := range list {
		c := *r
		reply, hidden := "", ""
		if c.Reply != nil {
			reply = fmt.Sprintf("%+v", *c.Reply)
		}
		if c.HiddenAt != nil {
			hidden = c.HiddenAt.String()
		}
		c.Reply, c.HiddenAt = nil, nil
		fmt.Fprintf(&b, "%+v reply=%s hidden=%s\n", c, reply, hidden)
	}
	return b.String()
}
