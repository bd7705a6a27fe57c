package e2e

import (
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/desk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// twoQuestions gives Minji two inquiries with hoppin: a refund request
// (the older) and a second one about the same item, which hoppin's agent
// merges into the first.
func twoQuestions(t *testing.T, first, second *int64) func(*uitest.Marketplace) {
	return func(m *uitest.Marketplace) {
		as := uitest.As(m.CustomerActor(m.Minji))
		p := m.MinjiPurchases[0]
		a := &vocdesk.Inquiry{TxID: p.TxID, Category: vocdesk.CategoryRefund, Subject: "보석 환불 요청"}
		if err := m.Svc.Inquiries.CreateInquiry(as, a, &vocdesk.Message{Body: "실수로 결제했어요. 환불해 주세요."}); err != nil {
			t.Fatal(err)
		}
		b := &vocdesk.Inquiry{TxID: p.TxID, Category: vocdesk.CategoryNotReceived, Subject: "보석이 안 들어왔어요"}
		if err := m.Svc.Inquiries.CreateInquiry(as, b, &vocdesk.Message{Body: "다시 문의드립니다. 보석이 아직 없습니다."}); err != nil {
			t.Fatal(err)
		}
		*first, *second = a.ID, b.ID
	}
}

// TestMergeInquiries is issue 22's merge acceptance: an agent merges
// Minji's second inquiry into her first from the inquiry page; the
// survivor holds both threads, the merged one points to it for the agent
// and for Minji on My Page; the undo puts both back.
func TestMergeInquiries(t *testing.T) {
	var first, second int64
	root := Start(t, twoQuestions(t, &first, &second))
	m := root.M
	one, two := strconv.FormatInt(first, 10), strconv.FormatInt(second, 10)
	dev := root.Another()
	dev.LoginAs("/developer/login", m.HoppinAgent)
	dev.Visit("/console/inquiries/" + two)
	dev.WaitText("Merge this inquiry into", "보석 환불 요청")
	dev.Do(setValue("#merge-into", one))
	dev.Click("#merge-go")
	dev.WaitLocation("/console/inquiries/" + one)
	dev.WaitText("Inquiry #"+two+" was merged into this one", "실수로 결제했어요", "다시 문의드립니다", "Undo merge")
	dev.Look("/console/inquiries/"+one, "survivor")

	dev.Visit("/console/inquiries/" + two)
	dev.WaitText("Merged into", "#"+one+" 보석 환불 요청", "Closed")
	dev.NoText("다시 문의드립니다")
	dev.Look("/console/inquiries/"+two, "merged")

	s := root.Another()
	s.LoginAs("/login", m.Minji)
	s.Visit("/my/inquiries/" + two)
	s.WaitText("This inquiry continues in", "#"+one+" 보석 환불 요청", "Merged into inquiry #"+one)
	s.Look("/my/inquiries/"+two, "my-pointer")
	s.Click(`a[href="/my/inquiries/` + one + `"]`)
	s.WaitLocation("/my/inquiries/" + one)
	s.WaitText("실수로 결제했어요", "다시 문의드립니다")

	dev.Visit("/console/inquiries/" + one)
	dev.Click("#undo-merge-" + two)
	dev.WaitLocation("/console/inquiries/" + two)
	dev.WaitText("The merge was undone.", "다시 문의드립니다", "Merge this inquiry into")
	dev.NoText("Merged into")
	dev.Visit("/console/inquiries/" + one)
	dev.WaitText("실수로 결제했어요")
	dev.NoText("다시 문의드립니다", "was merged into this one")
	s.Visit("/my/inquiries/" + two)
	s.WaitText("다시 문의드립니다")
	s.NoText("This inquiry continues in")
}

// shiftedClock makes the database's clock (which jobs fall due by) run
// ahead by whatever the test stores in by, so that a snooze's time can
// come without waiting for it.
func shiftedClock(by *atomic.Int64) func(*uitest.Marketplace) {
	return func(m *uitest.Marketplace) {
		clock := m.DB.Now
		m.DB.Now = func() time.Time { return clock().Add(time.Duration(by.Load())) }
	}
}

// TestSnoozeWakes is issue 22's snooze acceptance: an agent snoozes an
// inquiry from its page; it leaves the inbox for the "snoozed" filter;
// when its time comes the wake job brings it back, with an event in the
// thread and the unread mark in the inbox.
func TestSnoozeWakes(t *testing.T) {
	var first, second int64
	var shift atomic.Int64
	root := Start(t, twoQuestions(t, &first, &second), shiftedClock(&shift))
	m := root.M
	runJobs(t, m, 1, map[string]jobs.Kind{vocdesk.JobInquiryWake: desk.WakeKind(m.Svc.Snoozes)})
	id := strconv.FormatInt(first, 10)
	dev := root.Another()
	dev.LoginAs("/developer/login", m.HoppinAgent)
	dev.Visit("/console/inquiries/" + id)
	dev.WaitText("Snooze", "Tomorrow 9:00", "Until the customer replies")
	dev.Look("/console/inquiries/"+id, "snooze-form")
	// A date and time in the viewer's zone (Seoul): a few minutes on,
	// which the clock below reaches without outliving the session.
	at := time.Now().In(vocdesk.Seoul).Add(3 * time.Minute).Format("2006-01-02T15:04")
	dev.Click("#snooze-custom")
	dev.Do(setValue("#snooze-at", at))
	dev.Click("#snooze-go")
	dev.WaitText("Snoozed: the inquiry is out of the inbox until it wakes.", "Wake now")
	dev.Shot("snoozed")

	dev.Visit("/console/inquiries")
	dev.WaitText("보석이 안 들어왔어요")
	dev.NoText("보석 환불 요청")
	dev.Visit("/console/inquiries?snoozed=only")
	// Each row says when it wakes, in the viewer's zone.
	dev.WaitText("보석 환불 요청", "Wakes "+strings.Replace(at, "T", " ", 1)+" KST")
	dev.NoText("보석이 안 들어왔어요")
	dev.Look("/console/inquiries?snoozed=only", "inbox-snoozed")

	// Ten minutes on, the wake job falls due and runs.
	shift.Store(int64(10 * time.Minute))
	deadline := time.Now().Add(30 * time.Second)
	for {
		sn, err := m.Svc.Snoozes.FindSnooze(uitest.As(m.MemberActor(m.Hoppin, m.HoppinAgent)), first)
		if err != nil {
			t.Fatal(err)
		}
		if sn == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the wake job did not run")
		}
		time.Sleep(100 * time.Millisecond)
	}
	dev.Visit("/console/inquiries")
	dev.WaitText("보석 환불 요청", "보석이 안 들어왔어요")
	if !Eval[bool](dev, `[...document.querySelectorAll("tr.inq-row")].some(r => r.textContent.includes("보석 환불 요청") && r.classList.contains("is-unread"))`) {
		dev.Shot("woken-inbox")
		t.Error("the woken inquiry carries no unread mark in the inbox")
	}
	dev.Shot("woken-inbox")
	dev.Visit("/console/inquiries/" + id)
	dev.WaitText("Snooze ended: back in the inbox")
	dev.NoText("Wake now")
	dev.Do(chromedp.WaitVisible(chromedp.ID("snooze-go")))
}

