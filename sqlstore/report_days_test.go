package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
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
		id  int64
		dev *vocdesk.Developer
		ctx context.Context
	}
	var list []inq
	agentB := f.as(f.devB, f.agentB)
	refused := func(err error) bool {
		switch vocdesk.ErrorCode(err) {
		case vocdesk.ECONFLICT, vocdesk.EINVALID, vocdesk.ENOTFOUND:
			return true
		}
		return err == nil
	}
	for i := range steps {
		f.now = f.now.Add(time.Duration(rng.IntN(300)) * time.Minute)
		var step string
		switch k := rng.IntN(10); {
		case k < 3 || len(list) < 4:
			if rng.IntN(2) == 0 {
				in := f.ask(t, f.custA, "", "app-a", fmt.Sprintf("문의 %d", i), "도와주세요")
				list = append(list, inq{in.ID, f.devA, f.asAgentA})
			} else {
				in := f.ask(t, f.custB, "", "app-b", fmt.Sprintf("inquiry %d", i), "help")
				list = append(list, inq{in.ID, f.devB, agentB})
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
		ranges := []vocdesk.ReportFilter{
			{From: day("2026-03-04"), To: day("2026-03-05")},
			{From: day("2026-03-01"), To: day("2026-03-20")},
			{From: day("2026-03-05"), To: day("2026-03-08")},
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
		f.now = kst("2026-03-04", "08:00")
		randomDesk(t, f, rand.New(rand.NewPCG(21, 134)), 120, check)
		// The history did reach the percentiles and every status.
		r, err := direct.InquiryReport(asOperator(), ranges[1])
		must(t, err)
		if r.FirstResponse.Count < 5 || r.Resolution.Count < 5 || len(r.ByStatus) < 3 || compared == 0 {
			t.Fatalf("the random history is too thin to prove anything: %+v", r)
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
