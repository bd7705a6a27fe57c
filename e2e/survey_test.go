package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	dmail "github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/survey"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// surveyLinkRE finds the survey mail's links and the rating each chooses.
var surveyLinkRE = regexp.MustCompile(`(http://127\.0\.0\.1:\d+)(/rate/[A-Za-z0-9_-]+\?rating=(\d))`)

// TestSurveyByEmail is the satisfaction survey end to end: the developer
// resolves an inquiry in the console; the survey mail reaches the
// customer's mail server (a real SMTP server) with five links; My Page asks
// too; the link opens, without signing in, a page with its rating chosen,
// and changes nothing until its button is pressed; the developer's inquiry
// then shows the rating and the comment.
func TestSurveyByEmail(t *testing.T) {
	sinkAddr, sinkDir := startSMTPSink(t)
	dev := Start(t)
	m := dev.M
	relay := dmail.NewRelay(dmail.RelayConfig{Addr: sinkAddr, Domain: "desk.test", Timeout: 10 * time.Second})
	runJobs(t, m, 2, map[string]jobs.Kind{vocdesk.JobSendSurvey: survey.JobKind(m.Svc.Surveys, relay, dev.URL)})

	var p *vocdesk.Purchase
	for _, q := range m.MinjiPurchases {
		if q.AppSlug == "hoppin-quest" {
			p = q
			break
		}
	}
	in := &vocdesk.Inquiry{TxID: p.TxID, Category: vocdesk.CategoryNotReceived, Subject: "보석이 들어오지 않았어요"}
	if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Minji)), in, &vocdesk.Message{Body: "어제 결제했는데 보석이 없어요."}); err != nil {
		t.Fatal(err)
	}
	owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
	if err := m.Svc.Inquiries.AddMessage(owner, in.ID, &vocdesk.Message{Body: "보석 100개를 다시 넣어 드렸습니다."}); err != nil {
		t.Fatal(err)
	}

	// The developer resolves it on the inquiry's page.
	inquiryPath := fmt.Sprintf("/console/inquiries/%d", in.ID)
	dev.LoginAs("/developer/login", m.HoppinOwner)
	dev.Visit(inquiryPath)
	dev.Do(setValue("#wf-status", "resolved"))
	Eval[bool](dev, `(() => { document.getElementById("wf-status").form.requestSubmit(); return true })()`)
	dev.WaitText("Waiting on customer → Resolved")

	// The survey mail: to the customer, a notice, five links best first.
	w := &mailWorld{sinkDir: sinkDir}
	got, text := w.received(t, 1)
	if !strings.Contains(got.Header.Get("To"), m.Minji.Email) || got.Header.Get("Auto-Submitted") != "auto-generated" ||
		!strings.Contains(text, "보석이 들어오지 않았어요") {
		t.Fatalf("the survey mail: %v\n%s", got.Header, text)
	}
	links := surveyLinkRE.FindAllStringSubmatch(text, -1)
	if len(links) != 5 || links[0][3] != "5" || links[4][3] != "1" || links[0][1] != dev.URL {
		t.Fatalf("the survey mail's links: %q\n%s", links, text)
	}

	// My Page asks as well, on its home and on the inquiry.
	cust := dev.Another()
	cust.LoginAs("/login", m.Minji)
	cust.Visit("/my")
	cust.WaitText("How did we do?", "보석이 들어오지 않았어요")
	cust.Look("/my", "survey-my-home")
	cust.Visit(fmt.Sprintf("/my/inquiries/%d", in.ID))
	cust.WaitText("This inquiry was resolved. How was the answer?", "Send rating")
	cust.Look(fmt.Sprintf("/my/inquiries/%d", in.ID), "survey-my-inquiry")

	// The link of "4", in a browser that has never signed in.
	anon := dev.Another()
	four := links[1][2]
	anon.Visit(four)
	anon.WaitText("How did we do?", "보석이 들어오지 않았어요", "No sign-in needed")
	if !Eval[bool](anon, `document.getElementById("survey-star-4").checked`) {
		t.Fatal("the link's rating is not chosen on the page")
	}
	// Opening the link (twice, as a mail scanner might) rated nothing.
	anon.Visit(four)
	if r, err := m.Svc.Inquiries.FindInquiryByID(owner, in.ID); err != nil || r.Rating != 0 {
		t.Fatalf("opening the link rated the inquiry: %v, %v", r.Rating, err)
	}
	anon.Look(four, "survey-page")
	anon.Do(chromedp.SetValue(chromedp.ID("survey-comment"), "빨리 해결해 주셔서 고마워요"))
	anon.Click("#survey-send")
	anon.WaitLocation(four[:strings.Index(four, "?")] + "?done=1")
	anon.WaitText("Thank you! Your rating was recorded.", "Change rating", "You can change your rating until")
	anon.Shot("survey-done")

	// The developer sees it; My Page asks no more.
	dev.Visit(inquiryPath)
	dev.WaitText("★★★★☆", "빨리 해결해 주셔서 고마워요")
	cust.Visit("/my")
	cust.NoText("How did we do?")

	// A tampered link is a page that does not exist (a 404 the browser logs).
	t.Cleanup(func() { dev.forgive("404 (Not Found)") })
	tampered := strings.Replace(four, "/rate/", "/rate/A", 1)
	tampered = tampered[:strings.Index(tampered, "?")-1] + tampered[strings.Index(tampered, "?"):]
	anon.Visit(tampered)
	anon.WaitText("This page does not exist.")
}
