package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// deskTimeout bounds a desk flow's window: these flows sign two people in
// and walk a conversation, longer than one page's test.
const deskTimeout = 2 * time.Minute

// Another opens a second, isolated browser window on the same server, for
// flows with two people at once (a customer and a developer).
func (s *Suite) Another() *Suite {
	s.T.Helper()
	tab, closeTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	s.T.Cleanup(closeTab)
	if _, err := chromedp.Call(tab, log.Enable, cdp.Empty{}); err != nil {
		s.T.Fatalf("open a tab: %v", err)
	}
	tctx, tcancel := context.WithTimeout(tab, deskTimeout)
	s.T.Cleanup(tcancel)
	o := &Suite{T: s.T, M: s.M, URL: s.URL, ctx: tctx}
	messages := chromedp.Console(tctx)
	go func() {
		for msg, err := range messages {
			if err != nil {
				return
			}
			if msg.Type == chromedp.ConsoleError || msg.IsException() {
				s.problem("window: " + msg.String())
			}
		}
	}()
	return o
}

// forgive drops the page problems that contain text: an answer the step
// expected, such as a form refused with 422.
func (s *Suite) forgive(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.problems[:0]
	for _, p := range s.problems {
		if !strings.Contains(p, text) {
			kept = append(kept, p)
		}
	}
	s.problems = kept
}

// Eval runs a script in the page and returns its value.
func Eval[T any](s *Suite, script string) T {
	s.T.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise))
	if err != nil {
		s.Shot("eval")
		s.T.Fatalf("eval %s: %v", script, err)
	}
	return v
}

