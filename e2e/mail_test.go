package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// deliver hands raw mail to the intake as the SMTP listener does.
func deliver(t *testing.T, m *uitest.Marketplace, rcpt, from, raw string) *vocdesk.MailMessage {
	t.Helper()
	in, decide := mail.Prepare([]byte(raw), mail.Envelope{From: from, Recipient: rcpt, Domain: "desk.test"})
	rec, err := m.Svc.Mail.ReceiveMail(uitest.System(), in, decide)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// mailSeed is what seedMail delivered: the customer's mail, a broken one.
type mailSeed struct {
	first, unparsed *vocdesk.MailMessage
	txid            string
}

// seedMail delivers to hoppin a customer's mail quoting her newest TxID, a
// message that is no mail at all, and a bounce.
func seedMail(t *testing.T, m *uitest.Marketplace) mailSeed {
	txid := m.MinjiPurchases[0].TxID
	raw := fmt.Sprintf("From: =?UTF-8?B?6rmA66+87KeA?= <%s>\r\nTo: hoppin@desk.test\r\nSubject: =?UTF-8?B?7JWE7J207YWc7J20IOyViCDrk6TslrTsmZTslrTsmpQ=?=\r\n"+
		"Message-ID: <e2e-1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s 결제했는데 아이템이 안 들어왔어요.\r\n", m.Minji.Email, txid)
	first := deliver(t, m, "hoppin@desk.test", m.Minji.Email, raw)
	if first.Outcome != vocdesk.MailInquiry {
		t.Fatalf("seed mail: %+v", first)
	}
	broken, err := os.ReadFile(filepath.Join("..", "mail", "testdata", "wellformed-and-odd", "erroneous.raw"))
	if err != nil {
		t.Fatal(err)
	}
	unparsed := deliver(t, m, "hoppin@desk.test", "someone@example.com", string(broken))
	bounce, err := os.ReadFile(filepath.Join("..", "mail", "testdata", "dsn", "simple_dsn.raw"))
	if err != nil {
		t.Fatal(err)
	}
	deliver(t, m, "hoppin@desk.test", "", string(bounce))
	return mailSeed{first: first, unparsed: unparsed, txid: txid}
}

// A customer's email becomes an inquiry in the developer's inbox; the mail
// log shows it with a broken message kept unparsed and a bounce, each
// readable as its source; another developer sees none of it.
func TestMailLogDeveloper(t *testing.T) {
	s := Start(t)
	m := s.M
	seed := seedMail(t, m)
	first, unparsed, txid := seed.first, seed.unparsed, seed.txid

	s.LoginAs("/developer/login", m.HoppinOwner)
	s.ClickLink("Mail")
	s.WaitLocation("/console/mail")
	s.WaitText("Mail log", "아이템이 안 들어왔어요", "New inquiry", "Unparsed", "Bounce")
	s.Look("/console/mail", "mail-log")

	// The unparsed message: kept, its source shown as text.
	s.Visit(fmt.Sprintf("/console/mail/%d", unparsed.ID))
	s.WaitText("Unparsed", "Not an RFC-822 Document", "The desk could not read it well enough")
	s.Look(fmt.Sprintf("/console/mail/%d", unparsed.ID), "mail-unparsed")

	// The customer's mail is an email inquiry with the quoted purchase.
	s.Visit("/console/mail")
	s.WaitText("아이템이 안 들어왔어요")
	s.ClickLink(fmt.Sprintf("#%d", first.InquiryID))
	s.WaitLocation(fmt.Sprintf("/console/inquiries/%d", first.InquiryID))
	s.WaitText("아이템이 안 들어왔어요", txid)

	// The filter keeps one outcome.
	s.Visit("/console/mail?outcome=bounce")
	s.WaitText("Bounce")
	if body := s.BodyText(); strings.Contains(body, "아이템이 안 들어왔어요") {
		t.Error("the bounce filter shows the inquiry's mail")
	}

	// Another developer sees none of it.
	s.logout()
	s.LoginAs("/developer/login", m.NimbusOwner)
	s.Visit("/console/mail")
	s.WaitText("No mail has arrived yet.")
	s.NoText("아이템이 안 들어왔어요")
}

// The back office's mail log: every developer's mail, one message's source.
func TestMailLogOperator(t *testing.T) {
	s := Start(t)
	m := s.M
	first := seedMail(t, m).first
	s.LoginAs("/operator/login", m.Operator)
	s.ClickLink("Mail")
	s.WaitLocation("/operator/mail")
	s.WaitText("hoppin", "아이템이 안 들어왔어요", "Unparsed")
	s.Look("/operator/mail", "mail-log-operator")
	s.Visit(fmt.Sprintf("/operator/mail/%d", first.ID))
	s.WaitText("e2e-1@example.com", "결제했는데")
	s.Look(fmt.Sprintf("/operator/mail/%d", first.ID), "mail-message-operator")
}
