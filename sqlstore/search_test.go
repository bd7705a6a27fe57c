package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestSearch(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		refund := f.ask(t, f.custA, "TXA1", "", "결제 취소 문의", "어제 산 젬 환불요청 드립니다. 확인 부탁해요.")
		english := f.ask(t, f.custA, "TXA2", "", "Refunds for double charge", "I was CHARGED twice for the monthly pass.")
		other := f.ask(t, f.custB, "TXB1", "", "환불해 주세요", "환불 부탁드립니다")
		must(t, f.inq.AddMessage(f.asAgentA, english.ID, &vocdesk.Message{Body: "내부메모: 블랙리스트 고객 확인", Internal: true}))
		must(t, f.inq.AddMessage(f.asAgentA, english.ID, &vocdesk.Message{Body: "We refunded the second charge."}))

		search := func(ctx interface{}, q string) []*vocdesk.SearchHit {
			t.Helper()
			c := f.asAgentA
			switch ctx {
			case "customer":
				c = f.asCust
			case "operator":
				c = asOperator()
			}
			hits, _, err := f.inq.SearchInquiries(c, vocdesk.InquiryFilter{Q: q})
			must(t, err)
			return hits
		}
		ids := func(hits []*vocdesk.SearchHit) []int64 {
			var s []int64
			for _, h := range hits {
				s = append(s, h.Inquiry.ID)
			}
			return s
		}
		same := func(name string, got []*vocdesk.SearchHit, want ...*vocdesk.Inquiry) {
			t.Helper()
			g := ids(got)
			if len(g) != len(want) {
				t.Fatalf("%s: found %v, want %d inquiries", name, g, len(want))
			}
			for k, in := range want {
				if g[k] != in.ID {
					t.Fatalf("%s: found %v, want %d at %d", name, g, in.ID, k)
				}
			}
		}

		// A part of a Korean word finds the whole, highlighted.
		hits := search("dev", "환불")
		same("환불", hits, refund)
		if sn := hits[0].Snippet; !strings.Contains(sn, vocdesk.HighlightStart+"환불"+vocdesk.HighlightEnd+"요청") {
			t.Fatalf("snippet %q does not highlight 환불 inside 환불요청", sn)
		}
		same("불요청 (middle of a word)", search("dev", "불요청"), refund)
		same("요청", search("dev", "요청"), refund)
		// One character.
		same("젬", search("dev", "젬"), refund)
		same("청 (last character)", search("dev", "청"), refund)
		// Not across words: 취소문의 is not in the text as one word, and
		// 젬환불 has both bigrams' pieces (젬, 환불) but not together.
		same("취소문의", search("dev", "취소문의"))
		same("젬환불", search("dev", "젬환불"))
		f.ask(t, f.custA, "", "app-a", "가나 다", "나다")
		same("가나다 (both bigrams present, apart)", search("dev", "가나다"))
		// English: case-insensitive, prefixes, subject and body.
		hits = search("dev", "REFUND")
		same("REFUND", hits, english)
		if sn := hits[0].Snippet; !strings.Contains(sn, vocdesk.HighlightStart+"Refund"+vocdesk.HighlightEnd+"s") {
			t.Fatalf("snippet %q", sn)
		}
		same("charged twice", search("dev", "charged twice"), english)
		same("both words must match", search("dev", "charged 환불"))
		same("mixed", search("dev", "결제 환불"), refund)

		// Notes: the developer finds them, the customer never does.
		same("note for the developer", search("dev", "블랙리스트"), english)
		same("note for the customer", search("customer", "블랙리스트"))
		hits = search("customer", "refund")
		same("customer's own", hits, english)
		if strings.Contains(hits[0].Snippet, "블랙") {
			t.Fatal("a customer's snippet shows a note")
		}
		// Tenancy: developer A never finds B's inquiry; operators find all.
		same("operator", search("operator", "환불"), other, refund)

		// Filters apply; FindInquiries with Q searches.
		list, _, err := f.inq.FindInquiries(f.asAgentA, vocdesk.InquiryFilter{Q: "환불", Status: []vocdesk.InquiryStatus{vocdesk.InquiryClosed}})
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("status filter ignored by search: %d", len(list))
		}
		// Every filter applies to a search as to the inbox: the hits are
		// the search's that the filter lists. Each binds its own kind of
		// value, and on PostgreSQL an operator's search is sent unprepared
		// (planned for its values).
		all := ids(search("operator", "환불"))
		for _, flt := range []vocdesk.InquiryFilter{
			{Status: []vocdesk.InquiryStatus{vocdesk.InquiryNew}}, {Category: vocdesk.CategoryRefund},
			{Channel: vocdesk.ChannelStore}, {AppSlug: "app-b"}, {AssigneeID: -1}, {Tag: "vip"},
			{CustomerID: f.custB.ID}, {TxID: "TXA1"}, {From: f.now.Add(-time.Hour), To: f.now.Add(time.Hour)},
			{SLA: vocdesk.SLANone}, {Escalated: true},
		} {
			listed, _, err := f.inq.FindInquiries(asOperator(), flt)
			must(t, err)
			var want []int64
			for _, in := range listed {
				if slices.Contains(all, in.ID) {
					want = append(want, in.ID)
				}
			}
			flt.Q = "환불"
			hits, _, err := f.inq.SearchInquiries(asOperator(), flt)
			must(t, err)
			if got := ids(hits); !slices.Equal(got, want) {
				t.Errorf("operator's search with %+v: %v, want %v", flt, got, want)
			}
		}

		_, _, err = f.inq.SearchInquiries(f.asAgentA, vocdesk.InquiryFilter{Q: " ,. "})
		wantCode(t, err, vocdesk.EINVALID)

		// Paging walks every hit once.
		for range 7 {
			f.ask(t, f.custA, "", "app-a", "환불 문의", "환불")
		}
		seen := map[int64]bool{}
		cursor := ""
		for {
			hits, next, err := f.inq.SearchInquiries(f.asAgentA, vocdesk.InquiryFilter{Q: "환불", Limit: 3, Cursor: cursor})
			must(t, err)
			for _, h := range hits {
				if seen[h.Inquiry.ID] {
					t.Fatalf("hit %d twice", h.Inquiry.ID)
				}
				seen[h.Inquiry.ID] = true
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(seen) != 8 {
			t.Fatalf("paged through %d hits, want 8", len(seen))
		}
	})
}

