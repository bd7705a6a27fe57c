package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// TestDeveloperFindsByPhoneAndCancels is issue 19's first acceptance: a
// developer finds a customer's purchases by the phone number the customer
// gives (written another way than it was stored), selects three of them and
// cancels them, one request each; another developer's purchases of the same
// customer never show.
func TestDeveloperFindsByPhoneAndCancels(t *testing.T) {
	s := Start(t, withRefunds(t))
	m := s.M
	s.LoginAs("/developer/login", m.HoppinOwner)
	s.Visit("/console/purchases")
	s.WaitText("Find a purchase")
	s.Axe()
	s.Do(chromedp.SetValue(chromedp.ID("psearch-q"), "01012345678"),
		chromedp.Click(chromedp.CSS(`#psearch-form button[type="submit"]`)))
	s.WaitLocation("/console/purchases?q=01012345678")
	// Minji's purchases cycle through hoppin-quest, hoppin-puzzle and
	// nimbus-notes; hoppin sees the first two apps' only.
	p0, p1, p3, theirs := m.MinjiPurchases[0], m.MinjiPurchases[1], m.MinjiPurchases[3], m.MinjiPurchases[2]
	s.WaitText("Purchases found", p0.TxID, p1.TxID, p3.TxID, "minji.kim@example.com", "010-1234-5678")
	s.NoText(theirs.TxID, m.JunPurchases[0].TxID)
	s.Axe()
	s.Shot("results-en")

	for _, p := range []*vocdesk.Purchase{p0, p1, p3} {
		s.Click(`input[name="txid"][value="` + p.TxID + `"]`)
	}
	s.Click("#psearch-cancel-btn")
	s.WaitLocation("/console/purchases?q=01012345678&sent=")
	s.WaitText("Cancellation requests sent")
	if n := evalJS[int](s, `document.querySelectorAll("#psearch-outcomes .psearch-outcome").length`); n != 3 {
		t.Fatalf("%d outcomes; want 3", n)
	}
	s.NoText("Not sent")
	s.Axe()
	s.Shot("cancelled-en")

	// Exactly one request per selected purchase, for all that was left.
	ctx := uitest.As(vocdesk.SystemActor())
	for _, p := range []*vocdesk.Purchase{p0, p1, p3, m.MinjiPurchases[4]} {
		rs, _, err := m.Svc.Cancellations.FindCancellations(ctx, vocdesk.CancellationFilter{TxID: p.TxID})
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		if p == m.MinjiPurchases[4] {
			want = 0
		}
		if len(rs) != want || (want == 1 && rs[0].Amount != p.Amount) {
			t.Errorf("%s: %d requests (%+v); want %d for the whole amount", p.TxID, len(rs), rs, want)
		}
	}

	// The same page in Korean.
	s.ClickLink("한국어")
	s.WaitText("구매 찾기", "찾은 구매")
	s.Axe()
	s.Shot("results-ko")
}

// A viewer finds purchases with the contacts masked and no way to cancel;
// the back office finds every developer's purchases of the customer.
func TestPurchaseSearchViewerAndOperator(t *testing.T) {
	s := Start(t, withRefunds(t))
	m := s.M
	s.LoginAs("/developer/login", m.HoppinViewer)
	s.Visit("/console/purchases?q=minji.kim@example.com")
	s.WaitText("Purchases found", m.MinjiPurchases[0].TxID, "***-5678", "m***@example.com")
	s.NoText("010-1234-5678", "Cancel selected")
	if n := evalJS[int](s, `document.querySelectorAll('input[name="txid"]').length`); n != 0 {
		t.Errorf("a viewer is offered %d checkboxes", n)
	}
	s.Axe()

	o := s.Another()
	o.LoginAs("/operator/login", m.Operator)
	o.Visit("/operator/purchases?q=" + m.MinjiPurchases[2].TID)
	o.WaitText("Purchases found", m.MinjiPurchases[2].TxID, "nimbus", "010-1234-5678")
	o.Axe()
	o.Shot("operator-en")
	o.Visit("/operator/purchases?q=010-1234-5678")
	o.WaitText(m.MinjiPurchases[0].TxID, m.MinjiPurchases[2].TxID)
	o.Visit("/operator/purchases?q=nobody@example.com")
	o.WaitText("No purchase matches that id.")
	o.Axe()
	o.ClickLink("한국어")
	o.WaitText("이 번호와 일치하는 구매가 없습니다.")
	o.Visit("/operator/purchases?q=010-1234-5678")
	o.WaitText("찾은 구매", m.MinjiPurchases[2].TxID)
	o.Axe()
	o.Shot("operator-ko")
}
