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
			got, err := db.SearchNewestForTest(f.asAgentA, vocdesk.InquiryFilter{Q: "환불", Limit: 2}, looks)
			must(t, err)
			if !slices.Equal(got, want) {
				t.Errorf("looks %v: found %v, want %v", looks, got, want)
			}
		}
	})
}
