package ui

import (
	"net/url"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// historyPageSize is the number of purchases on one page of the history: a
// screenful of dense rows.
const historyPageSize = 25

// maxCursorLen bounds the cursor we pass on to the service; real cursors are
// a few dozen characters.
const maxCursorLen = 256

// historyFilter is the purchase-history filter as the form shows it. Values
// that do not parse are dropped (the list is shown unfiltered by them) and
// named in Invalid, so the page can say which field was wrong.
type historyFilter struct {
	App     string // app slug
	From    string // YYYY-MM-DD, first day shown (inclusive)
	To      string // YYYY-MM-DD, last day shown (inclusive)
	Cursor  string
	Invalid []string // "app", "from", "to", "range", "cursor"
}

// parseHistoryFilter reads the query of /my/purchases. Dates are whole days
// in loc (the zone the page shows times in), so "to 2025-03-10" includes
// everything paid on that day as the reader sees it.
func parseHistoryFilter(q url.Values, loc *time.Location) (historyFilter, vocdesk.PurchaseFilter) {
	var hf historyFilter
	pf := vocdesk.PurchaseFilter{Limit: historyPageSize}

	if app := strings.TrimSpace(q.Get("app")); app != "" {
		if vocdesk.ValidSlug(app) {
			hf.App, pf.AppSlug = app, app
		} else {
			hf.Invalid = append(hf.Invalid, "app")
		}
	}
	from, okFrom := parseDay(q.Get("from"), loc)
	to, okTo := parseDay(q.Get("to"), loc)
	if !okFrom {
		hf.Invalid = append(hf.Invalid, "from")
	}
	if !okTo {
		hf.Invalid = append(hf.Invalid, "to")
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		hf.Invalid = append(hf.Invalid, "range")
		from, to = time.Time{}, time.Time{}
	}
	if !from.IsZero() {
		hf.From, pf.From = from.Format(time.DateOnly), from
	}
	if !to.IsZero() {
		hf.To, pf.To = to.Format(time.DateOnly), to.AddDate(0, 0, 1)
	}
	if c := q.Get("cursor"); c != "" {
		if validCursor(c) {
			hf.Cursor, pf.Cursor = c, c
		} else {
			hf.Invalid = append(hf.Invalid, "cursor")
		}
	}
	return hf, pf
}

// parseDay parses a date input's value. Empty is fine (no bound) and yields
// the zero time with ok; years are kept to four digits so that a day
// always round-trips through the form.
func parseDay(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil || t.Year() < 1970 || t.Year() > 9998 {
		return time.Time{}, false
	}
	return t, true
}

// validCursor accepts what a service cursor can be: short, printable ASCII
// without spaces. Anything else did not come from us.
func validCursor(c string) bool {
	if len(c) > maxCursorLen {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] <= ' ' || c[i] > '~' {
			return false
		}
	}
	return true
}

// query renders the filter back into a URL query, with cursor replacing the
// current one ("" for the first page).
func (hf historyFilter) query(cursor string) string {
	v := url.Values{}
	if hf.App != "" {
		v.Set("app", hf.App)
	}
	if hf.From != "" {
		v.Set("from", hf.From)
	}
	if hf.To != "" {
		v.Set("to", hf.To)
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// Active reports whether any filter narrows the list.
func (hf historyFilter) Active() bool { return hf.App != "" || hf.From != "" || hf.To != "" }

// IsInvalid reports whether field did not parse, for the form's error marks.
func (hf historyFilter) IsInvalid(field string) bool {
	for _, f := range hf.Invalid {
		if f == field {
			return true
		}
	}
	return false
}
