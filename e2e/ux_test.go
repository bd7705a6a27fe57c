package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// Issue 17, "the product as a person meets it": each test walks one set of
// its points in a real browser. Axe runs on every page it visits (Visit and
// WaitLocation run it; pages a click changes in place run it explicitly),
// and Look saves screenshots in Korean and English (VOCDESK_E2E_SHOTS).

// TestCancellationScreens: an inquiry without a linked purchase offers one
// form to pick the purchase (not a button per purchase); a partial request
// answers with the inquiry and a message, never the form again filled with
// the rest; request rows read as rows; the operator's queue names the
// developer and the customer; a rejection's reason reaches the customer;
// the console's purchase page lists the requests, offers "send", and stops
// offering it once the whole amount is asked for.
func TestCancellationScreens(t *testing.T) {
	s := Start(t, withRefunds(t))
	m := s.M
	p := m.MinjiPurchases[0] // hoppin-quest, 1,200 KRW
	in := &vocdesk.Inquiry{AppSlug: p.AppSlug, Category: vocdesk.CategoryRefund, Subject: "결제 취소 문의"}
	if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Minji)), in, &vocdesk.Message{Body: "지난주 결제를 취소하고 싶어요."}); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(in.ID, 10)
	inquiry := "/console/inquiries/" + id

	dev := s.Another()
	dev.LoginAs("/developer/login", m.HoppinAgent)
	dev.Visit(inquiry)
	dev.WaitText("결제 취소 문의", "The customer's purchase to cancel")
	if n := Eval[int](dev, `document.querySelectorAll('a[href*="/cancel?inquiry="]').length`); n != 0 {
		t.Errorf("the inquiry lists %d separate cancel buttons; want one form", n)
	}
	if n := Eval[int](dev, `document.querySelectorAll("#refund-pick").length`); n != 1 {
		t.Errorf("%d purchase pickers, want 1", n)
	}
	if n := Eval[int](dev, `document.querySelectorAll("#refund-txid option").length`); n < 10 {
		t.Errorf("the picker offers %d purchases; want each of Minji's hoppin purchases", n)
	}
	dev.Look(inquiry, "inquiry-picker")

	dev.Do(setValue("#refund-txid", p.TxID))
	dev.Click(`#refund-pick button[type="submit"]`)
	dev.WaitLocation("/console/purchases/" + p.TxID + "/cancel?inquiry=" + id)
	dev.WaitText("Send Purchase Cancellation Request", p.TxID)
	dev.Do(chromedp.SetValue(chromedp.ID("refund-amount"), "500"))
	dev.Click(`#refund-form button[type="submit"]`)
	dev.WaitLocation(inquiry)
	dev.WaitText("Cancellation request for 500 KRW sent.", "Awaiting approval")
	dev.Shot("inquiry-after-request")
	// A request row is a row: not a column one character wide.
	dev.rowNotSqueezed("#refunds ~ .refund-list .refund-line")
	// The thread says it in words, in the reader's language.
	dev.WaitText("Cancellation of 500 KRW requested (Customer request)")

	op := s.Another()
	op.LoginAs("/operator/login", m.Operator)
	op.Visit("/operator/cancellations")
	op.WaitText("Awaiting a decision", "Hoppin Games", m.Minji.Name, p.TxID)
	if ls := Eval[string](op, `getComputedStyle(document.querySelector(".queue")).listStyleType`); ls != "none" {
		t.Errorf("the queue's list style is %q: stray bullets", ls)
	}
	op.Look("/operator/cancellations", "queue")
	rs, _, err := m.Svc.Cancellations.FindCancellations(uitest.As(vocdesk.SystemActor()), vocdesk.CancellationFilter{TxID: p.TxID})
	if err != nil || len(rs) != 1 {
		t.Fatalf("requests %v, %v", rs, err)
	}
	rid := strconv.FormatInt(rs[0].ID, 10)
	op.Do(chromedp.SetValue(chromedp.ID("reject-"+rid), "The gems were already spent."))
	op.Click(`form[action="/operator/cancellations/` + rid + `/reject"] button[type="submit"]`)
	op.WaitText("Request #" + rid + " rejected.")
	op.Axe()

	cust := s.Another()
	cust.LoginAs("/login", m.Minji)
	cust.Visit("/my/purchases/" + p.TxID)
	cust.WaitText("Rejected", "This cancellation was declined:", "The gems were already spent.")
	cust.rowNotSqueezed(".refund-item .refund-line")
	cust.Look("/my/purchases/"+p.TxID, "my-purchase-rejected")
	cust.Visit("/my/inquiries/" + id)
	cust.WaitText("Cancellation of 500 KRW requested (Customer request)", "Cancellation of 500 KRW declined: “The gems were already spent.”")
	cust.Look("/my/inquiries/"+id, "my-inquiry-events")
	cust.Visit("/lang/ko?next=/my/inquiries/" + id)
	cust.WaitText("500 KRW 구매 취소 요청 (고객 요청)")
	cust.NoText("Cancellation of", "Status", "customer_request")

	// The console's purchase page: the history, "send", and no "send" once
	// the whole amount is asked for.
	purchase := "/console/purchases/" + p.TxID
	dev.Visit(purchase)
	dev.WaitText("Cancellation requests", "Rejected", "1,200 KRW left to refund.")
	dev.Click("#send-refund")
	dev.WaitLocation(purchase + "/cancel")
	if got := dev.value("#refund-amount"); got != "1200" {
		t.Fatalf("the form offers %q, want the whole 1200", got)
	}
	dev.Click(`#refund-form button[type="submit"]`)
	dev.WaitLocation(purchase)
	dev.WaitText("Cancellation request for 1,200 KRW sent.", "Nothing is left to refund on this purchase.")
	if Eval[bool](dev, `document.getElementById("send-refund") !== null`) {
		t.Error("the purchase page still offers to send a request with nothing left")
	}
	dev.Look(purchase, "console-purchase")
	// The flash was shown once: the reload above shows the page alone.
	dev.NoText("Cancellation request for 1,200 KRW sent.")
}

