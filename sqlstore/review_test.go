package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// reviewFixture is fixture plus n buyers of app A (buyers[i] bought it) and
// the review service.
type reviewFixture struct {
	*fixture
	rev    vocdesk.ReviewService
	buyers []*vocdesk.Customer
}

func newReviewFixture(t *testing.T, db *sqlstore.DB, n int) *reviewFixture {
	t.Helper()
	f := &reviewFixture{fixture: newFixture(t, db), rev: sqlstore.NewReviewService(db)}
	for i := range n {
		c := &vocdesk.Customer{Email: fmt.Sprintf("buyer%d@example.com", i), Name: fmt.Sprintf("Buyer %d", i), Locale: "en"}
		must(t, f.customers.CreateCustomer(asOperator(), c, ""))
		f.record(t, f.purchase(fmt.Sprintf("TXR%04d", i), fmt.Sprintf("o-r%d", i), c, f.appA, "", 1200, t0))
		f.buyers = append(f.buyers, c)
	}
	return f
}

// recount counts app A's visible reviews per star from the reviews
// themselves, to hold the maintained counts against.
func (f *reviewFixture) recount(t *testing.T) [5]int64 {
	t.Helper()
	var out [5]int64
	rows, err := f.db.RawForTest().Query(f.db.RebindForTest(
		`SELECT rating, COUNT(*) FROM reviews WHERE app_id = $1 AND hidden_at IS NULL GROUP BY rating`), f.appA.ID)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var r int
		var n int64
		must(t, rows.Scan(&r, &n))
		out[r-1] = n
	}
	must(t, rows.Err())
	return out
}

// summary reads the public page's summary of app A and checks it against
// a recount of the reviews.
func (f *reviewFixture) summary(t *testing.T) vocdesk.RatingSummary {
	t.Helper()
	_, sum, _, _, err := f.rev.PublicReviews(context.Background(), f.appA.Slug, vocdesk.ReviewFilter{})
	must(t, err)
	if want := f.recount(t); sum.Counts != want {
		t.Fatalf("maintained counts %v, recounted %v", sum.Counts, want)
	}
	return sum
}

func TestReviewAveragesAreExact(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newReviewFixture(t, db, 7)
		ratings := []int{1, 5, 5, 4, 3, 5, 2} // sum 25 over 7: 3.571... -> 3.57
		ids := make([]int64, len(ratings))
		for i, n := range ratings {
			r := &vocdesk.Review{AppSlug: f.appA.Slug, Rating: n, Body: fmt.Sprintf("review %d", i)}
			must(t, f.rev.CreateReview(asCustomer(f.buyers[i]), r))
			ids[i] = r.ID
		}
		sum := f.summary(t)
		if sum.Count() != 7 || sum.Average() != "3.57" || sum.Counts != [5]int64{1, 1, 1, 1, 3} {
			t.Fatalf("summary = %v count %d avg %s; want [1 1 1 1 3], 7, 3.57", sum.Counts, sum.Count(), sum.Average())
		}
		// The 1-star review hidden: 24 over 6 is exactly 4.00.
		op := asOperator()
		_, err := f.rev.HideReview(op, ids[0], "abusive language")
		must(t, err)
		if sum = f.summary(t); sum.Count() != 6 || sum.Average() != "4.00" {
			t.Fatalf("after hiding: count %d avg %s; want 6, 4.00", sum.Count(), sum.Average())
		}
		// Hiding again changes nothing; an edit of a hidden review keeps it
		// out of the counts.
		_, err = f.rev.HideReview(op, ids[0], "still abusive")
		must(t, err)
		_, err = f.rev.UpdateReview(asCustomer(f.buyers[0]), ids[0], 2, "edited")
		must(t, err)
		if sum = f.summary(t); sum.Count() != 6 || sum.Average() != "4.00" {
			t.Fatalf("after editing a hidden review: count %d avg %s; want 6, 4.00", sum.Count(), sum.Average())
		}
		// A visible review's new rating moves it between stars: 5 -> 1 gives
		// 20 over 6 = 3.33.
		_, err = f.rev.UpdateReview(asCustomer(f.buyers[1]), ids[1], 1, "changed my mind")
		must(t, err)
		if sum = f.summary(t); sum.Average() != "3.33" || sum.Counts != [5]int64{1, 1, 1, 1, 2} {
			t.Fatalf("after an edit: %v avg %s; want [1 1 1 1 2] 3.33", sum.Counts, sum.Average())
		}
		// Restored (now rated 2): 22 over 7 = 3.142... -> 3.14.
		_, err = f.rev.RestoreReview(op, ids[0], "appeal accepted")
		must(t, err)
		if sum = f.summary(t); sum.Count() != 7 || sum.Average() != "3.14" {
			t.Fatalf("after restoring: count %d avg %s; want 7, 3.14", sum.Count(), sum.Average())
		}
		// Restoring a visible review changes nothing.
		_, err = f.rev.RestoreReview(op, ids[0], "again")
		must(t, err)
		if sum = f.summary(t); sum.Count() != 7 {
			t.Fatalf("restoring twice counted it twice: %d", sum.Count())
		}
	})
}

