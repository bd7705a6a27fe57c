package ui

import (
	"net/url"
	"testing"
)

// FuzzReviewFilterForm checks that any reviews inbox query parses without
// panic and that an accepted filter is within bounds: 0-5 stars, dates in
// order of the form's, To after From when both are set by a valid day.
func FuzzReviewFilterForm(f *testing.F) {
	for _, s := range []string{"", "rating=1&replied=no", "rating=0", "rating=%EF%BC%95", "replied=maybe", "from=2026-03-01&to=2026-02-30",
		"from=2026-13-01", "to=9999-12-31", "q=%00&app=<b>", "rating=+3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		form := reviewFilterForm{App: q.Get("app"), Rating: q.Get("rating"), Replied: q.Get("replied"), From: q.Get("from"), To: q.Get("to"), Q: q.Get("q")}
		rf, ok := form.filter()
		if !ok {
			return
		}
		if rf.Rating < 0 || rf.Rating > 5 || (form.Rating != "" && rf.Rating == 0) {
			t.Fatalf("%q: rating %d", raw, rf.Rating)
		}
		if (form.Replied == "") != (rf.Replied == nil) {
			t.Fatalf("%q: replied %v", raw, rf.Replied)
		}
		if form.From == form.To && form.From != "" && !rf.To.After(rf.From) {
			t.Fatalf("%q: one day's filter is empty: %v to %v", raw, rf.From, rf.To)
		}
	})
}
