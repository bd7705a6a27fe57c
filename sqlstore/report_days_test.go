package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/report"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// randomDesk builds a random history on f: inquiries of both developers
// over several days, answered, resolved, reopened, closed, merged and
// some merges undone, each step checked by check (nil: not checked).
func randomDesk(t *testing.T, f *deskFixture, rng *rand.Rand, steps int, check func(step string)) {
	t.Helper()
	merges := sqlstore.NewMergeService(f.db)
	type inq struct {
		id   int64
		dev  *vocdesk.Developer
		ctx  context.Context
		cust *vocdesk.Customer
	}
	var list []inq
	agentB := f.as(f.devB, f.agentB)
	refused := func(err error) bool {
		switch vocdesk.ErrorCode(err) {
		case vocdesk.ECONFLICT, vocdesk.EINVALID, vocdesk.ENOTFOUND, vocdesk.EUNPROCESSABLE:
			return true
		}
		return err == nil
	}
	for i := range steps {
		f.now = f.now.Add(time.Duration(rng.IntN(300)) * time.Minute)
		var step string
		switch k := rng.IntN(12); {
		case k < 3 || len(list) < 4:
			if rng.IntN(2) == 0 {
				in := f.ask(t, f.custA, "", "app-a", fmt.Sprintf("문의 %d", i), "도와주세요")
				list = append(list, inq{in.ID, f.devA, f.asAgentA, f.custA})
			} else {
				in := f.ask(t, f.custB, "", "app-b", fmt.Sprintf("inquiry %d", i), "help")
				list = append(list, inq{in.ID, f.devB, agentB, f.custB})
			}
			step = "create"
		case k < 5:
			x := list[rng.IntN(len(list))]
			err := f.inq.AddMessage(x.ctx, x.id, &vocdesk.Message{Body: "답변"})
			if !refused(err) {
				t.Fatalf("answer %d: %v", x.id, err)
			}
			step = "answer"
		case k < 8:
			x := list[rng.IntN(len(list))]
			to := []vocdesk.InquiryStatus{vocdesk.InquiryResolved, vocdesk.InquiryClosed, vocdesk.InquiryOpen,
				vocdesk.InquiryWaitingOnCustomer}[rng.IntN(4)]
			_, err := f.inq.UpdateInquiry(x.ctx, x.id, vocdesk.InquiryUpdate{Status: status(to)})
			if !refused(err) {
				t.Fatalf("move %d to %s: %v", x.id, to, err)
			}
			step = "status " + string(to)
		case k >= 10:
			// Resolved first (a customer rates a resolved inquiry), then
			// rated, or rated again.
			x := list[rng.IntN(len(list))]
			if _, err := f.inq.UpdateInquiry(x.ctx, x.id, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryResolved)}); !refused(err) {
				t.Fatalf("resolve %d: %v", x.id, err)
			}
			err := f.inq.RateInquiry(asCustomer(x.cust), x.id, 1+rng.IntN(5), "평가")
			if !refused(err) && vocdesk.ErrorCode(err) != vocdesk.EFORBIDDEN {
				t.Fatalf("rate %d: %v", x.id, err)
			}
			step = "rate"
		default:
			a, b := list[rng.IntN(len(list))], list[rng.IntN(len(list))]
			if a.id == b.id || a.dev != b.dev {
				continue
			}
			_, err := merges.MergeInquiry(a.ctx, a.id, b.id)
			if !refused(err) {
				t.Fatalf("merge %d into %d: %v", a.id, b.id, err)
			}
			step = "merge"
			if err == nil && rng.IntN(2) == 0 {
				// Undone within its window, after the reports saw it.
				if check != nil {
					check(fmt.Sprintf("step %d (%s)", i, step))
				}
				f.now = f.now.Add(time.Minute)
				if err := merges.UndoMerge(a.ctx, a.id); err != nil {
					t.Fatalf("undo merge of %d: %v", a.id, err)
				}
				step = "undo merge"
			}
		}
		if check != nil {
			check(fmt.Sprintf("step %d (%s)", i, step))
		}
	}
}