// Prefix words (English, one Korean character) are answered on SQLite from
// a dictionary of indexed terms; the answers must be those of a prefix.
func TestSearchPrefixes(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		crash := f.ask(t, f.custA, "TXA1", "", "Crashes on start", "It crashed again.")
		crash2 := f.ask(t, f.custA, "TXA2", "", "crash", "every time")
		// More words with one prefix than the dictionary answers with.
		var many []string
		for k := range 40 {
			many = append(many, fmt.Sprintf("w%d", k))
		}
		wide := f.ask(t, f.custA, "", "app-a", "words", strings.Join(many, " "))
		other := f.ask(t, f.custB, "TXB1", "", "uniqueword", "젭싸")
		must(t, f.inq.AddMessage(f.asAgentA, crash2.ID, &vocdesk.Message{Body: "secretnote 쀍", Internal: true}))

		search := func(c context.Context, q string) []int64 {
			t.Helper()
			hits, _, err := f.inq.SearchInquiries(c, vocdesk.InquiryFilter{Q: q})
			must(t, err)
			var ids []int64
			for _, h := range hits {
				ids = append(ids, h.Inquiry.ID)
			}
			return ids
		}
		for _, c := range []struct {
			name string
			ctx  context.Context
			q    string
			want []int64
		}{
			{"several terms", f.asAgentA, "cras", []int64{crash2.ID, crash.ID}},
			{"a whole word is a prefix too", f.asAgentA, "crash", []int64{crash2.ID, crash.ID}},
			{"and another word", f.asAgentA, "crashe again", []int64{crash.ID}},
			{"no term starts so", f.asAgentA, "crashx", nil},
			{"more terms than looked up", f.asAgentA, "w", []int64{wide.ID}},
			{"another developer's term", f.asAgentA, "uniq", nil},
			{"another developer's character", f.asAgentA, "젭", nil},
			{"the other developer", asOperator(), "uniq", []int64{other.ID}},
			{"a note's term for the developer", f.asAgentA, "secret", []int64{crash2.ID}},
			{"a note's character for the developer", f.asAgentA, "쀍", []int64{crash2.ID}},
			{"a note's term for the customer", f.asCust, "secret", nil},
			{"a note's character for the customer", f.asCust, "쀍", nil},
			{"the customer's own", f.asCust, "cr", []int64{crash2.ID, crash.ID}},
		} {
			if got := search(c.ctx, c.q); !slices.Equal(got, c.want) {
				t.Errorf("%s: %q found %v, want %v", c.name, c.q, got, c.want)
			}
		}
	})
}

