package ui

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vocdesk/vocdesk"
)

// inboxPageSize is the number of inquiries on one page of the inbox.
const inboxPageSize = 50

// maxQueryLen bounds the search box; longer text is not a search anyone types.
const maxQueryLen = 200

// inboxFilter is the inbox's filter as its form shows it. Like the purchase
// history's filter, a value that does not parse is left out of the search
// and named in Invalid, so the page can mark the field; the inbox still
// shows.
type inboxFilter struct {
	Status   string // one status, or "" for every status
	Category string
	Channel  string
	App      string
	Assignee string // "", "me", "none" or a member id
	Tag      string
	Priority string // one of vocdesk.Priorities
	From, To string // YYYY-MM-DD, created on these days (inclusive)
	SLA      string
	Q        string
	Sort     string // "", "waiting", "due"
	Snoozed  string // "only": the snoozed ones; "": the awake ones (members)
	Cursor   string
	Invalid  []string
}

// sorts are the inbox's orders, the default first.
var sorts = []string{"newest", "waiting", "due"}

var slaStates = []string{vocdesk.SLAOK, vocdesk.SLADueSoon, vocdesk.SLABreached, vocdesk.SLANone}

// parseInboxFilter reads the inbox's query. me is the signed-in member's id
// (for "assigned to me"); dates are days in loc.
func parseInboxFilter(q url.Values, loc *time.Location, me int64) (inboxFilter, vocdesk.InquiryFilter) {
	var f inboxFilter
	vf := vocdesk.InquiryFilter{Limit: inboxPageSize}
	bad := func(field string) { f.Invalid = append(f.Invalid, field) }

	if s := strings.TrimSpace(q.Get("status")); s != "" {
		if st := vocdesk.InquiryStatus(s); st.Valid() {
			f.Status, vf.Status = s, []vocdesk.InquiryStatus{st}
		} else {
			bad("status")
		}
	}
	if s := strings.TrimSpace(q.Get("category")); s != "" {
		if c := vocdesk.Category(s); c.Valid() {
			f.Category, vf.Category = s, c
		} else {
			bad("category")
		}
	}
	if s := strings.TrimSpace(q.Get("channel")); s != "" {
		if c := vocdesk.Channel(s); c.Valid() {
			f.Channel, vf.Channel = s, c
		} else {
			bad("channel")
		}
	}
	if s := strings.TrimSpace(q.Get("app")); s != "" {
		if vocdesk.ValidSlug(s) {
			f.App, vf.AppSlug = s, s
		} else {
			bad("app")
		}
	}
	switch s := strings.TrimSpace(q.Get("assignee")); s {
	case "":
	case "none":
		f.Assignee, vf.AssigneeID = s, -1
	case "me":
		if me > 0 {
			f.Assignee, vf.AssigneeID = s, me
		} else {
			bad("assignee")
		}
	default:
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			f.Assignee, vf.AssigneeID = strconv.FormatInt(id, 10), id
		} else {
			bad("assignee")
		}
	}
	if s := strings.TrimSpace(q.Get("tag")); s != "" {
		if utf8.RuneCountInString(s) <= 40 && !strings.ContainsFunc(s, isControl) {
			f.Tag, vf.Tag = s, s
		} else {
			bad("tag")
		}
	}
	if s := strings.TrimSpace(q.Get("priority")); s != "" {
		if p := vocdesk.Priority(s); p.Valid() {
			f.Priority, vf.Priority = s, p
		} else {
			bad("priority")
		}
	}
	from, okFrom := parseDay(q.Get("from"), loc)
	to, okTo := parseDay(q.Get("to"), loc)
	if !okFrom {
		bad("from")
	}
	if !okTo {
		bad("to")
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		bad("range")
		from, to = time.Time{}, time.Time{}
	}
	if !from.IsZero() {
		f.From, vf.From = from.Format(time.DateOnly), from
	}
	if !to.IsZero() {
		f.To, vf.To = to.Format(time.DateOnly), to.AddDate(0, 0, 1)
	}
	if s := strings.TrimSpace(q.Get("sla")); s != "" {
		if contains(slaStates, s) {
			f.SLA, vf.SLA = s, s
		} else {
			bad("sla")
		}
	}
	if s := strings.TrimSpace(q.Get("q")); s != "" {
		if utf8.RuneCountInString(s) <= maxQueryLen && utf8.ValidString(s) && !strings.ContainsFunc(s, isControl) {
			f.Q, vf.Q = s, s
		} else {
			bad("q")
		}
	}
	if s := strings.TrimSpace(q.Get("sort")); s != "" && s != "newest" {
		if contains(sorts, s) {
			f.Sort, vf.Sort = s, s
		} else {
			bad("sort")
		}
	}
	// Search results come newest first, whatever the order chosen.
	if f.Q != "" && f.Sort != "" {
		f.Sort, vf.Sort = "", ""
	}
	// A member's inbox leaves snoozed inquiries out until they wake; the
	// "snoozed" filter shows them alone. The store's view shows them all.
	switch s := strings.TrimSpace(q.Get("snoozed")); {
	case s == "only":
		f.Snoozed, vf.Snoozed = s, vocdesk.SnoozedOnly
	case s != "":
		bad("snoozed")
	case me > 0:
		vf.Snoozed = vocdesk.SnoozedHide
	}
	if c := q.Get("cursor"); c != "" {
		if validCursor(c) {
			f.Cursor, vf.Cursor = c, c
		} else {
			bad("cursor")
		}
	}
	return f, vf
}

func isControl(r rune) bool { return r < ' ' || r == 0x7f }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Values renders the filter back into a query, without the cursor.
func (f inboxFilter) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("status", f.Status)
	set("category", f.Category)
	set("channel", f.Channel)
	set("app", f.App)
	set("assignee", f.Assignee)
	set("tag", f.Tag)
	set("priority", f.Priority)
	set("from", f.From)
	set("to", f.To)
	set("sla", f.SLA)
	set("q", f.Q)
	set("sort", f.Sort)
	set("snoozed", f.Snoozed)
	return v
}

// Query is the filter as a URL query ("" or "?..."), with cursor.
func (f inboxFilter) query(cursor string) string {
	v := f.Values()
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// WithStatus is the query of this filter on another status tab ("" for all),
// from the first page.
func (f inboxFilter) WithStatus(s string) string {
	f.Status = s
	return f.query("")
}

// WithSort is the query of this filter in another order.
func (f inboxFilter) WithSort(s string) string {
	if s == "newest" {
		s = ""
	}
	f.Sort = s
	return f.query("")
}

// SavedQuery is what a saved view keeps: the filter without status tab's
// cursor.
func (f inboxFilter) SavedQuery() string { return strings.TrimPrefix(f.query(""), "?") }

// Active reports whether anything beyond the status tab narrows the list.
func (f inboxFilter) Active() bool {
	f.Status, f.Sort = "", ""
	return f.query("") != ""
}

// IsInvalid reports whether field did not parse.
func (f inboxFilter) IsInvalid(field string) bool { return contains(f.Invalid, field) }

// SortOrDefault names the current order.
func (f inboxFilter) SortOrDefault() string {
	if f.Sort == "" {
		return "newest"
	}
	return f.Sort
}