// TestThreadEventsByAudience: the customer never reads the team's events
// (assignment, workflow steps), in either language; a team member reads
// them in their own language only. Bulk actions answer with what they did;
// TxIDs in the inbox are never broken across lines.
func TestThreadEventsByAudience(t *testing.T) {
	s := Start(t)
	m := s.M
	agent := uitest.As(m.MemberActor(m.Hoppin, m.HoppinAgent))
	var ids []int64
	for i, p := range m.MinjiPurchases[:3] {
		if p.DeveloperSlug != "hoppin" {
			continue
		}
		in := &vocdesk.Inquiry{TxID: p.TxID, Category: vocdesk.CategoryNotReceived, Subject: "아이템이 안 들어왔어요 " + strconv.Itoa(i)}
		if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Minji)), in, &vocdesk.Message{Body: "결제했는데 보석이 없어요."}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, in.ID)
	}
	if len(ids) < 2 {
		t.Fatalf("seed changed: %d hoppin purchases among Minji's newest three", len(ids))
	}
	first := strconv.FormatInt(ids[0], 10)
	assignee, resolved := m.HoppinAgent.ID, vocdesk.InquiryResolved
	// Tags make the inbox row's meta line long, as real ones are, so the
	// TxID in it meets a line's end at some window width.
	if _, err := m.Svc.Inquiries.UpdateInquiry(agent, ids[1], vocdesk.InquiryUpdate{AddTags: []string{"refund-check", "vip", "redeliver"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Svc.Inquiries.UpdateInquiry(agent, ids[0], vocdesk.InquiryUpdate{AssigneeID: &assignee}); err != nil {
		t.Fatal(err)
	}
	if err := m.Svc.Inquiries.AddMessage(agent, ids[0], &vocdesk.Message{Body: "확인해 보겠습니다."}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Svc.Inquiries.UpdateInquiry(agent, ids[0], vocdesk.InquiryUpdate{Status: &resolved}); err != nil {
		t.Fatal(err)
	}

	cust := s.Another()
	cust.LoginAs("/login", m.Minji)
	for _, lang := range []string{"en", "ko"} {
		cust.Visit("/lang/" + lang + "?next=/my/inquiries/" + first)
		cust.WaitText("확인해 보겠습니다.")
		cust.NoText("Assigned", "담당자", "waiting_on_customer", "→", "Status:")
		cust.Shot("my-thread-" + lang)
	}

	dev := s.Another()
	dev.LoginAs("/developer/login", m.HoppinOwner)
	dev.Visit("/lang/ko?next=/console/inquiries/" + first)
	dev.WaitText("담당자 지정: Alex Agent", "고객 답변 대기 → 해결됨 (Alex Agent)")
	dev.NoText("Assigned to", "waiting_on_customer", "Waiting on customer")
	dev.Shot("dev-thread-ko")
	dev.Visit("/lang/en?next=/console/inquiries/" + first)
	dev.WaitText("Assigned to Alex Agent", "Waiting on customer → Resolved, by Alex Agent")
	dev.NoText("담당자 지정", "waiting_on_customer", "해결됨")
	dev.Shot("dev-thread-en")

	dev.Visit("/console/inquiries")
	dev.WaitText("아이템이 안 들어왔어요 0")
	for width := int64(1280); width >= 900; width -= 20 {
		dev.Do(chromedp.EmulateViewport(width, 900))
		if !Eval[bool](dev, `[...document.querySelectorAll(".inbox-table .mono")].every(e => e.getClientRects().length === 1)`) {
			dev.ShotView("inbox-txid-" + strconv.FormatInt(width, 10))
			t.Errorf("a TxID or id in the inbox breaks across lines at %dpx", width)
		}
	}
	dev.Do(chromedp.EmulateViewport(1280, 900))
	dev.Look("/console/inquiries", "inbox")
	dev.Do(chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('input[name="id"]').forEach(c => { c.checked = true })`))
	dev.Click(`#bulk button[value="close"]`)
	dev.WaitText(strconv.Itoa(len(ids)) + " inquiries closed.")
	dev.Axe()
	dev.Shot("inbox-bulk-flash")
}

// TestPostsRedirect: creating an API key answers with a redirect; the page
// it leads to shows the key once, and reloading it creates nothing and
// shows nothing. The operator's long name fits the header; times are in
// KST in English too, with the zone named.
func TestPostsRedirect(t *testing.T) {
	s := Start(t)
	m := s.M
	long := uitest.Account{Email: "ops-long@store.test", Name: "스토어 운영자 (Store Operator)"}
	if err := m.Svc.Developers.CreateOperator(uitest.System(), &vocdesk.Operator{Email: long.Email, Name: long.Name}, uitest.Password); err != nil {
		t.Fatal(err)
	}
	op := s.Another()
	op.LoginAs("/operator/login", long)
	// The name is whole in the header, on a laptop's window as on a
	// narrow one.
	for _, width := range []int64{1280, 1024, 800} {
		op.Do(chromedp.EmulateViewport(width, 800))
		// The text's own width against its box's: scrollWidth rounds, and
		// hid a name cut by a fraction of its last letter.
		if !Eval[bool](op, `(e => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect().width <= e.getBoundingClientRect().width + 0.01 })(document.querySelector(".who"))`) {
			op.ShotView("who-" + strconv.FormatInt(width, 10))
			t.Errorf("the operator's name is cut in the header at %dpx", width)
		}
	}
	op.Do(chromedp.EmulateViewport(1280, 900))
	op.WaitText("Times are shown in KST.")
	// No time is in UTC (the footer's zone choice offers UTC by name).
	if Eval[bool](op, `[...document.querySelectorAll("time")].some(t => t.textContent.includes("UTC"))`) {
		t.Error("a time on /operator is shown in UTC")
	}
	op.Look("/operator", "operator-home")

	op.Do(chromedp.SetValue(chromedp.ID("k-name"), "ci-server"))
	op.Click(`.key-form button[type="submit"]`)
	op.WaitLocation("/operator/keys/new")
	op.WaitText("API key “ci-server” created.", "will not be shown again")
	secret := op.value("#secret")
	if len(secret) < 20 {
		t.Fatalf("secret %q", secret)
	}
	op.Shot("key-created")
	op.Do(chromedp.Reload())
	op.WaitLocation("/operator")
	op.NoText("will not be shown again")
	if got := Eval[string](op, `document.documentElement.innerHTML`); strings.Contains(got, secret) {
		t.Error("the reloaded page shows the secret")
	}
	keys, err := m.Svc.Auth.FindAPIKeys(uitest.System())
	if err != nil || len(keys) != 1 {
		t.Fatalf("%d keys after a reload (%v), want 1", len(keys), err)
	}
}

// TestReconUploadForm: the upload form has its own layout: the mapping as
// a grid, the file input whole.
func TestReconUploadForm(t *testing.T) {
	s := Start(t)
	dev := s.Another()
	dev.LoginAs("/developer/login", s.M.HoppinOwner)
	dev.Visit("/console/reconciliations")
	dev.WaitText("Column mapping")
	if w := Eval[float64](dev, `document.getElementById("r-file").getBoundingClientRect().width`); w < 250 {
		t.Errorf("the file input is %.0fpx wide: clipped", w)
	}
	if !Eval[bool](dev, `(() => { const f = [...document.querySelectorAll(".map-grid input")]; return f.length > 2 && f[0].getBoundingClientRect().top === f[1].getBoundingClientRect().top })()`) {
		t.Error("the mapping fields are not laid out side by side")
	}
	dev.Look("/console/reconciliations", "recon-upload")
}

// rowNotSqueezed fails the test when any part of the line at sel wraps
// inside itself: a request row squeezed to a column one character wide
// broke every amount and date over several lines.
func (s *Suite) rowNotSqueezed(sel string) {
	s.T.Helper()
	broken := Eval[string](s, fmt.Sprintf(`(() => {
		const line = document.querySelector(%q);
		if (!line) return "nothing at " + %q;
		for (const el of line.querySelectorAll("*")) {
			if (el.getClientRects().length > 1 || el.getBoundingClientRect().height > 30) return el.outerHTML;
		}
		return "";
	})()`, sel, sel))
	if broken != "" {
		s.T.Errorf("squeezed: %s", broken)
	}
}

// TestEveryPageAccessible opens every page of the three realms, and the
// public ones, in Korean and English, with data on them (an inquiry with
// events, a cancellation request, a webhook delivery log): axe finds no
// serious or critical violation on any (Visit runs it), and each is saved
// to be looked at.
func TestEveryPageAccessible(t *testing.T) {
	s := Start(t, withRefunds(t), func(m *uitest.Marketplace) { m.Svc.Webhooks = sqlstore.NewWebhookService(m.DB) })
	m := s.M
	p := m.MinjiPurchases[0]
	in := &vocdesk.Inquiry{TxID: p.TxID, Category: vocdesk.CategoryRefund, Subject: "보석 100개 환불 요청"}
	if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Minji)), in, &vocdesk.Message{Body: "실수로 결제했습니다."}); err != nil {
		t.Fatal(err)
	}
	owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
	assignee := m.HoppinAgent.ID
	if _, err := m.Svc.Inquiries.UpdateInquiry(owner, in.ID, vocdesk.InquiryUpdate{AssigneeID: &assignee, AddTags: []string{"refund-check"}}); err != nil {
		t.Fatal(err)
	}
	if err := m.Svc.Inquiries.AddMessage(owner, in.ID, &vocdesk.Message{Body: "확인 중입니다.", Internal: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Svc.Cancellations.RequestCancellation(owner, &vocdesk.CancellationInput{TxID: p.TxID, Amount: 500,
		Reason: vocdesk.ReasonDuplicatePurchase, InquiryID: in.ID, IdempotencyKey: "every-page"}); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(in.ID, 10)

	// The missing page answers 404, which the browser logs.
	t.Cleanup(func() { s.forgive("404 (Not Found)") })
	pub := s.Another()
	for _, path := range []string{"/", "/login", "/developer/login", "/operator/login", "/no-such-page"} {
		pub.Look(path, shotName(path))
	}
	cust := s.Another()
	cust.LoginAs("/login", m.Minji)
	for _, path := range []string{"/my", "/my/purchases", "/my/purchases/" + p.TxID, "/my/inquiries", "/my/inquiries/" + id, "/my/ask"} {
		cust.Look(path, shotName(path))
	}
	dev := s.Another()
	dev.LoginAs("/developer/login", m.HoppinOwner)
	for _, path := range []string{"/console", "/console/inquiries", "/console/inquiries/" + id, "/console/settings",
		"/console/reconciliations", "/console/purchases/" + p.TxID, "/console/purchases/" + p.TxID + "/cancel", "/console/webhook"} {
		dev.Look(path, shotName(path))
	}
	op := s.Another()
	op.LoginAs("/operator/login", m.Operator)
	for _, path := range []string{"/operator", "/operator/cancellations", "/operator/inquiries", "/operator/inquiries/" + id, "/operator/escalations"} {
		op.Look(path, shotName(path))
	}
}

// shotName names a page's screenshot after its path: "my-purchases".
func shotName(path string) string {
	if path == "/" {
		return "home"
	}
	return strings.ReplaceAll(strings.Trim(path, "/"), "/", "-")
}