// A reindex rewrites every document and leaves the index merged: searches
// find what they found before, and merging again is a no-op.
func TestSearchReindex(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		var want []int64
		for k := range 30 {
			in := f.ask(t, f.custA, "", "app-a", fmt.Sprintf("환불 문의 %d", k), "refunds please")
			must(t, f.inq.AddMessage(f.asAgentA, in.ID, &vocdesk.Message{Body: "확인 중입니다"}))
			want = append([]int64{in.ID}, want...)
		}
		search := func(q string) []int64 {
			t.Helper()
			hits, _, err := f.inq.SearchInquiries(f.asAgentA, vocdesk.InquiryFilter{Q: q, Limit: 50})
			must(t, err)
			var ids []int64
			for _, h := range hits {
				ids = append(ids, h.Inquiry.ID)
			}
			return ids
		}
		n, err := db.ReindexInquiries(context.Background(), nil)
		must(t, err)
		if n != 30 {
			t.Fatalf("reindexed %d inquiries, want 30", n)
		}
		must(t, db.OptimizeSearch(context.Background()))
		for _, q := range []string{"환불", "refund", "확인", "환"} {
			if got := search(q); !slices.Equal(got, want) {
				t.Errorf("%q after reindex found %v, want %v", q, got, want)
			}
		}
	})
}

// On SQLite a developer searches the developers' table, where every term is
// behind the developer's id. Its migration (52, in Go) writes the documents
// of inquiries opened before it; 138 (in Go too) rewrites both tables.
func TestDeveloperSearchMigration(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	ctx := context.Background()
	f := newDeskFixture(t, db)
	a := f.ask(t, f.custA, "TXA1", "", "환불요청", "Refund please")
	b := f.ask(t, f.custB, "TXB1", "", "환불 부탁", "refund")
	asAgentB := f.as(f.devB, f.agentB)
	check := func(when string) {
		t.Helper()
		for _, c := range []struct {
			ctx  context.Context
			q    string
			want int64
		}{{f.asAgentA, "환불", a.ID}, {asAgentB, "환불", b.ID}, {f.asAgentA, "ref", a.ID}, {asAgentB, "REFUND", b.ID}, {f.asAgentA, "불요청", a.ID},
			{f.asCust, "환", a.ID}, {asOperator(), "부탁", b.ID}, {asOperator(), "please", a.ID}} {
			hits, _, err := f.inq.SearchInquiries(c.ctx, vocdesk.InquiryFilter{Q: c.q})
			must(t, err)
			if len(hits) != 1 || hits[0].Inquiry.ID != c.want {
				t.Fatalf("%s: %q found %d hits, want inquiry %d only", when, c.q, len(hits), c.want)
			}
		}
	}
	check("written")
	must(t, db.MigrateDownToForTest(ctx, 51))
	if _, _, err := f.inq.SearchInquiries(f.asAgentA, vocdesk.InquiryFilter{Q: "환불"}); err == nil {
		t.Fatal("searched a dropped table")
	}
	must(t, db.Migrate(ctx))
	check("migrated")
	// 138 makes both tables again on the ascii tokenizer; its down step
	// goes back to unicode61. Both find the same.
	must(t, db.MigrateDownToForTest(ctx, 137))
	check("unicode61")
	must(t, db.Migrate(ctx))
	check("ascii")
}
