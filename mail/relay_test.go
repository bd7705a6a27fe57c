package mail_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	dmail "github.com/vocdesk/vocdesk/mail"
)

// answer is a developer's Korean answer to an email inquiry.
func answer() *vocdesk.Mail {
	return &vocdesk.Mail{
		To: "김민수 <minsu@example.kr>", Subject: "[퍼즐] Re: 환불 요청드립니다", Text: "안녕하세요.\n\n환불 처리해 드렸습니다. <확인> 부탁드립니다.",
		DeveloperSlug: "acme", FromName: "퍼즐", InquiryID: 42, MessageRef: 7,
		References: []string{"first@example.kr", "second@example.kr"},
	}
}

// TestComposeThreads: the desk's answer carries what threads it on both
// sides: the customer's client groups it (In-Reply-To the customer's last
// mail, References all of it), and the customer's reply comes back to this
// inquiry (Reply-To SLUG+iID@DOMAIN, a Message-ID the intake reads back).
func TestComposeThreads(t *testing.T) {
	out, err := dmail.Compose(answer(), "desk.test", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if out.From != "acme@desk.test" || out.To != "minsu@example.kr" || out.MessageID != "inquiry-42.message-7@desk.test" {
		t.Fatalf("envelope %+v", out)
	}
	checkAnswer(t, out.Raw, out.MessageID)

	// Read back by the desk's own intake: its own mail, never an inquiry.
	_, decide := dmail.Prepare(out.Raw, dmail.Envelope{From: out.From, Recipient: "acme@desk.test", Domain: "desk.test"})
	if d := decide(&vocdesk.MailFacts{DeveloperID: 1, Apps: []vocdesk.MailApp{{ID: 1, Slug: "puzzle"}}}); d.Outcome != vocdesk.MailAutoReply {
		t.Errorf("the desk's own answer coming back: %s", d.Outcome)
	}

	// A notice: Auto-Submitted, and a store-channel thread's root.
	n := &vocdesk.Mail{To: "jun@example.com", Subject: "Resolved", Text: "ok", DeveloperSlug: "acme", InquiryID: 9, Notice: true,
		MessageID: "<inquiry-9.resolved-123@vocdesk>"}
	out, err = dmail.Compose(n, "desk.test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := mail.ReadMessage(bytes.NewReader(out.Raw))
	if msg.Header.Get("Auto-Submitted") != "auto-generated" || msg.Header.Get("Message-Id") != "<inquiry-9.resolved-123@desk.test>" ||
		msg.Header.Get("In-Reply-To") != "<inquiry-9@desk.test>" {
		t.Errorf("notice header %v", msg.Header)
	}
	if _, err := dmail.Compose(&vocdesk.Mail{To: "not an address", Text: "x"}, "desk.test", time.Now()); err == nil {
		t.Error("a bad recipient composes")
	}
}

// checkAnswer reads raw as a mail client would (Go's net/mail, not the
// desk's parser) and checks the answer's headers and both parts.
func checkAnswer(t *testing.T, raw []byte, msgID string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	dec := new(mime.WordDecoder)
	want := map[string]string{
		"Message-Id":  "<" + msgID + ">",
		"In-Reply-To": "<second@example.kr>",
		"References":  "<first@example.kr> <second@example.kr>",
		"Reply-To":    "acme+i42@desk.test",
		"From":        "acme@desk.test",
		"To":          "minsu@example.kr",
		"Subject":     "[퍼즐] Re: 환불 요청드립니다",
	}
	for k, v := range want {
		got := h.Get(k)
		switch k {
		case "Reply-To", "From", "To":
			a, err := mail.ParseAddress(got)
			if err != nil {
				t.Errorf("%s %q: %v", k, got, err)
				continue
			}
			got = a.Address
		case "Subject":
			if !strings.HasPrefix(got, "=?utf-8?b?") && !strings.HasPrefix(got, "=?UTF-8?b?") && !strings.HasPrefix(got, "=?utf-8?B?") {
				t.Errorf("subject not RFC 2047 UTF-8: %q", got)
			}
			got, _ = dec.DecodeHeader(got)
		}
		if got != v {
			t.Errorf("%s: %q; want %q", k, got, v)
		}
	}
	if h.Get("Auto-Submitted") != "" {
		t.Error("a person's answer marked Auto-Submitted")
	}
	body, _ := io.ReadAll(msg.Body)
	m, err := dmail.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "안녕하세요.\n\n환불 처리해 드렸습니다. <확인> 부탁드립니다." {
		t.Errorf("text part %q", m.Text)
	}
	if !strings.Contains(h.Get("Content-Type"), "multipart/alternative") || !bytes.Contains(body, []byte("text/html")) ||
		!bytes.Contains(body, []byte("&lt;=ED=99=95=EC=9D=B8&gt;")) {
		t.Errorf("want text and escaped HTML alternatives:\n%s", body)
	}
}

// TestRelaySends hands the answer to a real SMTP server (Debian's
// python3-aiosmtpd) and checks what it stored; a busy relay's 451 is worth
// a retry, a 550 is not.
func TestRelaySends(t *testing.T) {
	s := startSink(t, "testdata/smtp_sink.py", "--tempfail", "1")
	r := dmail.NewRelay(dmail.RelayConfig{Addr: s.Addr, Domain: "desk.test", Timeout: 10 * time.Second})
	ctx := context.Background()
	_, err := r.SendID(ctx, answer())
	if err == nil || dmail.IsPermanent(err) {
		t.Fatalf("451: %v; want a temporary error", err)
	}
	id, err := r.SendID(ctx, answer())
	if err != nil {
		t.Fatal(err)
	}
	got := s.messages(t)
	if len(got) != 1 {
		t.Fatalf("the sink stored %d messages", len(got))
	}
	if !bytes.HasPrefix(got[0], []byte("X-Envelope-From: acme@desk.test\r\nX-Envelope-To: minsu@example.kr\r\n")) {
		t.Errorf("envelope %q", got[0][:80])
	}
	checkAnswer(t, got[0], id) // the sink's X-Envelope lines are header fields like any other

	bad := startSink(t, "testdata/smtp_sink.py", "--reject")
	r = dmail.NewRelay(dmail.RelayConfig{Addr: bad.Addr, Domain: "desk.test", Timeout: 10 * time.Second})
	if _, err := r.SendID(ctx, answer()); !dmail.IsPermanent(err) {
		t.Fatalf("550: %v; want a permanent error", err)
	}
	r = dmail.NewRelay(dmail.RelayConfig{Addr: "127.0.0.1:1", Domain: "desk.test", Timeout: 2 * time.Second})
	if _, err := r.SendID(ctx, answer()); err == nil || dmail.IsPermanent(err) {
		t.Fatalf("no relay listening: %v; want a temporary error", err)
	}
}

// TestRelayAuthStartTLS: a relay that requires STARTTLS and then AUTH
// takes the desk's mail with the right password and not with a wrong one
// (aiosmtpd 1.4 then stops answering: the attempt ends at the relay
// timeout and is retried later); the desk refuses to send in the clear to a
// relay that offers no STARTTLS when told to use it.
func TestRelayAuthStartTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	s := startSink(t, "testdata/smtp_sink.py", "--auth", "desk:s3cret", "--tls", certFile, keyFile)
	tc := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	ctx := context.Background()
	r := dmail.NewRelay(dmail.RelayConfig{Addr: s.Addr, Domain: "desk.test", StartTLS: true, TLS: tc, User: "desk", Password: "s3cret", Timeout: 10 * time.Second})
	id, err := r.SendID(ctx, answer())
	if err != nil {
		t.Fatal(err)
	}
	if got := s.messages(t); len(got) != 1 {
		t.Fatalf("stored %d", len(got))
	} else {
		checkAnswer(t, got[0], id)
	}
	r = dmail.NewRelay(dmail.RelayConfig{Addr: s.Addr, Domain: "desk.test", StartTLS: true, TLS: tc, User: "desk", Password: "wrong", Timeout: 3 * time.Second})
	if _, err := r.SendID(ctx, answer()); err == nil {
		t.Error("sent with a wrong password")
	} else {
		t.Logf("wrong password: %v", err)
	}
	r = dmail.NewRelay(dmail.RelayConfig{Addr: s.Addr, Domain: "desk.test", User: "desk", Password: "s3cret", Timeout: 10 * time.Second})
	if _, err := r.SendID(ctx, answer()); err == nil {
		t.Error("AUTH without TLS went through a relay that requires STARTTLS")
	}
	plain := startSink(t, "testdata/smtp_sink.py")
	r = dmail.NewRelay(dmail.RelayConfig{Addr: plain.Addr, Domain: "desk.test", StartTLS: true, TLS: tc, Timeout: 10 * time.Second})
	if _, err := r.SendID(ctx, answer()); err == nil {
		t.Error("sent in the clear to a relay without STARTTLS although told to use it")
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
