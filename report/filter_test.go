package report

import (
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
)

var now = time.Date(2026, 3, 6, 3, 0, 0, 0, time.UTC) // 12:00 in Seoul

func TestQueryFilter(t *testing.T) {
	f, err := Query{}.Filter(now)
	if err != nil {
		t.Fatal(err)
	}
	if from, to := Dates(f); from != "2026-02-05" || to != "2026-03-06" {
		t.Fatalf("default range = %s..%s", from, to)
	}
	f, err = Query{From: "2026-03-02", To: "2026-03-04", App: "app-a", Developer: "dev-a"}.Filter(now)
	if err != nil || f.AppSlug != "app-a" || f.DeveloperSlug != "dev-a" {
		t.Fatalf("filter = %+v, %v", f, err)
	}
	if from, to := Dates(f); from != "2026-03-02" || to != "2026-03-04" {
		t.Fatalf("range = %s..%s", from, to)
	}
	for _, q := range []Query{
		{From: "2026-03-05", To: "2026-03-04"},
		{From: "2020-01-01", To: "2026-03-04"},
		{From: "03/02/2026"},
		{To: "2026-13-01"},
		{App: "App A"},
		{Developer: "dev-a\x00"},
		{App: "<script>"},
	} {
		if _, err := q.Filter(now); vocdesk.ErrorCode(err) != vocdesk.EINVALID {
			t.Errorf("%+v: %v, want invalid", q, err)
		}
	}
	// The same day on both ends is one day.
	f, err = Query{From: "2026-03-04", To: "2026-03-04"}.Filter(now)
	if err != nil || f.To.Sub(f.From) != 24*time.Hour {
		t.Fatalf("one day = %v, %v", f, err)
	}
}

// FuzzQueryFilter: whatever is sent, the answer is a valid filter or an
// invalid-input error, never a panic or a range the storage cannot take.
func FuzzQueryFilter(f *testing.F) {
	f.Add("2026-03-02", "2026-03-04", "app-a", "dev-a")
	f.Add("", "", "", "")
	f.Add("2026-02-30", "x", "A", "\xff")
	f.Add("0001-01-01", "9999-12-31", "", "")
	f.Fuzz(func(t *testing.T, from, to, app, dev string) {
		flt, err := Query{From: from, To: to, App: app, Developer: dev}.Filter(now)
		if err != nil {
			if vocdesk.ErrorCode(err) != vocdesk.EINVALID {
				t.Fatalf("error %v is not invalid input", err)
			}
			return
		}
		if !flt.From.Before(flt.To) || flt.To.Sub(flt.From) > vocdesk.MaxReportDays*24*time.Hour {
			t.Fatalf("accepted range %v..%v", flt.From, flt.To)
		}
		if len(Days(flt.From, flt.To)) > vocdesk.MaxReportDays {
			t.Fatalf("%d days", len(Days(flt.From, flt.To)))
		}
	})
}
