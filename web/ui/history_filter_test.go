package ui

import (
	"net/url"
	"slices"
	"testing"
	"time"
)

func TestParseHistoryFilter(t *testing.T) {
	for _, tc := range []struct {
		query         string
		app, from, to string
		cursor        string
		invalid       []string
	}{
		{query: ""},
		{query: "app=hoppin-quest", app: "hoppin-quest"},
		{query: "app=+hoppin-quest+", app: "hoppin-quest"},
		{query: "app=Hoppin+Quest", invalid: []string{"app"}},
		{query: "from=2026-03-01&to=2026-03-09", from: "2026-03-01", to: "2026-03-09"},
		{query: "from=2026-03-09&to=2026-03-01", invalid: []string{"range"}},
		{query: "from=2026-02-30", invalid: []string{"from"}},
		{query: "to=03/01/2026", invalid: []string{"to"}},
		{query: "from=0001-01-01", invalid: []string{"from"}},
		{query: "cursor=abc.DEF-123_%3D", cursor: "abc.DEF-123_="},
		{query: "cursor=a+b", invalid: []string{"cursor"}},
		{query: "cursor=%E2%9C%93", invalid: []string{"cursor"}},
	} {
		q, _ := url.ParseQuery(tc.query)
		hf, pf := parseHistoryFilter(q, kst)
		if hf.App != tc.app || hf.From != tc.from || hf.To != tc.to || hf.Cursor != tc.cursor || !slices.Equal(hf.Invalid, tc.invalid) {
			t.Errorf("%q: got %+v", tc.query, hf)
		}
		if pf.AppSlug != hf.App || pf.Cursor != hf.Cursor || pf.Limit != historyPageSize {
			t.Errorf("%q: service filter %+v does not match %+v", tc.query, pf, hf)
		}
	}

	// "To" is inclusive: the bound given to the service is the start of the
	// next day in the page's zone.
	q, _ := url.ParseQuery("from=2026-03-01&to=2026-03-01")
	_, pf := parseHistoryFilter(q, kst)
	if want := time.Date(2026, 2, 28, 15, 0, 0, 0, time.UTC); !pf.From.Equal(want) {
		t.Errorf("from in KST = %v, want %v", pf.From.UTC(), want)
	}
	if want := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC); !pf.To.Equal(want) {
		t.Errorf("to in KST = %v, want %v", pf.To.UTC(), want)
	}
}

// FuzzParseHistoryFilter feeds the purchase-history query arbitrary values:
// the parser never panics, accepts only what it can render back, and the
// filter it renders parses to the same filter (links keep the filter).
func FuzzParseHistoryFilter(f *testing.F) {
	f.Add("hoppin-quest", "2026-03-01", "2026-03-09", "eyJ0IjoxfQ")
	f.Add("", "2026-02-30", "", "")
	f.Add("<script>", "9999-12-31", "0000-01-01", "a b")
	f.Add("a", "2026-3-1", " 2026-03-01 ", "\x00")
	f.Fuzz(func(t *testing.T, app, from, to, cursor string) {
		for _, loc := range []*time.Location{time.UTC, kst} {
			q := url.Values{"app": {app}, "from": {from}, "to": {to}, "cursor": {cursor}}
			hf, pf := parseHistoryFilter(q, loc)
			if hf.From != "" && !pf.From.Equal(mustDay(t, hf.From, loc)) {
				t.Fatalf("from %q vs %v", hf.From, pf.From)
			}
			if hf.To != "" && !pf.To.Equal(mustDay(t, hf.To, loc).AddDate(0, 0, 1)) {
				t.Fatalf("to %q vs %v", hf.To, pf.To)
			}
			if !pf.From.IsZero() && !pf.To.IsZero() && !pf.From.Before(pf.To) {
				t.Fatalf("empty range %v..%v", pf.From, pf.To)
			}
			if len(hf.Cursor) > maxCursorLen {
				t.Fatalf("cursor of %d bytes accepted", len(hf.Cursor))
			}
			for _, f := range hf.Invalid {
				if !slices.Contains([]string{"app", "from", "to", "range", "cursor"}, f) {
					t.Fatalf("unknown invalid field %q", f)
				}
			}
			// Round trip through the links the page renders.
			u, err := url.Parse("/my/purchases" + hf.query(hf.Cursor))
			if err != nil {
				t.Fatal(err)
			}
			again, _ := parseHistoryFilter(u.Query(), loc)
			if again.App != hf.App || again.From != hf.From || again.To != hf.To || again.Cursor != hf.Cursor || len(again.Invalid) != 0 {
				t.Fatalf("round trip: %+v became %+v", hf, again)
			}
		}
	})
}

func mustDay(t *testing.T, s string, loc *time.Location) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
