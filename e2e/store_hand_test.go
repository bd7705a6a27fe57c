package e2e

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// escalated gives Minji an inquiry about her newest purchase (hoppin's)
// that hoppin left unanswered past the store's deadline: it is created, the
// clock moves two weeks on, the sweep escalates it, and the clock comes
// back, all before the server and its job runner start.
func escalated(t *testing.T, id *int64) func(*uitest.Marketplace) {
	return func(m *uitest.Marketplace) {
		in := &vocdesk.Inquiry{TxID: m.MinjiPurchases[0].TxID, Category: vocdesk.CategoryNotReceived, Subject: "보석이 안 들어왔어요"}
		if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Minji)), in, &vocdesk.Message{Body: "결제했는데 보석이 없어요. 환불해 주세요."}); err != nil {
			t.Fatal(err)
		}
		clock := m.DB.Now
		later := time.Now().Add(14 * 24 * time.Hour)
		m.DB.Now = func() time.Time { return later }
		n, err := m.Svc.Desk.EscalateOverdue(uitest.As(vocdesk.SystemActor()))
		m.DB.Now = clock
		if err != nil || n != 1 {
			t.Fatalf("escalated %d (%v)", n, err)
		}
		*id = in.ID
	}
}

// TestStoreHand is issue 19's third acceptance: an operator answers an
// escalated inquiry in the store's name and cancels the purchase on the
// store's initiative; the developer sees both in its console, the customer
// sees the store's answer on My Page, and the escalations page counts both
// against the developer.
func TestStoreHand(t *testing.T) {
	var id int64
	s := Start(t, escalated(t, &id), withRefunds(t))
	m := s.M
	inquiry := strconv.FormatInt(id, 10)
	s.LoginAs("/operator/login", m.Operator)
	s.Visit("/operator/escalations")
	s.WaitText("보석이 안 들어왔어요")
	s.Click(`a[href="/operator/inquiries/` + inquiry + `#store-answer"]`)
	s.WaitText("Answer in the store's name", "Cancel the purchase (the store's initiative)")
	s.Axe()
	s.ShotView("answer-form-en")
	s.Do(chromedp.SetValue(chromedp.ID("store-answer-body"), "스토어에서 대신 답변드립니다. 보석 구매를 취소하고 환불해 드리겠습니다."),
		chromedp.Click(chromedp.ID("store-answer-btn")))
	s.WaitText("스토어에서 대신 답변드립니다", "Waiting on customer")
	s.WaitLocation("/operator/inquiries/" + inquiry)
	s.Do(chromedp.WaitVisible(chromedp.ID("store-cancel-btn")), chromedp.Click(chromedp.ID("store-cancel-btn")))
	s.WaitText("requested and approved")
	s.Axe()
	s.ShotView("operator-en")
	// The store's cancellation is carried out at once, through the job.
	deadline := time.Now().Add(10 * time.Second)
	for {
		p, err := m.Svc.Purchases.FindPurchaseByTxID(uitest.As(vocdesk.SystemActor()), m.MinjiPurchases[0].TxID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status == vocdesk.PurchaseRefunded {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the store's cancellation was not carried out: %s", p.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Visit("/operator/escalations")
	s.WaitText("Store answered 1", "Store cancelled 1")
	s.NoText("보석이 안 들어왔어요") // out of the queue: the customer has an answer
	s.Axe()
	s.ClickLink("한국어")
	s.WaitText("스토어 답변 1", "스토어 취소 1")
	s.Axe()
	s.ShotView("escalations-ko")
	s.Visit("/operator/inquiries/" + inquiry + "#store-answer")
	s.WaitText("스토어 이름으로 답변", "결제 취소 (스토어 직권)")
	s.Axe()
	s.ShotView("inquiry-ko")

	dev := s.Another()
	dev.LoginAs("/developer/login", m.HoppinOwner)
	dev.Visit("/console/inquiries/" + inquiry)
	dev.WaitText("스토어에서 대신 답변드립니다", "Store", "requested and approved")
	dev.Axe()
	dev.ShotView("developer-en")

	cust := s.Another()
	cust.LoginAs("/login", m.Minji)
	cust.ClickLink("한국어")
	cust.WaitText("로그아웃")
	cust.Visit("/my/inquiries/" + inquiry)
	cust.WaitText("스토어에서 대신 답변드립니다", "스토어")
	cust.Axe()
	cust.ShotView("customer-ko")
}
