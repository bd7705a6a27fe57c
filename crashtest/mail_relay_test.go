package crashtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestMailRelayEndToEnd is the whole email loop on the real binary, with
// servers and clients that are not ours: a customer writes from Python's
// smtplib, the developer answers through the API, the answer reaches a
// real SMTP server (Debian's python3-aiosmtpd, which refuses the first try
// with 451 so the desk must retry) with its threading headers, and the
// customer's reply to it joins the thread while a stranger's copy does
// not. A store-channel customer is told of the answer by mail too.
func TestMailRelayEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		mailRelayEndToEnd(t, t.TempDir()+"/relay.db")
	})
	if u := os.Getenv(sqlstoretest.EnvPostgres); u != "" {
		t.Run("postgres", func(t *testing.T) {
			t.Parallel()
			dsn, _ := sqlstoretest.NewPostgresSchema(t, u)
			mailRelayEndToEnd(t, dsn)
		})
	}
}

// startSink runs ../mail/testdata/smtp_sink.py, storing what it accepts in
// a directory it returns with its address.
func startSink(t *testing.T, args ...string) (addr, dir string) {
	t.Helper()
	if exec.Command("/usr/bin/python3", "-c", "import aiosmtpd").Run() != nil {
		t.Fatal("python3-aiosmtpd is needed (scripts/test-deps.sh installs it)")
	}
	addr, dir = freeAddr(t), t.TempDir()
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("/usr/bin/python3", append([]string{"../mail/testdata/smtp_sink.py", host, port, dir}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if sc := bufio.NewScanner(out); !sc.Scan() || sc.Text() != "ready" {
		t.Fatal("the SMTP sink did not start")
	}
	return addr, dir
}

// waitMail waits for the sink's n-th message and reads it as a mail client
// would.
func waitMail(t *testing.T, dir string, n int) *mail.Message {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("%d.eml", n))
	deadline := time.Now().Add(45 * time.Second)
	for {
		if b, err := os.ReadFile(path); err == nil {
			m, err := mail.ReadMessage(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail %d reached the customer's server", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func mailRelayEndToEnd(t *testing.T, dsn string) {
	sinkAddr, sinkDir := startSink(t, "--tempfail", "1")
	run(t, "migrate", "--db", dsn)
	opKey := lastLine(run(t, "key", "create", "--operator", "--name", "relay-e2e", "--db", dsn))
	smtpAddr := freeAddr(t)
	srv := newServer(t, dsn, "--smtp-addr", smtpAddr, "--mail-domain", "desk.test", "--smtp-relay", sinkAddr)
	srv.start()
	api := &client{base: srv.url()}
	api.must(t, "POST", "/api/v1/developers", opKey, "", `{"slug":"acme","name":"Acme Games","email":"owner@acme.example"}`, 201)
	api.must(t, "POST", "/api/v1/apps", opKey, "", `{"developer":"acme","slug":"racer","name":"Racer"}`, 201)
	var cust struct{ ID int64 }
	json.Unmarshal(api.must(t, "POST", "/api/v1/customers", opKey, "", `{"email":"minsu@example.kr","name":"김민수","locale":"ko","password":"minsu-pw-123"}`, 201), &cust)
	api.must(t, "POST", "/api/v1/purchases", opKey, "", fmt.Sprintf(`{"txid":"TX-E2E-0001","tid":"e2e-1","customer_id":%d,"app":"racer","item":"gems",`+
		`"amount":"1200","currency":"KRW","method":"card","paid_at":"%s"}`, cust.ID, time.Now().Add(-time.Hour).Format(time.RFC3339)), 201)
	devKey := lastLine(run(t, "key", "create", "--developer", "acme", "--db", dsn))

	if codes := pySend(t, smtpAddr, "first"); codes["customer"] != 250 {
		t.Fatalf("the customer's mail: %v", codes)
	}
	var list struct {
		Items []struct {
			ID   int64
			TxID string `json:"txid"`
		}
	}
	json.Unmarshal(api.must(t, "GET", "/api/v1/inquiries?channel=email", devKey, "", "", 200), &list)
	var inquiry int64
	for _, in := range list.Items {
		if in.TxID == "TX-E2E-0001" {
			inquiry = in.ID
		}
	}
	if inquiry == 0 {
		t.Fatalf("no inquiry from the customer's mail: %+v", list.Items)
	}

	// The developer answers; the answer reaches the customer's server.
	var reply struct{ ID int64 }
	json.Unmarshal(api.must(t, "POST", fmt.Sprintf("/api/v1/inquiries/%d/replies", inquiry), devKey, "", `{"body":"환불해 드렸습니다.\n확인 부탁드립니다."}`, 201), &reply)
	m := waitMail(t, sinkDir, 1)
	h := m.Header
	subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	replyTo, _ := mail.ParseAddress(h.Get("Reply-To"))
	checks := map[string][2]string{
		"Message-ID":    {h.Get("Message-Id"), fmt.Sprintf("<inquiry-%d.message-%d@desk.test>", inquiry, reply.ID)},
		"In-Reply-To":   {h.Get("In-Reply-To"), "<first@example.kr>"},
		"References":    {h.Get("References"), "<first@example.kr>"},
		"Reply-To":      {replyTo.Address, fmt.Sprintf("acme+i%d@desk.test", inquiry)},
		"Subject":       {subject, "[Racer] Re: 환불 요청드립니다 (TX-E2E-0001)"},
		"envelope from": {h.Get("X-Envelope-From"), "acme@desk.test"},
		"envelope to":   {h.Get("X-Envelope-To"), "minsu@example.kr"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s: %q; want %q", name, c[0], c[1])
		}
	}
	body := new(bytes.Buffer)
	body.ReadFrom(m.Body)
	if !strings.Contains(body.String(), "multipart") && !strings.Contains(h.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("content type %q", h.Get("Content-Type"))
	}

	// The thread shows the answer as emailed, after the relay's 451.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var detail struct {
			Messages []struct {
				ID    int64
				Email *struct {
					State    string
					Attempts int
				}
			}
		}
		json.Unmarshal(api.must(t, "GET", fmt.Sprintf("/api/v1/inquiries/%d", inquiry), devKey, "", "", 200), &detail)
		last := detail.Messages[len(detail.Messages)-1]
		if last.Email != nil && last.Email.State == "sent" {
			if last.Email.Attempts != 2 {
				t.Errorf("sent after %d attempts; want 2 (the first got 451)", last.Email.Attempts)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the answer's email never showed sent: %+v", last.Email)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// The customer answers the desk's mail (to its Reply-To); a stranger's
	// copy of the same starts its own inquiry.
	if codes := pySend(t, smtpAddr, "reply", fmt.Sprint(inquiry)); codes["reply"] != 250 || codes["stranger_reply"] != 250 {
		t.Fatalf("replies: %v", codes)
	}
	var thread struct {
		Messages []struct{ Author, Body string }
	}
	json.Unmarshal(api.must(t, "GET", fmt.Sprintf("/api/v1/inquiries/%d", inquiry), devKey, "", "", 200), &thread)
	if n := len(thread.Messages); n != 3 || thread.Messages[2].Author != "customer" || thread.Messages[2].Body != "아직 지급되지 않았어요." {
		t.Errorf("thread after the customer's reply: %+v", thread.Messages)
	}

	// A store-channel customer is told of the answer by email as well.
	var tok struct{ Token string }
	json.Unmarshal(api.must(t, "POST", "/api/v1/auth/token", "", "", `{"realm":"customer","email":"minsu@example.kr","password":"minsu-pw-123"}`, 201), &tok)
	var mine struct{ ID int64 }
	json.Unmarshal(api.must(t, "POST", "/api/v1/me/inquiries", tok.Token, "", `{"txid":"TX-E2E-0001","category":"bug","subject":"게임이 멈춰요","body":"로딩에서 멈춥니다."}`, 201), &mine)
	api.must(t, "POST", fmt.Sprintf("/api/v1/inquiries/%d/replies", mine.ID), devKey, "", `{"body":"업데이트해 주세요."}`, 201)
	m = waitMail(t, sinkDir, 2)
	if got, want := m.Header.Get("In-Reply-To"), fmt.Sprintf("<inquiry-%d@desk.test>", mine.ID); got != want {
		t.Errorf("store-channel answer In-Reply-To %q; want %q", got, want)
	}
	if !strings.Contains(m.Header.Get("To"), "minsu@example.kr") {
		t.Errorf("store-channel answer to %q", m.Header.Get("To"))
	}
}
