package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestReviewFirstPagesFollowEveryChange holds the cached first pages (the
// public app page, the developer's inbox) against the pages a service
// with no cache reads, after every kind of change: made through another
// service, as another vocdesk serve process would, or straight in SQL
// (an app renamed, a purchase refunded), each change after the reader
// has cached the page it changes.
func TestReviewFirstPagesFollowEveryChange(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newReviewFixture(t, db, 4)
		now := t0
		db.Now = func() time.Time { return now }
		reader := f.rev
		writer := sqlstore.NewReviewService(db)
		dev := asDeveloper(f.devA, vocdesk.RoleAgent)
		check := func(step string) {
			t.Helper()
			for k := range 2 { // the second read is the cached one
				fresh := sqlstore.NewReviewService(db)
				want := publicFirstPage(t, fresh, f.appA.Slug) + "\ninbox: " + inboxFirstPage(t, fresh, dev)
				got := publicFirstPage(t, reader, f.appA.Slug) + "\ninbox: " + inboxFirstPage(t, reader, dev)
				if got != want {
					t.Fatalf("%s (read %d): cached pages\n%s\nwant\n%s", step, k+1, got, want)
				}
			}
		}
		check("no reviews")
		ids := make([]int64, len(f.buyers))
		for i, c := range f.buyers {
			now = t0.Add(time.Duration(i) * time.Minute)
			r := &vocdesk.Review{AppSlug: f.appA.Slug, Rating: 1 + i, Body: fmt.Sprintf("review %d", i)}
			must(t, writer.CreateReview(asCustomer(c), r))
			ids[i] = r.ID
			check(fmt.Sprintf("review %d created", i))
		}
		now = t0.Add(time.Hour)
		_, err := writer.UpdateReview(asCustomer(f.buyers[0]), ids[0], 5, "edited")
		must(t, err)
		check("review edited")
		_, err = writer.ReplyToReview(dev, ids[1], "thanks")
		must(t, err)
		check("replied")
		_, err = writer.ReplyToReview(dev, ids[1], "thanks again")
		must(t, err)
		check("reply edited")
		_, err = writer.MarkHelpful(asCustomer(f.buyers[2]), ids[1])
		must(t, err)
		check("marked helpful")
		_, err = writer.ReportReview(dev, ids[3], "rude")
		must(t, err)
		check("reported")
		_, err = writer.HideReview(asOperator(), ids[3], "rude")
		must(t, err)
		check("hidden")
		if _, _, list, _, err := reader.PublicReviews(context.Background(), f.appA.Slug, vocdesk.ReviewFilter{}); err != nil || len(list) != 3 {
			t.Fatalf("public page after hiding: %d reviews, %v; want 3", len(list), err)
		}
		_, err = writer.RestoreReview(asOperator(), ids[3], "appeal")
		must(t, err)
		check("restored")
		_, err = db.RawForTest().Exec(db.RebindForTest(`UPDATE apps SET name = $1 WHERE id = $2`), "App A, renamed", f.appA.ID)
		must(t, err)
		check("app renamed")
		// The verified mark is the reviewer's purchases', which the cache
		// never holds: a refund takes it away at the next read.
		_, err = db.RawForTest().Exec(db.RebindForTest(`UPDATE purchases SET refunded = amount WHERE customer_id = $1`), f.buyers[2].ID)
		must(t, err)
		check("purchase refunded")
		_, _, list, _, err := reader.PublicReviews(context.Background(), f.appA.Slug, vocdesk.ReviewFilter{})
		must(t, err)
		for _, r := range list {
			if r.VerifiedPurchase == (r.CustomerID == f.buyers[2].ID) {
				t.Fatalf("review %d of customer %d verified %v after the refund of customer %d's purchase", r.ID, r.CustomerID, r.VerifiedPurchase, f.buyers[2].ID)
			}
		}
		// A slug freed by a rename names another app, whose version has
		// come to the number the cached page was read at: the page is
		// the old app's, and stays out.
		var version int64
		must(t, db.RawForTest().QueryRow(db.RebindForTest(`SELECT version FROM review_counts WHERE app_id = $1`), f.appA.ID).Scan(&version))
		_, err = db.RawForTest().Exec(db.RebindForTest(`UPDATE apps SET slug = $1 WHERE id = $2`), "app-a-old", f.appA.ID)
		must(t, err)
		newApp := &vocdesk.App{DeveloperSlug: f.devA.Slug, Slug: f.appA.Slug, Name: "New app"}
		must(t, f.devs.CreateApp(asOperator(), newApp))
		_, err = db.RawForTest().Exec(db.RebindForTest(`INSERT INTO review_counts (app_id, version) VALUES ($1, $2)`), newApp.ID, version)
		must(t, err)
		if _, _, list, _, err := reader.PublicReviews(context.Background(), f.appA.Slug, vocdesk.ReviewFilter{}); err != nil || len(list) != 0 {
			t.Fatalf("the new app under the old slug shows %d reviews (%v); want none", len(list), err)
		}
		// Another developer's inbox is never this one's.
		other, _, err := reader.FindReviews(asDeveloper(f.devB, vocdesk.RoleOwner), vocdesk.ReviewFilter{})
		must(t, err)
		if len(other) != 0 {
			t.Fatalf("developer B's inbox shows %d of developer A's reviews", len(other))
		}
	})
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
