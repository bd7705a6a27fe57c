package ui

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzInboxFilter checks that any query parses without panic, that what is
// kept is valid and round-trips through the page's links unchanged.
func FuzzInboxFilter(f *testing.F) {
	for _, s := range []string{"", "status=open&sort=due", "q=%ED%99%98%EB%B6%88&tag=vip", "assignee=me&from=2026-03-01&to=2026-02-01",
		"category=refund&channel=email&app=hoppin-quest&sla=breached", "cursor=%00", "status=<script>", "q=" + strings.Repeat("a", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		hf, vf := parseInboxFilter(q, time.UTC, 7)
		if vf.Limit != inboxPageSize || (vf.Q != "" && vf.Sort != "") {
			t.Fatalf("%q: filter %+v", raw, vf)
		}
		again, err := url.ParseQuery(strings.TrimPrefix(hf.query(hf.Cursor), "?"))
		if err != nil {
			t.Fatal(err)
		}
		hf2, _ := parseInboxFilter(again, time.UTC, 7)
		if hf2.query(hf2.Cursor) != hf.query(hf.Cursor) || len(hf2.Invalid) != 0 {
			t.Fatalf("%q does not round-trip: %q then %q (%v)", raw, hf.query(hf.Cursor), hf2.query(hf2.Cursor), hf2.Invalid)
		}
	})
}

// FuzzAskForm checks that any ask form decodes without panic and that a
// form the page accepts names an app or a purchase, a known category and
// a subject within bounds.
func FuzzAskForm(f *testing.F) {
	f.Add("TX1", "", "refund", "환불", "body")
	f.Add("", "hoppin-quest", "bug", "crash", "<script>")
	f.Add("", "", "", "", "")
	f.Add("TX 1", "BAD", "nope", strings.Repeat("가", 201), " ")
	f.Fuzz(func(t *testing.T, txid, app, category, subject, body string) {
		form, in, first := parseAskForm(url.Values{"txid": {txid}, "app": {app}, "category": {category}, "subject": {subject}, "body": {body}})
		if len(form.Invalid) > 0 {
			return
		}
		if err := in.Validate(); err != nil {
			t.Fatalf("accepted form is invalid: %v (%+v)", err, in)
		}
		if first.Body != body || (in.TxID == "" && in.AppSlug == "") {
			t.Fatalf("accepted form lost its content: %+v", in)
		}
	})
}