// emailContact gives hoppin an inquiry by email from Minji's address that
// the intake could not link to her account (as when she wrote from it
// before signing up).
func emailContact(t *testing.T, id *int64) func(*uitest.Marketplace) {
	return func(m *uitest.Marketplace) {
		in := &vocdesk.Inquiry{AppSlug: "hoppin-quest", CustomerName: "Minji by mail", ContactEmail: m.Minji.Email,
			Channel: vocdesk.ChannelEmail, Category: vocdesk.CategoryOther, Subject: "메일로 드린 문의"}
		if err := m.Svc.Inquiries.CreateInquiry(uitest.As(vocdesk.SystemActor()), in, &vocdesk.Message{Body: "메일로 문의드립니다."}); err != nil {
			t.Fatal(err)
		}
		*id = in.ID
	}
}

// TestContactMergeLinksAccount: an agent links an email contact's inquiry
// to the store account with its address; the customer then finds it on
// My Page.
func TestContactMergeLinksAccount(t *testing.T) {
	var id int64
	root := Start(t, emailContact(t, &id))
	m := root.M
	page := "/console/inquiries/" + strconv.FormatInt(id, 10)
	dev := root.Another()
	dev.LoginAs("/developer/login", m.HoppinAgent)
	dev.Visit(page)
	dev.WaitText("Link to store account", "메일로 드린 문의")
	dev.Click("#contact-merge")
	dev.WaitLocation(page)
	dev.WaitText("store account; inquiries linked: 1.")
	dev.NoText("Link to store account")
	dev.Look(page, "linked")
	s := root.Another()
	s.LoginAs("/login", m.Minji)
	s.Visit("/my/inquiries")
	s.WaitText("메일로 드린 문의")
}