func TestRatingSummaryRounding(t *testing.T) {
	for _, c := range []struct {
		counts [5]int64
		want   string
	}{
		{[5]int64{}, "0.00"},
		{[5]int64{0, 0, 0, 0, 1}, "5.00"},
		{[5]int64{1, 0, 0, 0, 2}, "3.67"},           // 11/3
		{[5]int64{1, 0, 0, 0, 1}, "3.00"},           // 6/2
		{[5]int64{0, 0, 0, 1, 7}, "4.88"},           // 39/8 = 4.875, half up
		{[5]int64{2, 0, 0, 0, 0}, "1.00"},           // 2/2
		{[5]int64{1e9, 0, 0, 0, 1e9}, "3.00"},       // no overflow at a billion each
		{[5]int64{333333, 0, 0, 0, 666667}, "3.67"}, // 3.666668
		{[5]int64{1, 1, 1, 1, 1}, "3.00"},           // 15/5
		{[5]int64{0, 0, 1, 0, 200}, "4.99"},         // 1003/201 = 4.9900...
		{[5]int64{0, 0, 1, 0, 399}, "5.00"},         // 1998/400 = 4.995, half up
		{[5]int64{1, 0, 0, 0, 0}, "1.00"},
	} {
		if got := (vocdesk.RatingSummary{Counts: c.counts}).Average(); got != c.want {
			t.Errorf("Average(%v) = %s; want %s", c.counts, got, c.want)
		}
	}
}

