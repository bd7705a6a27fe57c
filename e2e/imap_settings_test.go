package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/mail/imaptest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// withIMAP runs the IMAP poll job, as vocdesk serve does, until the test
// ends; the interval is long, so only saving the settings polls.
func withIMAP(t *testing.T) func(*uitest.Marketplace) {
	return func(m *uitest.Marketplace) {
		p := mail.NewPoller(mail.PollerConfig{Domain: "desk.test", Timeout: 10 * time.Second}, m.Svc.IMAP)
		runJobs(t, m, 1, map[string]jobs.Kind{vocdesk.JobIMAPPoll: mail.IMAPJobKind(p, time.Hour, nil)})
	}
}

// A developer's owner sets the support mailbox on a real Dovecot: a wrong
// password shows the server's refusal on the page, the right one brings
// the mailbox's mail in as an inquiry, and the password is never written
// back into the page.
func TestIMAPSettingsPage(t *testing.T) {
	const user, pass = "help@hoppin.example", "mailbox-pw-42"
	dc := imaptest.Start(t, map[string]string{user: pass})
	dc.Append(user, pass, []byte("Return-Path: <minji@example.com>\r\nFrom: Minji <minji@example.com>\r\nTo: "+user+
		"\r\nSubject: =?UTF-8?B?7JWE7J207YWc7J20IOyViCDrk6TslrTsmYDsmpQ=?=\r\nMessage-ID: <e2e-imap-1@example.com>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n보석 100개를 샀는데 들어오지 않았어요.\r\n"))
	s := Start(t, withIMAP(t))
	s.LoginAs("/developer/login", s.M.HoppinOwner)
	s.Visit("/console/settings")
	s.Click("#mailbox-link a")
	s.WaitLocation("/console/settings/mailbox")
	s.Look("/console/settings/mailbox", "imap-empty")

	s.Do(chromedp.SetValue(chromedp.ID("imap-addr"), dc.Addr),
		chromedp.SetValue(chromedp.ID("imap-security"), "none"),
		chromedp.SetValue(chromedp.ID("imap-username"), user),
		chromedp.SetValue(chromedp.ID("imap-password"), "not-the-password"))
	s.Click(`#imap-form button[type="submit"]`)
	s.WaitText("Mailbox settings saved")
	s.untilText("/console/settings/mailbox", "AUTHENTICATIONFAILED")
	if strings.Contains(s.BodyText(), "not-the-password") {
		t.Error("the page shows the password")
	}
	s.WaitText("The mail server refused the sign-in: [AUTHENTICATIONFAILED]")
	s.Visit("/lang/ko?next=/console/settings/mailbox")
	s.WaitText("메일 서버가 로그인을 거부했습니다: [AUTHENTICATIONFAILED]")
	if strings.Contains(s.BodyText(), "sign-in refused") {
		t.Error("the Korean page shows the English failure")
	}
	s.Visit("/lang/en?next=/console/settings/mailbox")
	s.Look("/console/settings/mailbox", "imap-failing")

	s.Do(chromedp.SetValue(chromedp.ID("imap-password"), pass))
	s.Click(`#imap-form button[type="submit"]`)
	s.WaitText("Mailbox settings saved")
	s.untilText("/console/settings/mailbox", "The last poll succeeded.")
	s.WaitText("Messages taken in")
	s.Look("/console/settings/mailbox", "imap-ok")

	s.Visit("/console/mail")
	s.WaitText("아이템이 안 들어와요")
	s.Visit("/console/inquiries")
	s.WaitText("아이템이 안 들어와요")
}

// untilText opens path again until its page shows text (a background job's
// outcome), for up to ten seconds.
func (s *Suite) untilText(path, text string) {
	s.T.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.Visit(path)
		if strings.Contains(s.BodyText(), text) {
			return
		}
		if time.Now().After(deadline) {
			s.Shot("until-text")
			s.T.Fatalf("%s never showed %q:\n%s", path, text, s.BodyText())
		}
		time.Sleep(200 * time.Millisecond)
	}
}
