package mail_test

import (
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
)

// TestReturnPath reads the reverse path of fetched mail: the delivering
// server's Return-Path, "" for the null path, else the From address.
func TestReturnPath(t *testing.T) {
	for _, c := range []struct{ raw, want string }{
		{"Return-Path: <Minji@Example.com>\r\nFrom: other@example.com\r\n\r\nhi", "minji@example.com"},
		{"Return-Path: <>\r\nFrom: Minji <minji@example.com>\r\n\r\nI am away", ""},
		{"From: =?UTF-8?B?6rmA66+87KeA?= <Minji@example.com>\r\n\r\nhi", "minji@example.com"},
		{"From: not an address\r\n\r\nhi", "not an address"},
		{"Subject: none\r\n\r\nFrom: body@example.com", ""},
		{"Return-Path: <a@b.c>\n\nunix line ends", "a@b.c"},
		{"", ""},
		{"garbage without a colon\r\n\r\n", ""},
		{"From: a\x00b@example.com\r\n\r\n", ""}, // a header block net/textproto refuses names no one
	} {
		if got := mail.ReturnPath([]byte(c.raw)); got != c.want {
			t.Errorf("ReturnPath(%q) = %q; want %q", c.raw, got, c.want)
		}
	}
}

// FuzzReturnPath: any bytes from a mailbox give a one-line answer of
// bounded size, without a panic.
func FuzzReturnPath(f *testing.F) {
	f.Add([]byte("Return-Path: <a@b.c>\r\n\r\nx"))
	f.Add([]byte("Return-Path: <>\r\n\r\n"))
	f.Add([]byte("From: \"x\" <y@z>\r\n Folded: yes\r\n\r\n"))
	f.Add([]byte("From: " + strings.Repeat("a", 70000) + "\r\n\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got := mail.ReturnPath(raw)
		if len(got) > 320 || strings.ContainsAny(got, "\r\n\x00") {
			t.Fatalf("ReturnPath gave %q", got)
		}
	})
}

// FuzzIMAPSettings: whatever a developer types, Validate either refuses it
// with EINVALID or leaves settings a poller can dial: host:port with a port
// in range, one-line fields, a known security.
func FuzzIMAPSettings(f *testing.F) {
	f.Add("imap.example.com:993", "tls", "support@example.com", "pw", "INBOX")
	f.Add("[::1]:143", "starttls", "u", "p", "")
	f.Add("127.0.0.1:0", "none", "u\r\nx", "p", "a*")
	f.Add("host", "", "", "", "")
	f.Fuzz(func(t *testing.T, addr, sec, user, pass, box string) {
		s := &vocdesk.IMAPSettings{Addr: addr, Security: vocdesk.IMAPSecurity(sec), Username: user, Password: pass, Mailbox: box}
		if err := s.Validate(); err != nil {
			if vocdesk.ErrorCode(err) != vocdesk.EINVALID {
				t.Fatalf("Validate: %v is not EINVALID", err)
			}
			return
		}
		host, port, err := vocdesk.ParseIMAPAddr(s.Addr)
		if err != nil || host == "" || port < 1 || port > 65535 {
			t.Fatalf("accepted addr %q: %q %d %v", s.Addr, host, port, err)
		}
		for _, v := range []string{s.Username, s.Password, s.Mailbox} {
			if strings.ContainsAny(v, "\r\n\x00") {
				t.Fatalf("accepted a field with a line break: %q", v)
			}
		}
		if s.Mailbox == "" || s.Username == "" {
			t.Fatalf("accepted empty fields: %+v", s)
		}
	})
}
