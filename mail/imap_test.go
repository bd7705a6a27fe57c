package mail_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/mail/imaptest"
	"github.com/vocdesk/vocdesk/netfail"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

const (
	imapUser = "support@acme.example"
	imapPass = "s3cret-mailbox"
)

func imapMsg(from, subject, id, body string) []byte {
	return []byte(fmt.Sprintf("Return-Path: <%s>\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\n"+
		"Date: Sun, 06 Dec 2026 10:00:00 +0900\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, from, imapUser, subject, id, body))
}

// imapFixture is developer acme with an app and a mailbox on a private
// Dovecot, and the mail log as acme's store sees it.
type imapFixture struct {
	db    *sqlstore.DB
	dc    *imaptest.Dovecot
	sys   context.Context
	devID int64
}

func newIMAPFixture(t *testing.T, db *sqlstore.DB) *imapFixture {
	t.Helper()
	dc := imaptest.Start(t, map[string]string{imapUser: imapPass})
	sys := vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor())
	devs := sqlstore.NewDeveloperService(db)
	d := &vocdesk.Developer{Slug: "acme", Name: "Acme", Email: "owner@acme.example"}
	if err := devs.CreateDeveloper(sys, d); err != nil {
		t.Fatal(err)
	}
	if err := devs.CreateApp(sys, &vocdesk.App{DeveloperSlug: "acme", Slug: "puzzle", Name: "Puzzle"}); err != nil {
		t.Fatal(err)
	}
	f := &imapFixture{db: db, dc: dc, sys: sys, devID: d.ID}
	f.set(t, imapPass)
	return f
}

func (f *imapFixture) set(t *testing.T, password string) *vocdesk.IMAPMailbox {
	t.Helper()
	mb, err := sqlstore.NewIMAPService(f.db).SetIMAPMailbox(f.sys, "acme", &vocdesk.IMAPSettings{Addr: f.dc.Addr,
		Security: vocdesk.IMAPPlain, Username: imapUser, Password: password, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	return mb
}

// poll runs one poll as a freshly started server would: a new store
// handle and poller that know only what the database holds.
func (f *imapFixture) poll(t *testing.T) (mail.PollResult, error) {
	t.Helper()
	store := sqlstore.NewIMAPService(f.db)
	mb, err := store.IMAPForPolling(f.sys, f.devID)
	if err != nil {
		t.Fatal(err)
	}
	return mail.NewPoller(mail.PollerConfig{Domain: "desk.test"}, store).Poll(f.sys, mb)
}

func (f *imapFixture) mustPoll(t *testing.T, want int) {
	t.Helper()
	res, err := f.poll(t)
	if err != nil {
		t.Fatalf("poll: %v\n%s", err, f.dc.Log())
	}
	if res.Stored != want || res.More {
		t.Fatalf("poll stored %d (more %v); want %d", res.Stored, res.More, want)
	}
}

// outcomes is the mail log, oldest first, as "message-id outcome".
func (f *imapFixture) outcomes(t *testing.T) []string {
	t.Helper()
	list, _, err := sqlstore.NewMailService(f.db).FindMailMessages(f.sys, vocdesk.MailFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range slices.Backward(list) {
		if m.DeveloperSlug != "acme" || m.To != imapUser {
			t.Errorf("logged for %s to %s", m.DeveloperSlug, m.To)
		}
		out = append(out, m.MessageID+" "+string(m.Outcome))
	}
	return out
}

// TestIMAPPollDovecot polls a real Dovecot: new mail becomes inquiries
// through the SMTP intake's path, a second poll and a restarted poller
// fetch nothing twice, later mail arrives, a renumbered mailbox is
// rescanned without a second inquiry, and the mailbox's flags stay as
// they were.
func TestIMAPPollDovecot(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newIMAPFixture(t, db)
		f.dc.Append(imapUser, imapPass, imapMsg("minji@example.com", "=?UTF-8?B?7ZmY67aI?= 요청", "k1@example.com", "아이템이 안 들어왔어요"))
		f.dc.Append(imapUser, imapPass, imapMsg("joe@example.com", "Crash on start", "k2@example.com", "The app crashes."))
		f.dc.Append(imapUser, imapPass, []byte("Return-Path: <>\r\nFrom: Minji <minji@example.com>\r\nTo: "+imapUser+
			"\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <k3@mx.example>\r\n\r\nI am away.\r\n"))
		before := f.dc.Flags(imapUser, imapPass)

		f.mustPoll(t, 3)
		want := []string{"k1@example.com inquiry", "k2@example.com inquiry", "k3@mx.example auto_reply"}
		if got := f.outcomes(t); !slices.Equal(got, want) {
			t.Fatalf("mail log %q; want %q", got, want)
		}
		inqs, _, err := sqlstore.NewInquiryService(db).FindInquiries(f.sys, vocdesk.InquiryFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		subjects := map[string]bool{}
		for _, in := range inqs {
			subjects[in.Subject] = in.Channel == vocdesk.ChannelEmail
		}
		if !subjects["환불 요청"] || !subjects["Crash on start"] || len(inqs) != 2 {
			t.Errorf("inquiries %v; want the two customers' (decoded subjects, channel email)", subjects)
		}

		f.mustPoll(t, 0) // nothing new
		f.mustPoll(t, 0) // a restarted poller knows its place from the database
		if got := f.outcomes(t); len(got) != 3 {
			t.Fatalf("fetched twice: %q", got)
		}

		f.dc.Append(imapUser, imapPass, imapMsg("ana@example.com", "Refund", "k4@example.com", "Please refund."))
		f.mustPoll(t, 1)
		if got := f.outcomes(t); len(got) != 4 || got[3] != "k4@example.com inquiry" {
			t.Fatalf("after new mail: %q", got)
		}

		after := f.dc.Flags(imapUser, imapPass)
		for uid, flags := range after {
			if slices.Contains(flags, imap.FlagSeen) && !slices.Contains(before[uid], imap.FlagSeen) {
				t.Errorf("UID %d marked seen by the poller", uid)
			}
		}
		if len(after) != 4 {
			t.Errorf("mailbox holds %d messages; want 4 (the poller removes nothing)", len(after))
		}

		// The server renumbered the mailbox (another UIDVALIDITY): all
		// is fetched again, and each message is a duplicate, not a second
		// inquiry.
		if err := sqlstore.NewIMAPService(db).ResetIMAPValidity(f.sys, f.devID, 1); err != nil {
			t.Fatal(err)
		}
		f.mustPoll(t, 4)
		got := f.outcomes(t)
		if len(got) != 8 || got[4] != "k1@example.com duplicate" || got[7] != "k4@example.com duplicate" {
			t.Fatalf("after a rescan: %q", got)
		}
		f.mustPoll(t, 0)
	})
}

// TestIMAPPollConcurrent runs two polls of one mailbox at once (a poll job
// taken over after a lease ran out): each message is stored once.
func TestIMAPPollConcurrent(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newIMAPFixture(t, db)
		for i := range 6 {
			f.dc.Append(imapUser, imapPass, imapMsg("c@example.com", fmt.Sprint("Question ", i), fmt.Sprintf("c%d@example.com", i), "Hello?"))
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 2 {
			wg.Go(func() {
				res, err := f.poll(t)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += res.Stored
				mu.Unlock()
			})
		}
		wg.Wait()
		got := f.outcomes(t)
		if len(got) != 6 || total != 6 {
			t.Fatalf("two polls stored %d, logged %q; want each of 6 once", total, got)
		}
		for _, o := range got {
			if !strings.HasSuffix(o, " inquiry") {
				t.Errorf("%s; want inquiry", o)
			}
		}
	})
}

// TestIMAPPollJob runs the poll job as the job runner does: success
// records the time and queues the next poll; a wrong password records the
// server's refusal for the settings page and backs off.
func TestIMAPPollJob(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newIMAPFixture(t, db)
		f.dc.Append(imapUser, imapPass, imapMsg("minji@example.com", "Hello", "j1@example.com", "Hi"))
		store := sqlstore.NewIMAPService(db)
		kind := mail.IMAPJobKind(mail.NewPoller(mail.PollerConfig{Domain: "desk.test"}, store), time.Minute, nil)
		payload, _ := json.Marshal(map[string]int64{"developer_id": f.devID})
		job := &vocdesk.Job{ID: 1, Kind: vocdesk.JobIMAPPoll, Payload: payload, Attempt: 1}

		start := time.Now()
		if err := kind.Handler(context.Background(), job); err != nil {
			t.Fatal(err)
		}
		mb, err := store.IMAPMailbox(f.sys, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if mb.LastError != "" || mb.LastOKAt == nil || mb.Fetched != 1 || mb.Failures != 0 || mb.Password != "" {
			t.Fatalf("after a good poll: %+v", mb)
		}
		if d := mb.NextPollAt.Sub(start); d < 50*time.Second || d > 2*time.Minute {
			t.Errorf("next poll in %s; want the interval (1m)", d)
		}

		f.set(t, "not-the-password")
		if err := kind.Handler(context.Background(), job); err != nil {
			t.Fatal(err)
		}
		if err := kind.Handler(context.Background(), job); err != nil {
			t.Fatal(err)
		}
		mb, err = store.IMAPMailbox(f.sys, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(mb.LastError, "sign-in refused") || !strings.Contains(mb.LastError, "AUTHENTICATIONFAILED") {
			t.Errorf("last error %q; want the server's refusal of the sign-in", mb.LastError)
		}
		// Its kind is kept beside it, with the server's words as its value.
		if mb.LastReason != "imap_sign_in_refused" || len(mb.LastArgs) != 1 || !strings.Contains(mb.LastArgs[0], "AUTHENTICATIONFAILED") ||
			!strings.HasSuffix(mb.LastError, mb.LastArgs[0]) {
			t.Errorf("kept kind %q %q; want imap_sign_in_refused and the server's words", mb.LastReason, mb.LastArgs)
		}
		if mb.Failures != 2 || mb.Fetched != 1 {
			t.Errorf("failures %d fetched %d; want 2, 1", mb.Failures, mb.Fetched)
		}
		if d := time.Until(mb.NextPollAt); d < 90*time.Second {
			t.Errorf("next poll in %s after two failures; want a backoff past the interval", d)
		}
		if strings.Contains(mb.LastError, "not-the-password") {
			t.Error("the error shows the password")
		}

		f.set(t, imapPass) // mended: the same mailbox, so its place is kept
		if err := kind.Handler(context.Background(), job); err != nil {
			t.Fatal(err)
		}
		mb, _ = store.IMAPMailbox(f.sys, "acme")
		if mb.LastError != "" || mb.LastReason != "" || len(mb.LastArgs) != 0 || mb.Failures != 0 || mb.Fetched != 1 {
			t.Errorf("after the fix: %+v", mb)
		}
	})
}

// TestIMAPUnreachable: a server that is not there is an error that says
// so, within the poll's timeout.
func TestIMAPUnreachable(t *testing.T) {
	db := sqlstoretest.Open(t)
	store := sqlstore.NewIMAPService(db)
	mb := &vocdesk.IMAPMailbox{DeveloperID: 1, DeveloperSlug: "acme", IMAPSettings: vocdesk.IMAPSettings{
		Addr: "127.0.0.1:1", Security: vocdesk.IMAPPlain, Username: "u", Password: "p", Mailbox: "INBOX"}}
	_, err := mail.NewPoller(mail.PollerConfig{Timeout: 5 * time.Second}, store).Poll(context.Background(), mb)
	if err == nil || !strings.Contains(err.Error(), "cannot connect to 127.0.0.1:1") {
		t.Fatalf("err %v; want cannot connect", err)
	}
	mb.Addr, mb.Security = "imap.example.com:143", vocdesk.IMAPPlain
	if _, err := mail.NewPoller(mail.PollerConfig{}, store).Poll(context.Background(), mb); err == nil ||
		!strings.Contains(err.Error(), "only for a server on this machine") {
		t.Fatalf("plain IMAP to another host: %v", err)
	}
}

// TestIMAPPollTLS polls over implicit TLS and over STARTTLS, as real
// providers require, and refuses a certificate it does not trust.
func TestIMAPPollTLS(t *testing.T) {
	db := sqlstoretest.Open(t)
	f := newIMAPFixture(t, db)
	f.dc.Append(imapUser, imapPass, imapMsg("minji@example.com", "Over TLS", "t1@example.com", "Hello"))
	store := sqlstore.NewIMAPService(db)
	trusted := mail.NewPoller(mail.PollerConfig{TLSConfig: &tls.Config{RootCAs: f.dc.Roots}}, store)
	for i, c := range []struct {
		addr string
		sec  vocdesk.IMAPSecurity
		want string
	}{
		{f.dc.TLSAddr, vocdesk.IMAPTLS, "t1@example.com inquiry"},
		// Another address is another mailbox to the desk: it is read
		// afresh and the message is known by its Message-ID.
		{f.dc.Addr, vocdesk.IMAPStartTLS, "t1@example.com duplicate"},
	} {
		if _, err := store.SetIMAPMailbox(f.sys, "acme", &vocdesk.IMAPSettings{Addr: c.addr, Security: c.sec,
			Username: imapUser, Password: imapPass, Enabled: true}); err != nil {
			t.Fatal(err)
		}
		mb, err := store.IMAPForPolling(f.sys, f.devID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mail.NewPoller(mail.PollerConfig{}, store).Poll(f.sys, mb); err == nil ||
			!strings.Contains(err.Error(), "certificate") {
			t.Errorf("%s with an untrusted certificate: %v; want a certificate error", c.sec, err)
		}
		res, err := trusted.Poll(f.sys, mb)
		if err != nil || res.Stored != 1 {
			t.Fatalf("%s: stored %d, %v\n%s", c.sec, res.Stored, err, f.dc.Log())
		}
		if got := f.outcomes(t); len(got) != i+1 || got[i] != c.want {
			t.Fatalf("%s: mail log %q; want %q last", c.sec, got, c.want)
		}
	}
}

// TestIMAPFailureKinds: each way a poll fails is kept with its kind
// (netfail), for the settings page to word in its reader's language, and
// its English as before. A refused sign-in is TestIMAPPollJob's (Dovecot
// answers it only after a delay).
func TestIMAPFailureKinds(t *testing.T) {
	db := sqlstoretest.Open(t)
	f := newIMAPFixture(t, db)
	store := sqlstore.NewIMAPService(db)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	held := make(chan net.Conn, 8) // kept open, unanswered, until the test ends
	defer func() {
		for len(held) > 0 {
			(<-held).Close()
		}
	}()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			held <- c
		}
	}()
	for _, c := range []struct {
		name, addr   string
		sec          vocdesk.IMAPSecurity
		user, pass   string
		text, reason string
	}{
		{"a closed port", closed, vocdesk.IMAPPlain, "u", "p", "cannot connect to " + closed, netfail.Refused},
		{"an unresolvable host", "vocdesk-test.invalid:993", vocdesk.IMAPTLS, "u", "p", "cannot connect to vocdesk-test.invalid:993", netfail.NoHost},
		{"clear text to another host", "imap.example.com:143", vocdesk.IMAPPlain, "u", "p", "only for a server on this machine", "imap_clear_remote"},
		{"TLS to a plain port", f.dc.Addr, vocdesk.IMAPTLS, imapUser, imapPass, "TLS with " + f.dc.Addr + " failed", netfail.TLS},
		{"an untrusted certificate", f.dc.TLSAddr, vocdesk.IMAPTLS, imapUser, imapPass, "certificate", netfail.TLS},
		// (A silent server under security none is cut off by go-imap's
		// own greeting timeout, a minute, not by the poll's.)
		{"a silent server", silent.Addr().String(), vocdesk.IMAPTLS, "u", "p", "TLS with " + silent.Addr().String() + " failed", netfail.Timeout},
	} {
		t.Run(c.name, func(t *testing.T) {
			mb := &vocdesk.IMAPMailbox{DeveloperID: f.devID, DeveloperSlug: "acme", IMAPSettings: vocdesk.IMAPSettings{
				Addr: c.addr, Security: c.sec, Username: c.user, Password: c.pass, Mailbox: "INBOX"}}
			_, err := mail.NewPoller(mail.PollerConfig{Timeout: 500 * time.Millisecond}, store).Poll(f.sys, mb)
			if err == nil || !strings.Contains(err.Error(), c.text) {
				t.Fatalf("err %v; want %q", err, c.text)
			}
			if reason, _ := netfail.Reason(err); reason != c.reason {
				t.Errorf("kind %q; want %q (%v)", reason, c.reason, err)
			}
		})
	}
}
