package mail_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// startServer runs the intake on a free port over db, with developer
// "acme" and its app.
func startServer(t *testing.T, db *sqlstore.DB, maxBytes int64) (*mail.Server, vocdesk.MailService) {
	t.Helper()
	ctx := vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor())
	devs := sqlstore.NewDeveloperService(db)
	if err := devs.CreateDeveloper(ctx, &vocdesk.Developer{Slug: "acme", Name: "Acme", Email: "owner@acme.example"}); err != nil {
		t.Fatal(err)
	}
	if err := devs.CreateApp(ctx, &vocdesk.App{DeveloperSlug: "acme", Slug: "puzzle", Name: "Puzzle"}); err != nil {
		t.Fatal(err)
	}
	store := sqlstore.NewMailService(db)
	s := mail.NewServer(ctx, mail.ServerConfig{Addr: "127.0.0.1:0", Domain: "desk.test", MaxBytes: maxBytes, MaxRecipients: 3}, store)
	if err := s.Listen(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return s, store
}

// dialog is a raw SMTP conversation, to see each reply code.
type dialog struct {
	t *testing.T
	c *textproto.Conn
}

func dial(t *testing.T, addr string) *dialog {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	d := &dialog{t: t, c: textproto.NewConn(conn)}
	t.Cleanup(func() { d.c.Close() })
	d.expect("", 220)
	d.expect("EHLO client.test", 250)
	return d
}

// expect sends cmd (none when "") and checks the reply code.
func (d *dialog) expect(cmd string, code int) string {
	d.t.Helper()
	if cmd != "" {
		if err := d.c.PrintfLine("%s", cmd); err != nil {
			d.t.Fatal(err)
		}
	}
	got, msg, err := d.c.ReadResponse(0)
	if got != code {
		d.t.Fatalf("%q: %d %s (%v); want %d", cmd, got, msg, err, code)
	}
	return msg
}

func (d *dialog) data(body string, code int) {
	d.t.Helper()
	d.expect("DATA", 354)
	w := d.c.DotWriter()
	fmt.Fprint(w, body)
	w.Close()
	d.expect("", code)
}

// TestSMTPIntake speaks SMTP to the listener: recipients are checked at
// RCPT (5xx for an unknown developer or another domain), limits answer
// their codes (452 recipients, 552 size, 500 line length), and 250 comes
// only once the message is in the mail log.
func TestSMTPIntake(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		s, store := startServer(t, db, 4096)
		d := dial(t, s.Addr())
		d.expect("MAIL FROM:<minsu@example.kr>", 250)
		if msg := d.expect("RCPT TO:<nobody@desk.test>", 550); !strings.Contains(msg, "No such recipient") {
			t.Errorf("unknown developer: %s", msg)
		}
		d.expect("RCPT TO:<acme@elsewhere.test>", 550)
		d.expect("RCPT TO:<acme@desk.test>", 250)
		d.expect("RCPT TO:<ACME+i99@Desk.Test>", 250)
		d.expect("RCPT TO:<acme+x@desk.test>", 250)
		d.expect("RCPT TO:<acme+y@desk.test>", 452)
		d.expect("RSET", 250)

		d.expect("MAIL FROM:<minsu@example.kr>", 250)
		d.expect("RCPT TO:<acme@desk.test>", 250)
		d.data("Subject: big\r\n\r\n"+strings.Repeat("0123456789abcdef\r\n", 400), 552)

		d.expect("MAIL FROM:<minsu@example.kr>", 250)
		d.expect("RCPT TO:<acme@desk.test>", 250)
		d.data("From: minsu@example.kr\r\nTo: acme@desk.test\r\nSubject: =?UTF-8?B?7ZmY67aI?=\r\nMessage-ID: <one@example.kr>\r\n\r\n환불해 주세요\r\n", 250)
		ctx := vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor())
		list, _, err := store.FindMailMessages(ctx, vocdesk.MailFilter{})
		if err != nil || len(list) != 1 || list[0].Outcome != vocdesk.MailInquiry || list[0].Subject != "환불" {
			t.Fatalf("after 250 the log holds %+v (%v)", list, err)
		}
		d.expect("MAIL FROM:<x@example.kr> "+strings.Repeat("X", 3000), 500)

		// A line over the limit inside the message: 500 5.5.6, nothing stored.
		d = dial(t, s.Addr())
		d.expect("MAIL FROM:<minsu@example.kr>", 250)
		d.expect("RCPT TO:<acme@desk.test>", 250)
		d.data("Subject: long\r\n\r\n"+strings.Repeat("y", 3000)+"\r\n", 500)

		// A second client, net/smtp's, with two recipients: one copy each.
		msg := "From: jiwoo@example.kr\r\nTo: acme@desk.test\r\nSubject: hello\r\nMessage-ID: <two@example.kr>\r\n\r\nhi\r\n"
		if err := smtp.SendMail(s.Addr(), nil, "jiwoo@example.kr", []string{"acme@desk.test", "acme+i5@desk.test"}, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		list, _, _ = store.FindMailMessages(ctx, vocdesk.MailFilter{})
		if len(list) != 3 || list[0].Outcome != vocdesk.MailDuplicate || list[1].Outcome != vocdesk.MailInquiry {
			t.Fatalf("two recipients: %+v", list)
		}
	})
}

// failingStore is the real store whose writes fail, as when the database
// is down or full.
type failingStore struct{ vocdesk.MailService }

func (failingStore) ReceiveMail(context.Context, *vocdesk.InboundMail, vocdesk.MailDecider) (*vocdesk.MailMessage, error) {
	return nil, errors.New("disk full")
}

// TestSMTPTemporaryFailure: a message the store cannot take is answered
// 451, so the sender keeps it and tries again; nothing is claimed stored.
func TestSMTPTemporaryFailure(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	s, store := startServer(t, db, 1<<20)
	s.Shutdown(context.Background())
	ctx := vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor())
	broken := mail.NewServer(ctx, mail.ServerConfig{Addr: "127.0.0.1:0", Domain: "desk.test"}, failingStore{store})
	if err := broken.Listen(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { broken.Shutdown(context.Background()) })
	d := dial(t, broken.Addr())
	d.expect("MAIL FROM:<minsu@example.kr>", 250)
	d.expect("RCPT TO:<acme@desk.test>", 250)
	d.data("Subject: hi\r\nMessage-ID: <x@example.kr>\r\n\r\nhello\r\n", 451)
	db.Close()
	d = dial(t, broken.Addr())
	d.expect("MAIL FROM:<minsu@example.kr>", 250)
	d.expect("RCPT TO:<acme@desk.test>", 451) // the recipient cannot be checked either
}
