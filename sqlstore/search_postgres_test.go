package sqlstore_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestSearchNewestThenIndex checks the PostgreSQL developer search in
// steps (looks at the newest documents one by one, then the GIN index for
// older ones) against the plain search, with looks so short that pages
// cross from one step to the next, and looks that match nothing, after
// which the index answers for every older document.
func TestSearchNewestThenIndex(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Dialect() != "postgres" {
			t.Skip("the two-step search is PostgreSQL's")
		}
		f := newDeskFixture(t, db)
		for i := range 9 {
			body := "앱이 자꾸 튕겨요"
			if i%3 == 0 {
				body = "환불요청 드립니다"
			}
			f.ask(t, f.custA, "TXA1", "", fmt.Sprintf("문의 %d", i), body)
		}
		f.ask(t, f.custB, "TXB1", "", "환불", "다른 개발자의 환불요청") // another developer's: never found

		var want []int64
		flt := vocdesk.InquiryFilter{Q: "환불", Limit: 2}
		for {
			hits, next, err := f.inq.SearchInquiries(f.asAgentA, flt)
			must(t, err)
			for _, h := range hits {
				want = append(want, h.Inquiry.ID)
			}
			if next == "" {
				break
			}
			flt.Cursor = next
		}
		if len(want) != 3 {
			t.Fatalf("plain search found %v, want the 3 inquiries asking for a refund", want)
		}
		// Newest first, the inquiries are: 튕겨요 twice, then 환불요청,
		// and so on.
		for _, looks := range [][]int{{1}, {2, 2}, {3}, {3, 1}, {1, 2}, {5}, {5, 2000}, {2000}, {500, 1500}} {
			got, err := db.SearchNewestForTest(f.asAgentA, vocdesk.InquiryFilter{Q: "환불", Limit: 2}, looks, 4096)
			must(t, err)
			if !slices.Equal(got, want) {
				t.Errorf("looks %v: found %v, want %v", looks, got, want)
			}
		}
	})
}

// TestOperatorSearchNewestThenSpans checks the PostgreSQL operator search
// in steps (looks at the store's newest documents, then the GIN index in
// spans of ids below them, newest span first) against the plain search:
// with looks and spans so short that pages cross from one step and span to
// the next, looks that match nothing (the index then answers for every
// older document at once), and every developer's inquiries found.
func TestOperatorSearchNewestThenSpans(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Dialect() != "postgres" {
			t.Skip("the stepped search is PostgreSQL's")
		}
		f := newDeskFixture(t, db)
		for i := range 12 {
			body := "앱이 자꾸 튕겨요"
			if i%4 == 0 {
				body = "환불요청 드립니다"
			}
			cust, tx := f.custA, "TXA1"
			if i%2 == 1 {
				cust, tx = f.custB, "TXB1"
			}
			f.ask(t, cust, tx, "", fmt.Sprintf("문의 %d", i), body)
		}
		f.ask(t, f.custB, "TXB1", "", "환불", "다른 개발자의 환불요청")
		for i := range 5 {
			f.ask(t, f.custA, "TXA1", "", fmt.Sprintf("나중 문의 %d", i), "로그인이 안 돼요")
		}

		for _, q := range []string{"환불", "튕겨", "로그인", "없는말"} {
			var want []int64
			flt := vocdesk.InquiryFilter{Q: q, Limit: 2}
			for {
				hits, next, err := f.inq.SearchInquiries(asOperator(), flt)
				must(t, err)
				for _, h := range hits {
					want = append(want, h.Inquiry.ID)
				}
				if next == "" {
					break
				}
				flt.Cursor = next
			}
			if q == "환불" && len(want) != 4 {
				t.Fatalf("operator's plain search for %s found %v, want 4 inquiries of both developers", q, want)
			}
			if q == "없는말" && len(want) != 0 {
				t.Fatalf("operator's search for a word in no inquiry found %v", want)
			}
			for _, looks := range [][]int{{1}, {2, 2}, {3}, {3, 1}, {1, 2}, {5}, {5, 2000}, {2000}, {500, 1500}} {
				for _, window := range []int64{1, 2, 3, 4096} {
					got, err := db.SearchNewestForTest(asOperator(), vocdesk.InquiryFilter{Q: q, Limit: 2}, looks, window)
					must(t, err)
					if !slices.Equal(got, want) {
						t.Errorf("%s, looks %v, window %d: found %v, want %v", q, looks, window, got, want)
					}
				}
			}
		}
	})
}
