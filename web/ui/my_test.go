package ui_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// txidsRE finds the purchase links of a history page, in page order.
var txidsRE = regexp.MustCompile(`href="/my/purchases/([A-Z0-9]+)"`)

var nextRE = regexp.MustCompile(`href="(/my/purchases\?[^"]*)" rel="next"`)

func txids(r *response) []string {
	var ids []string
	for _, m := range txidsRE.FindAllStringSubmatch(r.body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestMyPage(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		b := e.browser()
		b.login("/login", m.Minji.Email, "/my")

		t.Run("home", func(t *testing.T) {
			r := b.get("/my")
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "Hello, 김민지", m.Minji.Email, m.MinjiPhone, m.MinjiPurchases[0].TxID)
			if got := len(txids(r)); got != 5 {
				t.Errorf("My Page lists %d purchases, want the latest 5", got)
			}
		})

		t.Run("history pages through everything, newest first", func(t *testing.T) {
			var seen []string
			path := "/my/purchases"
			for pages := 0; path != ""; pages++ {
				if pages > 5 {
					t.Fatal("too many pages")
				}
				r := b.get(path)
				wantStatus(t, r, http.StatusOK)
				seen = append(seen, txids(r)...)
				path = ""
				if n := nextRE.FindStringSubmatch(r.body); n != nil {
					path = html.UnescapeString(n[1])
				}
			}
			if len(seen) != uitest.HistoryLen {
				t.Fatalf("history shows %d purchases, want %d", len(seen), uitest.HistoryLen)
			}
			for i, p := range m.MinjiPurchases {
				if seen[i] != p.TxID {
					t.Fatalf("row %d is %s, want %s (newest first)", i, seen[i], p.TxID)
				}
			}
		})

		t.Run("row content", func(t *testing.T) {
			r := b.get("/my/purchases")
			p := m.MinjiPurchases[0]
			wantContains(t, r, p.TxID, "호핀 퀘스트", "보석 100개", "1,200 KRW", "Carrier billing", "Paid", "2026-03-10 10:30 KST")
			wantContains(t, r, "0.99 USD")
			// Someone else's purchases never appear.
			wantLacks(t, r, m.JunPurchases[0].TxID, m.JunPurchases[1].TxID)
		})

		t.Run("filter by app", func(t *testing.T) {
			r := b.get("/my/purchases?app=hoppin-puzzle")
			ids := txids(r)
			if len(ids) == 0 {
				t.Fatal("no purchases of hoppin-puzzle")
			}
			for _, id := range ids {
				if !strings.HasPrefix(id, "TX2026MJ") {
					t.Errorf("foreign purchase %s", id)
				}
			}
			want := 0
			for _, p := range m.MinjiPurchases {
				if p.AppSlug == "hoppin-puzzle" {
					want++
				}
			}
			if len(ids) != want {
				t.Errorf("filter shows %d purchases, want %d", len(ids), want)
			}
			wantContains(t, r, `<option value="hoppin-puzzle" selected>`)
		})

		t.Run("filter by days, in the page's zone", func(t *testing.T) {
			// Purchase i was paid on March 10-i at 01:30 UTC, 10:30 KST: the
			// same day in both zones.
			r := b.get("/my/purchases?from=2026-03-07&to=2026-03-08")
			got := strings.Join(txids(r), ",")
			if want := m.MinjiPurchases[2].TxID + "," + m.MinjiPurchases[3].TxID; got != want {
				t.Errorf("from 03-07 to 03-08: %s, want %s", got, want)
			}
			b.lang = "ko"
			r = b.get("/my/purchases?from=2026-03-10&to=2026-03-10")
			b.lang = "en"
			if got := strings.Join(txids(r), ","); got != m.MinjiPurchases[0].TxID {
				t.Errorf("on 03-10 in KST: %s, want %s", got, m.MinjiPurchases[0].TxID)
			}
		})

		t.Run("a bad filter is reported and left out", func(t *testing.T) {
			r := b.get("/my/purchases?from=yesterday&app=%3Cscript%3E")
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "could not be read", `aria-invalid="true"`)
			wantLacks(t, r, "<script>")
			if len(txids(r)) == 0 {
				t.Error("a bad filter hid every purchase")
			}
			r = b.get("/my/purchases?from=2026-03-09&to=2026-03-01")
			wantContains(t, r, "could not be read")
		})

		t.Run("detail", func(t *testing.T) {
			p := m.MinjiPurchases[5]
			r := b.get("/my/purchases/" + p.TxID)
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, p.TxID, "0.99 USD", "Card", "Pro (1 month)", "Nimbus Notes", `id="purchase-help"`)
			// The developer's TID is the developer's business, not the customer's.
			wantLacks(t, r, p.TID)
		})

		t.Run("another customer's purchase is not found, like a missing one", func(t *testing.T) {
			theirs := b.get("/my/purchases/" + m.JunPurchases[0].TxID)
			missing := b.get("/my/purchases/TXNOSUCHTHING")
			wantStatus(t, theirs, http.StatusNotFound)
			wantStatus(t, missing, http.StatusNotFound)
			wantLacks(t, theirs, m.JunPurchases[0].TID, "Jun")
			if strings.ReplaceAll(theirs.body, m.JunPurchases[0].TxID, "X") != strings.ReplaceAll(missing.body, "TXNOSUCHTHING", "X") {
				t.Error("another customer's purchase and a missing one answer differently")
			}
		})
	})
}
