package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// A customer signs in, finds their purchases with TxIDs on My Page and in
// the history, and opens one.
func TestCustomerSeesPurchases(t *testing.T) {
	s := Start(t)
	m := s.M
	s.LoginAs("/login", m.Minji)
	newest := m.MinjiPurchases[0]
	s.WaitText("Hello, 김민지", newest.TxID, "1,200 KRW")
	s.Shot("my")

	s.ClickLink("Product/Payment History")
	s.WaitLocation("/my/purchases")
	s.WaitText("Product/Payment History", newest.TxID, m.MinjiPurchases[10].TxID)
	s.NoText(m.JunPurchases[0].TxID)
	s.Shot("history")

	p := m.MinjiPurchases[5]
	s.ClickLink(p.TxID)
	s.WaitLocation("/my/purchases/" + p.TxID)
	s.WaitText("Payment details", p.TxID, "0.99 USD", "Card", "Help with this purchase")
	s.Shot("detail")
}

// A customer narrows the history to one app with the filter form.
func TestCustomerFiltersHistory(t *testing.T) {
	s := Start(t)
	s.LoginAs("/login", s.M.Minji)
	s.Visit("/my/purchases")
	s.Do(setValue("#f-app", "nimbus-notes"))
	s.Click(`form[role="search"] button[type="submit"]`)
	s.WaitLocation("/my/purchases?app=nimbus-notes")
	s.WaitText(s.M.MinjiPurchases[2].TxID, s.M.MinjiPurchases[5].TxID)
	s.NoText(s.M.MinjiPurchases[0].TxID, s.M.MinjiPurchases[1].TxID)
}

// A developer member signs in to the console and sees its apps and the
// purchases of them, never another developer's.
func TestDeveloperConsole(t *testing.T) {
	s := Start(t)
	m := s.M
	s.LoginAs("/developer/login", m.HoppinOwner)
	mine, theirs := m.MinjiPurchases[0], m.MinjiPurchases[2] // hoppin-quest, nimbus-notes
	s.WaitText("Hoppin Games", "호핀 퀘스트", "Hoppin Puzzle", "Owner", mine.TxID, mine.TID, "Jun <b>Park</b>")
	s.NoText("Nimbus Notes", theirs.TxID, theirs.TID, m.JunPurchases[1].TxID)
	s.Shot("console")
}

// The language switcher turns every page Korean, with times in KST.
func TestLanguageSwitch(t *testing.T) {
	s := Start(t)
	s.LoginAs("/login", s.M.Minji)
	s.ClickLink("한국어")
	s.WaitText("김민지님, 안녕하세요", "최근 구매", "2026-03-10 10:30 KST")
	s.Visit("/my/purchases")
	s.WaitText("상품/결제 내역", "결제 완료")
	s.Shot("history-ko")
}

// An operator creates an API key for a developer and sees its secret once.
func TestOperatorCreatesKey(t *testing.T) {
	s := Start(t)
	s.LoginAs("/operator/login", s.M.Operator)
	s.WaitText("Store back office", "Hoppin Games", "Nimbus Labs", s.M.JunPurchases[0].TxID)
	s.Shot("operator")
	s.Do(
		chromedp.SendKeys(chromedp.ID("k-name"), "hoppin-server"),
		setValue("#k-realm", "developer"),
		setValue("#k-dev", "nimbus"),
	)
	s.Click(`.key-form button[type="submit"]`)
	s.WaitLocation("/operator/keys")
	s.WaitText("API key created", "hoppin-server", "will not be shown again")
	s.Shot("key-created")
	s.ClickLink("Done")
	s.WaitLocation("/operator")
	s.WaitText("hoppin-server", "Active")
}

// On a phone-sized screen the pages reflow: the page itself never scrolls
// sideways (wide tables scroll inside their card).
func TestNarrowScreen(t *testing.T) {
	s := Start(t)
	s.Do(chromedp.EmulateViewport(390, 844))
	s.Visit("/")
	s.Shot("home-narrow")
	s.LoginAs("/login", s.M.Minji)
	for _, path := range []string{"/my", "/my/purchases", "/my/purchases/" + s.M.MinjiPurchases[0].TxID} {
		s.Visit(path)
		wide, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if wide {
			s.Shot("too-wide")
			t.Errorf("%s scrolls sideways at 390px", path)
		}
	}
	s.Visit("/my/purchases")
	s.ShotView("history-narrow")
}