// WaitScript waits until a script in the page answers true.
func (s *Suite) WaitScript(script string) {
	s.T.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		if ok, _ := chromedp.Run(s.ctx, chromedp.Evaluate[bool](script)); ok {
			return
		}
		if time.Now().After(deadline) {
			s.Shot("waitscript")
			s.T.Fatalf("page %s never made %s true; it shows:\n%s", s.Location(), script, s.BodyText())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The desk end to end: a customer asks for a refund from a purchase on My
// Page; the developer's inbox, already open, shows it without a reload; the
// developer sees the purchase with TxID and TID and answers with a canned
// reply; the customer reads the answer, marks it solved and rates it.
func TestDeskRefundFlow(t *testing.T) {
	root := Start(t)
	m := root.M
	p := m.MinjiPurchases[0] // 호핀 퀘스트, hoppin's

	s, dev := root.Another(), root.Another()
	dev.LoginAs("/developer/login", m.HoppinOwner)
	dev.Visit("/console/inquiries")
	dev.WaitText("Manage Customer Inquiries", "No inquiries here.")
	// A reload would lose this mark: the list must change in place.
	Eval[bool](dev, `window.__stay = true`)

	s.LoginAs("/login", m.Minji)
	s.Visit("/my/purchases/" + p.TxID)
	s.WaitText("Help with this purchase", "Refund")
	s.Do(
		chromedp.SetValue(chromedp.ID("ask-subject"), "보석 100개 환불 요청"),
		chromedp.SetValue(chromedp.ID("ask-body"), "실수로 결제했습니다. 환불 부탁드립니다."),
	)
	s.Shot("ask")
	s.Click(`#ask button[type="submit"]`)
	s.WaitLocation("/my/inquiries/")
	s.WaitText("Your inquiry was sent", "보석 100개 환불 요청", "실수로 결제했습니다")

	dev.WaitText("보석 100개 환불 요청")
	if !Eval[bool](dev, `window.__stay === true`) {
		t.Fatal("the inbox reloaded instead of updating in place")
	}
	dev.WaitText("김민지", "New", "Refund")
	dev.Shot("inbox-live")

	dev.ClickLink("보석 100개 환불 요청")
	dev.WaitLocation("/console/inquiries/")
	dev.WaitText("See details of payment history", p.TxID, p.TID, "1,200 KRW", "Carrier billing")
	dev.Shot("inquiry")
	dev.Do(setValue("#canned", cannedID(dev, uitest.CannedRefundEN)))
	dev.WaitScript(`document.getElementById("reply-body").value.includes("Hello 김민지")`)
	if got := Eval[string](dev, `document.getElementById("reply-body").value`); !strings.Contains(got, p.TxID) || !strings.Contains(got, "보석 100개") || !strings.Contains(got, "박지훈") {
		t.Errorf("the canned reply was not filled in: %q", got)
	}
	dev.Click(`#reply button[name="then"][value=""]`)
	dev.WaitText("we have received your refund request", "Waiting on customer")

	s.Visit("/my/inquiries")
	s.WaitText("New answer", "보석 100개 환불 요청")
	s.ClickLink("보석 100개 환불 요청")
	s.WaitLocation("/my/inquiries/")
	s.WaitText("we have received your refund request", p.TxID, "박지훈")
	s.Click("#solve")
	s.WaitText("Resolved", "Send rating")
	s.Click(`label[for="star-5"]`)
	s.Do(chromedp.SetValue(chromedp.ID("rate-comment"), "빠른 답변 감사합니다"))
	s.Click(`#rate button[type="submit"]`)
	s.WaitText("Rated 5 of 5", "빠른 답변 감사합니다")
	s.Shot("rated")

	dev.Visit("/console/inquiries?status=resolved")
	dev.WaitText("보석 100개 환불 요청")
}

// cannedID finds a canned reply's option in the picker by its name.
func cannedID(s *Suite, name string) string {
	s.T.Helper()
	return Eval[string](s, `(() => { for (const o of document.querySelectorAll("#canned option")) { if (o.textContent.startsWith(`+jsString(name)+`)) return o.value; } return ""; })()`)
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// hostile is a message body that would run script if any page took it as
// markup.
const hostile = `<script>window.__pwned = "script"</script>
<img src=x onerror="window.__pwned = 'img'; alert(1)">
<a href="javascript:window.__pwned='link'">click me</a> javascript:alert(document.cookie)`

// Markup in messages is text, everywhere: nothing runs, no dialog opens,
// the text shows as typed and no javascript: link exists. Files that a
// browser could run are refused, and what is served is a download.
func TestDeskMarkupIsInert(t *testing.T) {
	root := Start(t)
	m := root.M
	s := root.Another()
	var dialogs atomic.Int32
	chromedp.Listen(s.ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	})

	s.LoginAs("/login", m.Minji)
	s.Visit("/my/ask?app=hoppin-quest")
	s.Do(
		chromedp.SetValue(chromedp.ID("ask-subject"), `<b>bold</b> "quoted" <script>x</script>`),
		chromedp.SetValue(chromedp.ID("ask-body"), hostile),
	)
	// An HTML file dressed as a screenshot is refused, and the form keeps
	// what was typed.
	evil := filepath.Join(t.TempDir(), "screenshot.png.html")
	if err := os.WriteFile(evil, []byte("<!doctype html><html><body><script>alert(1)</script></body></html>"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.Do(chromedp.SetUploadFiles(chromedp.CSS(`#ask input[type="file"]`), []string{evil}))
	s.Click(`#ask button[type="submit"]`)
	s.WaitText("not an accepted type")
	// The refusal is a 422 page, which the browser logs as a failed load.
	root.forgive("status of 422")
	if v := Eval[string](s, `document.getElementById("ask-body").value`); v != hostile {
		t.Errorf("the refused form lost the body: %q", v)
	}
	s.Shot("refused")

	// Sent without the file, with a real PNG instead.
	png := filepath.Join(t.TempDir(), "screen.png")
	if err := os.WriteFile(png, tinyPNG, 0o600); err != nil {
		t.Fatal(err)
	}
	s.Do(chromedp.SetUploadFiles(chromedp.CSS(`#ask input[type="file"]`), []string{png}))
	s.Click(`#ask button[type="submit"]`)
	s.WaitLocation("/my/inquiries/")
	checkInert(s)
	s.WaitText(`<b>bold</b> "quoted" <script>x</script>`, `<script>window.__pwned = "script"</script>`, `javascript:alert(document.cookie)`, "screen.png")
	s.Shot("customer-inert")

	// The attachment is a download with nosniff, never a page.
	hdr := Eval[[]string](s, `fetch(document.querySelector(".files a").href).then(r => [r.headers.get("Content-Type"), r.headers.get("X-Content-Type-Options"), r.headers.get("Content-Disposition"), r.headers.get("Content-Security-Policy")])`)
	if hdr[0] != "image/png" || hdr[1] != "nosniff" || !strings.HasPrefix(hdr[2], "attachment") || !strings.Contains(hdr[3], "sandbox") {
		t.Errorf("attachment headers: %q", hdr)
	}

	dev := root.Another()
	dev.LoginAs("/developer/login", m.HoppinOwner)
	dev.Visit("/console/inquiries")
	dev.WaitText(`<b>bold</b> "quoted" <script>x</script>`)
	checkInert(dev)
	dev.Click(".inq-title a")
	dev.WaitLocation("/console/inquiries/")
	dev.WaitText(`<img src=x onerror="window.__pwned = 'img'; alert(1)">`)
	checkInert(dev)

	// Search highlights inside escaped text.
	dev.Visit("/console/inquiries?q=onerror")
	dev.WaitText("onerror")
	if n := Eval[int](dev, `document.querySelectorAll(".snippet mark").length`); n == 0 {
		t.Error("search shows no highlighted match")
	}
	checkInert(dev)
	dev.Shot("search")
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d dialogs opened", n)
	}
}

// checkInert fails unless the page ran none of the hostile markup.
func checkInert(s *Suite) {
	s.T.Helper()
	if v := Eval[string](s, `String(window.__pwned)`); v != "undefined" {
		s.T.Errorf("%s: markup ran: %s", s.Location(), v)
	}
	if n := Eval[int](s, `document.querySelectorAll('a[href^="javascript:" i], main img, main script, [onerror]').length`); n != 0 {
		s.T.Errorf("%s: %d live elements from a message", s.Location(), n)
	}
}

// tinyPNG is a 1x1 PNG.
var tinyPNG = []byte{
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
	0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
	0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
	0x42, 0x60, 0x82,
}