// TestReportDaysMatchDirect checks the reports read from the daily
// counters (inquiry_days) against the same reports read from inquiry_stats
// itself, over random histories, after every step: creations, answers,
// status moves both ways, merges and their undo; for the store, a
// developer, a developer's app and the ranking, over several ranges.
func TestReportDaysMatchDirect(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		days, direct := sqlstore.NewReportService(db), sqlstore.NewDirectReportServiceForTest(db)
		day := func(s string) time.Time { return kst(s, "00:00") }
		// The history runs from 03-25 for three weeks or so, across the
		// counters' block of 04-01..05-02 (day 20544 = 642 * 32): the second
		// range reads that block and the days before it.
		ranges := []vocdesk.ReportFilter{
			{From: day("2026-03-26"), To: day("2026-03-27")},
			{From: day("2026-03-20"), To: day("2026-05-10")},
			{From: day("2026-03-28"), To: day("2026-04-03")},
			{From: day("2026-04-01"), To: day("2026-05-03")},
		}
		devA := vocdesk.ReportFilter{DeveloperSlug: "dev-a"}
		appA := vocdesk.ReportFilter{AppSlug: "app-a"}
		scopes := []struct {
			name string
			ctx  context.Context
			f    vocdesk.ReportFilter
		}{{"store", asOperator(), vocdesk.ReportFilter{}}, {"dev-a", f.asAgentA, vocdesk.ReportFilter{}},
			{"operator dev-a", asOperator(), devA}, {"app-a", f.asAgentA, appA}}
		compared := 0
		check := func(step string) {
			t.Helper()
			for _, r := range ranges {
				for _, s := range scopes {
					q := s.f
					q.From, q.To = r.From, r.To
					want, err := direct.InquiryReport(s.ctx, q)
					must(t, err)
					got, err := days.InquiryReport(s.ctx, q)
					must(t, err)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s, %s %s..%s: from the counters\n%+v\ndirectly\n%+v", step, s.name, r.From, r.To, got, want)
					}
					compared++
				}
				want, err := direct.DeveloperRanking(asOperator(), r)
				must(t, err)
				got, err := days.DeveloperRanking(asOperator(), r)
				must(t, err)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s, ranking %s..%s: from the counters %+v, directly %+v", step, r.From, r.To, got, want)
				}
			}
		}
		f.now = kst("2026-03-25", "08:00")
		// Compared after every third step and at the end: a counter that
		// went wrong stays wrong, so a later comparison still catches it,
		// and the whole comparison is most of the test's time.
		steps := 0
		randomDesk(t, f, rand.New(rand.NewPCG(21, 134)), 120, func(step string) {
			if steps++; steps%3 == 0 {
				check(step)
			}
		})
		check("the end")
		// The history did reach the percentiles and every status.
		r, err := direct.InquiryReport(asOperator(), ranges[1])
		must(t, err)
		if r.FirstResponse.Count < 5 || r.Resolution.Count < 5 || len(r.ByStatus) < 3 || r.Rating.Count() < 3 || compared == 0 {
			t.Fatalf("the random history is too thin to prove anything: %+v", r)
		}
		// The ledger's counters (purchase_days' blocks, refund_days):
		// purchases paid across the blocks of 4 and 32 days, refunds of
		// them, the refund reports and the ranking compared likewise.
		steps = 0
		ledgerCheck := func(step string) {
			for _, r := range ranges {
				compareLedgerReports(t, f, days, direct, step, r)
			}
		}
		randomLedger(t, f, rand.New(rand.NewPCG(21, 142)), 60, func(step string) {
			if steps++; steps%3 == 0 {
				ledgerCheck(step)
			}
		})
		ledgerCheck("the ledger's end")
		rr, err := direct.RefundReport(asOperator(), ranges[1])
		must(t, err)
		if rr.Refunded.Count < 5 || len(rr.ByReason) < 3 || len(rr.ByMethod) < 3 || len(rr.Refunded.Amounts) < 2 {
			t.Fatalf("the random ledger is too thin to prove anything: %+v", rr)
		}
	})
}

// TestReportBucketSQL checks the migration's bucket columns against
// report.Bucket, around every power of two.
func TestReportBucketSQL(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		in := f.ask(t, f.custA, "", "app-a", "bucket", "b")
		raw := db.RawForTest()
		for k := range 42 {
			for _, v := range []int64{1<<k - 1, 1 << k, 1<<k + 1, 1<<k + 1<<k/3} {
				if _, err := raw.ExecContext(t.Context(), db.RebindForTest(`UPDATE inquiry_stats SET first_response_secs = $1, resolution_secs = $1 WHERE inquiry_id = $2`), v, in.ID); err != nil {
					t.Fatal(err)
				}
				var fb, rb int64
				if err := raw.QueryRowContext(t.Context(), db.RebindForTest(`SELECT fr_bucket, res_bucket FROM inquiry_stats WHERE inquiry_id = $1`), in.ID).Scan(&fb, &rb); err != nil {
					t.Fatal(err)
				}
				if fb != report.Bucket(v) || rb != report.Bucket(v) {
					t.Fatalf("%d: buckets %d, %d in SQL, %d in Go", v, fb, rb, report.Bucket(v))
				}
			}
		}
	})
}

