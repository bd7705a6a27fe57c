package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail/imaptest"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// TestServePollsIMAP runs vocdesk serve with VOCDESK_IMAP_POLL_INTERVAL=1s
// over a database whose developer has a mailbox on a private Dovecot: the
// mail already there becomes an inquiry, and mail that arrives later comes
// in on the poll after, the chain of poll jobs running by itself.
func TestServePollsIMAP(t *testing.T) {
	const user, pass = "support@acme.example", "mailbox-pw-7"
	engines(t, func(t *testing.T, dsn string) {
		dc := imaptest.Start(t, map[string]string{user: pass})
		msg := func(id string) []byte {
			return []byte(fmt.Sprintf("Return-Path: <minji@example.com>\r\nFrom: minji@example.com\r\nTo: %s\r\n"+
				"Subject: Question %s\r\nMessage-ID: <%s@example.com>\r\n\r\nHello.\r\n", user, id, id))
		}
		dc.Append(user, pass, msg("s1"))

		ctx := vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor())
		db, err := openDatabase(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		devs := sqlstore.NewDeveloperService(db)
		if err := devs.CreateDeveloper(ctx, &vocdesk.Developer{Slug: "acme", Name: "Acme", Email: "owner@acme.example"}); err != nil {
			t.Fatal(err)
		}
		if err := devs.CreateApp(ctx, &vocdesk.App{DeveloperSlug: "acme", Slug: "puzzle", Name: "Puzzle"}); err != nil {
			t.Fatal(err)
		}
		if _, err := sqlstore.NewIMAPService(db).SetIMAPMailbox(ctx, "acme", &vocdesk.IMAPSettings{Addr: dc.Addr,
			Security: vocdesk.IMAPPlain, Username: user, Password: pass, Enabled: true}); err != nil {
			t.Fatal(err)
		}

		env, _, stderr := testEnv(map[string]string{"VOCDESK_ADDR": "127.0.0.1:0", "VOCDESK_DB": dsn,
			"VOCDESK_SHUTDOWN_TIMEOUT": "10s", "VOCDESK_IMAP_POLL_INTERVAL": "1s"})
		sctx, stop := context.WithCancel(t.Context())
		exit := make(chan int, 1)
		go func() { exit <- Run(sctx, env, []string{"serve"}) }()
		defer func() { stop(); <-exit }()

		logged := func(want int) []string {
			t.Helper()
			deadline := time.Now().Add(20 * time.Second)
			for {
				list, _, err := sqlstore.NewMailService(db).FindMailMessages(ctx, vocdesk.MailFilter{Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, m := range list {
					got = append(got, m.MessageID+" "+string(m.Outcome))
				}
				if len(got) >= want {
					return got
				}
				select {
				case code := <-exit:
					t.Fatalf("serve exited with %d:\n%s", code, stderr.String())
				case <-time.After(100 * time.Millisecond):
				}
				if time.Now().After(deadline) {
					t.Fatalf("after 20 s the mail log holds %q; want %d messages\n%s", got, want, stderr.String())
				}
			}
		}
		if got := logged(1); strings.Join(got, ",") != "s1@example.com inquiry" {
			t.Fatalf("mail log %q", got)
		}
		dc.Append(user, pass, msg("s2"))
		if got := logged(2); len(got) != 2 || got[0] != "s2@example.com inquiry" {
			t.Fatalf("mail log %q", got)
		}
	})
}
