package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	dmail "github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// mailWorld is the email side of a browser test: the desk's SMTP intake
// listening, its mail jobs sending through a real SMTP server (Debian's
// python3-aiosmtpd) that plays the customers' mail server.
type mailWorld struct {
	intake  string // the desk's SMTP address
	sinkDir string // what the customers' server received
}

// withMail starts the intake and the mail job runner for the marketplace,
// as vocdesk serve --smtp-addr --smtp-relay does, until the test ends.
func withMail(t *testing.T, w *mailWorld) func(*uitest.Marketplace) {
	return func(m *uitest.Marketplace) {
		var sinkAddr string
		sinkAddr, w.sinkDir = startSMTPSink(t)

		ctx, cancel := context.WithCancel(context.Background())
		srv := dmail.NewServer(ctx, dmail.ServerConfig{Addr: "127.0.0.1:0", Domain: "desk.test"}, m.Svc.Mail)
		if err := srv.Listen(ctx); err != nil {
			t.Fatal(err)
		}
		w.intake = srv.Addr()
		relay := dmail.NewRelay(dmail.RelayConfig{Addr: sinkAddr, Domain: "desk.test", Timeout: 10 * time.Second})
		t.Cleanup(func() { cancel(); srv.Shutdown(context.Background()) })
		runJobs(t, m, 2, map[string]jobs.Kind{vocdesk.JobSendMail: dmail.JobKind(relay, m.Svc.Mail, "", nil)})
	}
}

// startSMTPSink runs the customers' mail server (Debian's python3-aiosmtpd,
// ../mail/testdata/smtp_sink.py) until the test ends: its address, and the
// directory where it stores what it accepts as 1.eml, 2.eml, ...
func startSMTPSink(t *testing.T) (addr, dir string) {
	t.Helper()
	if exec.Command("/usr/bin/python3", "-c", "import aiosmtpd").Run() != nil {
		t.Fatal("python3-aiosmtpd is needed (scripts/test-deps.sh installs it)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = l.Addr().String()
	l.Close()
	host, port, _ := net.SplitHostPort(addr)
	dir = t.TempDir()
	cmd := exec.Command("/usr/bin/python3", "../mail/testdata/smtp_sink.py", host, port, dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if sc := bufio.NewScanner(out); !sc.Scan() || sc.Text() != "ready" {
		t.Fatal("the SMTP sink did not start")
	}
	return addr, dir
}

// send delivers raw over SMTP to the desk's intake.
func (w *mailWorld) send(t *testing.T, from, to, raw string) {
	t.Helper()
	if err := smtp.SendMail(w.intake, nil, from, []string{to}, []byte(strings.ReplaceAll(raw, "\n", "\r\n"))); err != nil {
		t.Fatalf("SMTP to the desk: %v", err)
	}
}

// received waits for the customers' server's n-th message.
func (w *mailWorld) received(t *testing.T, n int) (*mail.Message, string) {
	t.Helper()
	path := filepath.Join(w.sinkDir, fmt.Sprintf("%d.eml", n))
	deadline := time.Now().Add(15 * time.Second)
	for {
		if b, err := os.ReadFile(path); err == nil {
			m, err := dmail.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := mail.ReadMessage(bytes.NewReader(b))
			return msg, m.Text
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %d never reached the customer's mail server", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestMailLoop is the email channel's acceptance in the browser: a
// customer's email becomes an inquiry in the open inbox; the developer
// answers on the page; the mail that reaches the customer's server carries
// the answer and threads; the customer's reply joins the thread; a
// stranger's reply with the same subject and headers starts a new inquiry.
func TestMailLoop(t *testing.T) {
	w := &mailWorld{}
	s := Start(t, withMail(t, w))
	m := s.M
	w.send(t, m.Minji.Email, "hoppin@desk.test", `From: =?UTF-8?B?6rmA66+87KeA?= <`+m.Minji.Email+`>
To: hoppin@desk.test
Subject: =?UTF-8?B?67O07ISdIOyVhOydtO2FnOydtCDsgqzrnbzsoYzslrTsmpQ=?=
Message-ID: <loop-1@example.com>
Content-Type: text/plain; charset=utf-8

어제 산 보석 아이템이 사라졌어요. 확인해 주세요.
`)
	s.LoginAs("/developer/login", m.HoppinOwner)
	s.ClickLink("Inquiries")
	s.WaitLocation("/console/inquiries")
	s.WaitText("보석 아이템이 사라졌어요")
	s.ClickLink("보석 아이템이 사라졌어요")
	s.WaitLocation("/console/inquiries/")
	s.WaitText("어제 산 보석 아이템이 사라졌어요", "Email")
	inquiryPath := s.Location()

	s.Do(chromedp.SetValue(chromedp.ID("reply-body"), "복구해 드렸습니다. 게임을 다시 시작해 보세요."))
	s.Click(`#reply button[name="then"][value=""]`)
	s.WaitText("복구해 드렸습니다")

	got, text := w.received(t, 1)
	var inquiry int64
	fmt.Sscanf(strings.TrimPrefix(inquiryPath, "/console/inquiries/"), "%d", &inquiry)
	replyTo, _ := mail.ParseAddress(got.Header.Get("Reply-To"))
	if !strings.Contains(text, "복구해 드렸습니다. 게임을 다시 시작해 보세요.") || got.Header.Get("In-Reply-To") != "<loop-1@example.com>" ||
		replyTo == nil || replyTo.Address != fmt.Sprintf("hoppin+i%d@desk.test", inquiry) || !strings.Contains(got.Header.Get("To"), m.Minji.Email) {
		t.Fatalf("the answer's mail: %v\n%s", got.Header, text)
	}
	s.Visit(inquiryPath)
	s.WaitText("Emailed")

	// The customer answers the desk's mail; a stranger sends the same.
	reply := `From: ` + m.Minji.Email + `
To: ` + replyTo.Address + `
Subject: Re: ` + got.Header.Get("Subject") + `
In-Reply-To: ` + got.Header.Get("Message-Id") + `
References: <loop-1@example.com> ` + got.Header.Get("Message-Id") + `
Message-ID: <loop-2@example.com>
Content-Type: text/plain; charset=utf-8

다시 들어왔어요. 감사합니다!
`
	w.send(t, m.Minji.Email, replyTo.Address, reply)
	stranger := strings.Replace(strings.Replace(reply, "From: "+m.Minji.Email, "From: eve@example.net", 1), "<loop-2@example.com>", "<eve-1@example.net>", 1)
	stranger = strings.Replace(stranger, "다시 들어왔어요. 감사합니다!", "제 보석도 복구해 주세요", 1)
	w.send(t, "eve@example.net", replyTo.Address, stranger)

	s.Visit(inquiryPath)
	s.WaitText("다시 들어왔어요. 감사합니다!")
	s.NoText("제 보석도 복구해 주세요")
	// The page is the desk's; mail adds the thread's delivery badges.
	s.Look(inquiryPath, "mail-thread")

	s.Visit("/console/inquiries")
	s.WaitText("eve@example.net")
}