func TestReviewRules(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newReviewFixture(t, db, 1)
		db.Now = func() time.Time { return t0 }
		buyer := asCustomer(f.buyers[0])
		// Customer B bought app B only; an app that does not exist answers
		// the same as one not bought.
		wantCode(t, f.rev.CreateReview(asCustomer(f.custB), &vocdesk.Review{AppSlug: f.appA.Slug, Rating: 1}), vocdesk.ENOTBUYER)
		wantCode(t, f.rev.CreateReview(asCustomer(f.custB), &vocdesk.Review{AppSlug: "no-such-app", Rating: 1}), vocdesk.ENOTBUYER)
		wantCode(t, f.rev.CreateReview(asDeveloper(f.devA, vocdesk.RoleOwner), &vocdesk.Review{AppSlug: f.appA.Slug, Rating: 5}), vocdesk.ENOTFOUND)
		for _, bad := range []*vocdesk.Review{
			{AppSlug: f.appA.Slug, Rating: 0}, {AppSlug: f.appA.Slug, Rating: 6},
			{AppSlug: f.appA.Slug, Rating: 3, Body: strings.Repeat("가", vocdesk.MaxReviewBody+1)},
			{AppSlug: "", Rating: 3},
		} {
			wantCode(t, f.rev.CreateReview(buyer, bad), vocdesk.EINVALID)
		}
		// Text that is not text is refused by the rule of every field.
		for _, body := range []string{"hidden\u202etext", "nul\x00", "line\u2028separator"} {
			wantCode(t, f.rev.CreateReview(buyer, &vocdesk.Review{AppSlug: f.appA.Slug, Rating: 3, Body: body}), vocdesk.EINVALIDTEXT)
		}
		r := &vocdesk.Review{AppSlug: f.appA.Slug, Rating: 1, Body: "  <b>paid</b> and got nothing\r\n  "}
		must(t, f.rev.CreateReview(buyer, r))
		if r.Body != "<b>paid</b> and got nothing" || !r.VerifiedPurchase || r.Author != "Buyer 0" || r.Reply != nil {
			t.Fatalf("stored review = %+v", r)
		}
		wantCode(t, f.rev.CreateReview(buyer, &vocdesk.Review{AppSlug: f.appA.Slug, Rating: 5}), vocdesk.ECONFLICT)

		// Tenancy: developer B, customer B and nobody find nothing.
		for _, ctx := range []context.Context{asDeveloper(f.devB, vocdesk.RoleOwner), asCustomer(f.custB)} {
			_, err := f.rev.FindReviewByID(ctx, r.ID)
			wantCode(t, err, vocdesk.ENOTFOUND)
			list, _, err := f.rev.FindReviews(ctx, vocdesk.ReviewFilter{})
			must(t, err)
			if len(list) != 0 {
				t.Fatalf("another tenant lists %d reviews", len(list))
			}
			_, err = f.rev.UpdateReview(ctx, r.ID, 5, "x")
			wantCode(t, err, vocdesk.ENOTFOUND)
		}
		_, err := f.rev.ReplyToReview(asDeveloper(f.devB, vocdesk.RoleOwner), r.ID, "not yours")
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = f.rev.ReportReview(asDeveloper(f.devB, vocdesk.RoleOwner), r.ID, "not yours")
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = f.rev.HideReview(asDeveloper(f.devA, vocdesk.RoleOwner), r.ID, "developers do not hide")
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = f.rev.ReplyToReview(asDeveloper(f.devA, vocdesk.RoleViewer), r.ID, "viewers do not reply")
		wantCode(t, err, vocdesk.EFORBIDDEN)

		// The developer replies, edits the reply; the reviewer is told once.
		dev := asDeveloper(f.devA, vocdesk.RoleAgent)
		got, err := f.rev.ReplyToReview(dev, r.ID, "Sorry! Your gems are delivered now.")
		must(t, err)
		first := got.Reply.CreatedAt
		db.Now = func() time.Time { return t0.Add(time.Hour) }
		got, err = f.rev.ReplyToReview(dev, r.ID, "Sorry! Your gems are delivered now (TX checked).")
		must(t, err)
		if !got.Reply.CreatedAt.Equal(first) || !got.Reply.UpdatedAt.After(first) {
			t.Fatalf("edited reply times: %+v", got.Reply)
		}
		replied, unreplied := true, false
		for _, c := range []struct {
			f    vocdesk.ReviewFilter
			want int
		}{
			{vocdesk.ReviewFilter{Replied: &replied}, 1}, {vocdesk.ReviewFilter{Replied: &unreplied}, 0},
			{vocdesk.ReviewFilter{Rating: 1}, 1}, {vocdesk.ReviewFilter{Rating: 2}, 0},
			{vocdesk.ReviewFilter{AppSlug: f.appA.Slug}, 1}, {vocdesk.ReviewFilter{AppSlug: f.appB.Slug}, 0},
			{vocdesk.ReviewFilter{Q: "GOT NOTHING"}, 1}, {vocdesk.ReviewFilter{Q: "100%"}, 0},
			{vocdesk.ReviewFilter{From: t0}, 1}, {vocdesk.ReviewFilter{To: t0}, 0},
		} {
			list, _, err := f.rev.FindReviews(dev, c.f)
			must(t, err)
			if len(list) != c.want {
				t.Errorf("FindReviews(%+v) = %d; want %d", c.f, len(list), c.want)
			}
		}

		// A report, twice: one open report.
		rep, err := f.rev.ReportReview(dev, r.ID, "insults our staff")
		must(t, err)
		rep2, err := f.rev.ReportReview(dev, r.ID, "again")
		must(t, err)
		if rep2.ID != rep.ID {
			t.Fatalf("second report %d, first %d", rep2.ID, rep.ID)
		}
		reps, _, err := f.rev.FindReviewReports(asOperator(), vocdesk.ReviewReportFilter{})
		must(t, err)
		if len(reps) != 1 || reps[0].Review.ID != r.ID || reps[0].Review.OpenReports != 1 {
			t.Fatalf("queue = %+v", reps)
		}
		_, _, err = f.rev.FindReviewReports(dev, vocdesk.ReviewReportFilter{})
		wantCode(t, err, vocdesk.ENOTFOUND)
		hidden, err := f.rev.HideReview(asOperator(), r.ID, "personal attack")
		must(t, err)
		if hidden.HiddenAt == nil || hidden.HiddenReason != "personal attack" || hidden.OpenReports != 0 {
			t.Fatalf("hidden = %+v", hidden)
		}
		reps, _, err = f.rev.FindReviewReports(asOperator(), vocdesk.ReviewReportFilter{})
		must(t, err)
		if len(reps) != 0 {
			t.Fatalf("queue after hiding: %d", len(reps))
		}
		// Hidden: off the public page, still the author's and the developer's.
		_, _, list, _, err := f.rev.PublicReviews(context.Background(), f.appA.Slug, vocdesk.ReviewFilter{})
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("public page shows a hidden review")
		}
		if _, err := f.rev.FindReviewByID(buyer, r.ID); err != nil {
			t.Fatal(err)
		}
		// The reviewer was mailed: the reply (once) and the hiding.
		var mails int
		must(t, db.RawForTest().QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND payload LIKE '%buyer0@example.com%'`).Scan(&mails))
		if mails != 2 {
			t.Fatalf("%d mails to the reviewer; want 2 (reply, hidden)", mails)
		}
		// Every change is in the audit trail, with who did it.
		rows, err := db.RawForTest().Query(db.RebindForTest(`SELECT action, actor_realm FROM audit_log WHERE entity = 'review' AND entity_id = $1 ORDER BY id`),
			fmt.Sprint(r.ID))
		must(t, err)
		var trail []string
		for rows.Next() {
			var action, realm string
			must(t, rows.Scan(&action, &realm))
			trail = append(trail, action+"/"+realm)
		}
		rows.Close()
		if got, want := strings.Join(trail, " "), "review.created/customer review.replied/developer review.replied/developer review.reported/developer review.hidden/operator"; got != want {
			t.Fatalf("audit trail:\n%s\nwant\n%s", got, want)
		}
	})
}

func TestReviewPagesAndHelpful(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newReviewFixture(t, db, 5)
		now := t0
		db.Now = func() time.Time { return now }
		ids := make([]int64, 5)
		for i, c := range f.buyers {
			now = t0.Add(time.Duration(i) * time.Minute)
			r := &vocdesk.Review{AppSlug: f.appA.Slug, Rating: 1 + i, Body: "b"}
			must(t, f.rev.CreateReview(asCustomer(c), r))
			ids[i] = r.ID
		}
		// Votes: review 1 by three others, review 3 by one; one's own and a
		// repeat do not count.
		for _, v := range []struct{ voter, review int }{{0, 1}, {2, 1}, {3, 1}, {3, 1}, {0, 3}} {
			_, err := f.rev.MarkHelpful(asCustomer(f.buyers[v.voter]), ids[v.review])
			must(t, err)
		}
		_, err := f.rev.MarkHelpful(asCustomer(f.buyers[1]), ids[1])
		wantCode(t, err, vocdesk.EUNPROCESSABLE)
		walk := func(sort string) []int64 {
			var got []int64
			cursor := ""
			for {
				_, _, list, next, err := f.rev.PublicReviews(context.Background(), f.appA.Slug, vocdesk.ReviewFilter{Sort: sort, Cursor: cursor, Limit: 2})
				must(t, err)
				for _, r := range list {
					got = append(got, r.ID)
				}
				if next == "" {
					return got
				}
				cursor = next
			}
		}
		if got, want := fmt.Sprint(walk("newest")), fmt.Sprint([]int64{ids[4], ids[3], ids[2], ids[1], ids[0]}); got != want {
			t.Errorf("newest = %s; want %s", got, want)
		}
		if got, want := fmt.Sprint(walk("helpful")), fmt.Sprint([]int64{ids[1], ids[3], ids[4], ids[2], ids[0]}); got != want {
			t.Errorf("helpful = %s; want %s", got, want)
		}
		_, _, _, _, err = f.rev.PublicReviews(context.Background(), f.appA.Slug, vocdesk.ReviewFilter{Sort: "helpful", Cursor: "bm9wZQ"})
		wantCode(t, err, vocdesk.EINVALID)
		_, _, _, _, err = f.rev.PublicReviews(context.Background(), "no-such-app", vocdesk.ReviewFilter{})
		wantCode(t, err, vocdesk.ENOTFOUND)
	})
}

// TestReviewCountsUnderConcurrency writes, edits and hides at once: on
// PostgreSQL the counts row is updated by many transactions together, and
// must still agree with a recount.
func TestReviewCountsUnderConcurrency(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newReviewFixture(t, db, 16)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for i, c := range f.buyers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := &vocdesk.Review{AppSlug: f.appA.Slug, Rating: 1 + i%5, Body: "x"}
				if err := f.rev.CreateReview(asCustomer(c), r); err != nil {
					errs <- err
					return
				}
				if _, err := f.rev.UpdateReview(asCustomer(c), r.ID, 1+(i+2)%5, "y"); err != nil {
					errs <- err
				}
				if i%3 == 0 {
					if _, err := f.rev.HideReview(asOperator(), r.ID, "test"); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if sum := f.summary(t); sum.Count() != 16-6 {
			t.Fatalf("count = %d; want 10", sum.Count())
		}
	})
}