// TestReportDaysConcurrent has writers create, answer, resolve and reopen
// inquiries at once on PostgreSQL (where writers do run at once, unlike
// SQLite's single writer), while readers read the reports from the
// counters, then checks the counters against inquiry_stats: no increment
// lost, no deadlock between writers moving the same days' counters, and
// no reader finding a histogram and its bucket's values apart.
func TestReportDaysConcurrent(t *testing.T) {
	u := os.Getenv(sqlstoretest.EnvPostgres)
	if u == "" {
		t.Skip("needs " + sqlstoretest.EnvPostgres)
	}
	db := sqlstoretest.OpenPostgres(t, u)
	f := newDeskFixture(t, db)
	days, direct := sqlstore.NewReportService(db), sqlstore.NewDirectReportServiceForTest(db)
	day := vocdesk.ReportFilter{From: kst("2026-03-04", "00:00"), To: kst("2026-03-05", "00:00")}
	const writers, each = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*each+16)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, app, dev := f.custA, "app-a", f.asAgentA
			if w%2 == 1 {
				c, app, dev = f.custB, "app-b", f.as(f.devB, f.agentB)
			}
			for i := range each {
				in := &vocdesk.Inquiry{AppSlug: app, Category: vocdesk.CategoryBug, Subject: fmt.Sprintf("동시 %d-%d", w, i)}
				if err := f.inq.CreateInquiry(asCustomer(c), in, &vocdesk.Message{Body: "help"}); err != nil {
					errs <- fmt.Errorf("create: %w", err)
					return
				}
				if err := f.inq.AddMessage(dev, in.ID, &vocdesk.Message{Body: "answer"}); err != nil {
					errs <- fmt.Errorf("answer %d: %w", in.ID, err)
					return
				}
				moves := []vocdesk.InquiryStatus{vocdesk.InquiryResolved}
				if i%3 == 0 {
					moves = append(moves, vocdesk.InquiryOpen, vocdesk.InquiryClosed)
				}
				for _, to := range moves {
					if _, err := f.inq.UpdateInquiry(dev, in.ID, vocdesk.InquiryUpdate{Status: status(to)}); err != nil {
						errs <- fmt.Errorf("move %d to %s: %w", in.ID, to, err)
						return
					}
				}
			}
		}()
	}
	done := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := days.InquiryReport(asOperator(), day); err != nil {
					errs <- fmt.Errorf("read while writing: %w", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, ctx := range []context.Context{asOperator(), f.asAgentA} {
		want, err := direct.InquiryReport(ctx, day)
		must(t, err)
		got, err := days.InquiryReport(ctx, day)
		must(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after concurrent writes, from the counters\n%+v\ndirectly\n%+v", got, want)
		}
		if ctx != f.asAgentA && (got.Created != writers*each || got.FirstResponse.Count != writers*each) {
			t.Fatalf("created %d, answered %d, want %d", got.Created, got.FirstResponse.Count, writers*each)
		}
	}
	want, err := direct.DeveloperRanking(asOperator(), day)
	must(t, err)
	got, err := days.DeveloperRanking(asOperator(), day)
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ranking after concurrent writes: from the counters %+v, directly %+v", got, want)
	}
}

// TestReportDaysBackfill rolls migration 00134 back over a random history
// and applies it again: its backfill must count what was there as the
// triggers would have; then the ledger's counters (00141, 00142) over a
// random ledger.
func TestReportDaysBackfill(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		f.now = kst("2026-03-04", "08:00")
		randomDesk(t, f, rand.New(rand.NewPCG(7, 134)), 60, nil)
		must(t, db.RedoMigrationForTest(t.Context(), 134))
		days, direct := sqlstore.NewReportService(db), sqlstore.NewDirectReportServiceForTest(db)
		r := vocdesk.ReportFilter{From: kst("2026-03-01", "00:00"), To: kst("2026-03-20", "00:00")}
		for _, ctx := range []context.Context{asOperator(), f.asAgentA} {
			want, err := direct.InquiryReport(ctx, r)
			must(t, err)
			got, err := days.InquiryReport(ctx, r)
			must(t, err)
			if !reflect.DeepEqual(got, want) || want.FirstResponse.Count == 0 {
				t.Fatalf("after the backfill, from the counters\n%+v\ndirectly\n%+v", got, want)
			}
		}
		want, err := direct.DeveloperRanking(asOperator(), r)
		must(t, err)
		got, err := days.DeveloperRanking(asOperator(), r)
		must(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("ranking after the backfill: from the counters %+v, directly %+v", got, want)
		}
		randomLedger(t, f, rand.New(rand.NewPCG(7, 142)), 40, nil)
		must(t, db.RedoMigrationForTest(t.Context(), 141))
		wide := vocdesk.ReportFilter{From: kst("2026-02-01", "00:00"), To: kst("2026-04-20", "00:00")}
		compareLedgerReports(t, f, days, direct, "after the ledger's backfill", wide)
		rr, err := direct.RefundReport(asOperator(), wide)
		must(t, err)
		if rr.Refunded.Count < 3 {
			t.Fatalf("the random ledger is too thin to prove anything: %+v", rr)
		}
	})
}
