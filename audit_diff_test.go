package vocdesk_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
)

func TestAuditDiff(t *testing.T) {
	f := func(path, before, after string, had, has bool) vocdesk.AuditField {
		return vocdesk.AuditField{Path: path, Before: before, After: after, HadBefore: had, HasAfter: has}
	}
	cases := []struct {
		name, before, after string
		want                []vocdesk.AuditField
	}{
		{"created", "", `{"status":"new","amount":1200}`,
			[]vocdesk.AuditField{f("amount", "", "1200", false, true), f("status", "", "new", false, true)}},
		{"deleted", `{"name":"환불 안내"}`, "", []vocdesk.AuditField{f("name", "환불 안내", "", true, false)}},
		{"changed only", `{"status":"new","tags":["a"],"rating":0}`, `{"status":"resolved","tags":["a"],"rating":0}`,
			[]vocdesk.AuditField{f("status", "new", "resolved", true, true)}},
		{"nested", `{"policy":{"days":7,"methods":{"card":true}}}`, `{"policy":{"days":14,"methods":{"card":true}}}`,
			[]vocdesk.AuditField{f("policy.days", "7", "14", true, true)}},
		{"arrays and null", `{"tags":["a"],"due":null}`, `{"tags":["a","b"],"due":"2026-03-04"}`,
			[]vocdesk.AuditField{f("due", "null", "2026-03-04", true, true), f("tags", `["a"]`, `["a","b"]`, true, true)}},
		{"big numbers keep their digits", `{"id":9007199254740993}`, `{"id":9007199254740995}`,
			[]vocdesk.AuditField{f("id", "9007199254740993", "9007199254740995", true, true)}},
		{"markup is text", "", `{"body":"<b>&</b>"}`, []vocdesk.AuditField{f("body", "", "<b>&</b>", false, true)}},
		{"same", `{"a":1}`, `{"a":1}`, nil},
		{"not an object", `[1,2]`, `{"a":1}`, []vocdesk.AuditField{f("", "[1,2]", `{"a":1}`, true, true)}},
		{"not JSON", `{"a":`, ``, []vocdesk.AuditField{f("", `{"a":`, "", true, false)}},
		{"trailing data", `{"a":1} {"b":2}`, `{"a":1}`, []vocdesk.AuditField{f("", `{"a":1} {"b":2}`, `{"a":1}`, true, true)}},
	}
	for _, c := range cases {
		if got := vocdesk.AuditDiff(c.before, c.after); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: AuditDiff = %+v\nwant %+v", c.name, got, c.want)
		}
	}
	// Deep nesting stays one value rather than a path per level.
	deep := `{"a":{"b":{"c":{"d":{"e":{"f":1}}}}}}`
	if got := vocdesk.AuditDiff("", deep); len(got) != 1 || got[0].Path != "a.b.c.d.e" || got[0].After != `{"f":1}` {
		t.Errorf("deep: %+v", got)
	}
}

// FuzzAuditDiff: stored JSON is data from every corner of vocdesk; no
// input panics, every field's path is unique and sorted, and a change is
// only ever reported between values that differ.
func FuzzAuditDiff(f *testing.F) {
	f.Add(``, `{"status":"new"}`)
	f.Add(`{"a":{"b":1}}`, `{"a":{"b":2},"c":[1]}`)
	f.Add(`{"a":1}`, `not json`)
	f.Add(`null`, `{"x":null}`)
	f.Fuzz(func(t *testing.T, before, after string) {
		got := vocdesk.AuditDiff(before, after)
		for i, fld := range got {
			if i > 0 && got[i-1].Path >= fld.Path {
				t.Fatalf("paths not sorted and unique: %+v", got)
			}
			if fld.HadBefore && fld.HasAfter && fld.Before == fld.After {
				t.Fatalf("an unchanged field is reported: %+v", fld)
			}
		}
		if before == after && len(got) != 0 {
			t.Fatalf("the same document differs: %+v", got)
		}
	})
}

func TestRatingOpen(t *testing.T) {
	now := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { at := now.Add(-d); return &at }
	cases := []struct {
		status  vocdesk.InquiryStatus
		rating  int
		ratedAt *time.Time
		code    string
	}{
		{vocdesk.InquiryOpen, 0, nil, vocdesk.EUNPROCESSABLE},
		{vocdesk.InquiryWaitingOnCustomer, 3, ago(time.Hour), vocdesk.EUNPROCESSABLE},
		{vocdesk.InquiryResolved, 0, nil, ""},
		{vocdesk.InquiryClosed, 0, nil, ""},
		{vocdesk.InquiryResolved, 4, ago(vocdesk.RatingChangeWindow), ""},
		{vocdesk.InquiryResolved, 4, ago(vocdesk.RatingChangeWindow + time.Second), vocdesk.ECONFLICT},
		{vocdesk.InquiryClosed, 4, ago(time.Minute), vocdesk.ECONFLICT},
	}
	for _, c := range cases {
		if got := vocdesk.ErrorCode(vocdesk.RatingOpen(c.status, c.rating, c.ratedAt, now)); got != c.code && !(c.code == "" && got == "") {
			t.Errorf("RatingOpen(%s, %d, %v) = %q, want %q", c.status, c.rating, c.ratedAt, got, c.code)
		}
	}
}

func TestAuditFilterParts(t *testing.T) {
	for actor, want := range map[string]struct {
		realm vocdesk.Realm
		id    int64
		bad   bool
	}{
		"":             {},
		"operator":     {realm: vocdesk.RealmOperator},
		"Developer:12": {realm: vocdesk.RealmDeveloper, id: 12},
		"customer:x":   {bad: true},
		"customer:-1":  {bad: true},
		"박지훈":          {},
		"system":       {},
	} {
		f := vocdesk.AuditFilter{Actor: actor}
		r, id, err := f.ActorParts()
		if r != want.realm || id != want.id || (err != nil) != want.bad || (f.Validate() != nil) != want.bad {
			t.Errorf("actor %q: %q %d %v", actor, r, id, err)
		}
	}
	long := vocdesk.AuditFilter{Q: strings.Repeat("x", 201)}
	if vocdesk.ErrorCode(long.Validate()) != vocdesk.EINVALID {
		t.Error("a 201-character search is accepted")
	}
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if vocdesk.ErrorCode((&vocdesk.AuditFilter{From: from, To: from}).Validate()) != vocdesk.EINVALID {
		t.Error("an empty range is accepted")
	}
}
