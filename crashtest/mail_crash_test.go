package crashtest

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/smtp"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

const (
	mailMessages    = 1500
	mailSenders     = 8
	mailMinKills    = 5
	mailSendTimeout = 3 * time.Minute
)

// TestMailCrash sends a burst of mail to the real binary's SMTP intake over
// 8 connections while killing it with SIGKILL again and again: every
// message the server answered 250 must be in the database afterwards, with
// its raw bytes, once (a retry of one whose 250 was lost in the kill is a
// duplicate, not a second inquiry).
func TestMailCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := t.TempDir() + "/mailcrash.db"
		mailCrash(t, path, func() (*sql.DB, error) { return sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)") })
	})
	if u := os.Getenv(sqlstoretest.EnvPostgres); u != "" {
		t.Run("postgres", func(t *testing.T) {
			t.Parallel()
			dsn, _ := sqlstoretest.NewPostgresSchema(t, u)
			mailCrash(t, dsn, func() (*sql.DB, error) { return sql.Open("pgx", dsn) })
		})
	}
}

func mailCrash(t *testing.T, dsn string, openDB func() (*sql.DB, error)) {
	start := time.Now()
	run(t, "migrate", "--db", dsn)
	opKey := lastLine(run(t, "key", "create", "--operator", "--name", "mailcrash", "--db", dsn))
	smtpAddr := freeAddr(t)
	srv := newServer(t, dsn, "--mailer", "discard", "--smtp-addr", smtpAddr, "--mail-domain", "desk.test")
	srv.start()
	api := &client{base: srv.url()}
	api.must(t, "POST", "/api/v1/developers", opKey, "", `{"slug":"acme","name":"Acme","email":"owner@acme.example"}`, 201)
	api.must(t, "POST", "/api/v1/apps", opKey, "", `{"developer":"acme","slug":"puzzle","name":"Puzzle"}`, 201)

	var (
		mu       sync.Mutex
		accepted = map[string]bool{} // Message-IDs answered 250
		tries    int
		queue    = make(chan int)
		wg       sync.WaitGroup
	)
	body := strings.Repeat("환불 부탁드립니다. Please refund my purchase.\r\n", 40)
	for range mailSenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range queue {
				id := fmt.Sprintf("crash-%04d@example.com", i)
				msg := fmt.Sprintf("From: customer%d@example.com\r\nTo: acme@desk.test\r\nSubject: =?UTF-8?B?7ZmY67aI?= %d\r\nMessage-ID: <%s>\r\n\r\n%s",
					i, i, id, body)
				deadline := time.Now().Add(mailSendTimeout)
				for {
					mu.Lock()
					tries++
					mu.Unlock()
					err := smtp.SendMail(smtpAddr, nil, fmt.Sprintf("customer%d@example.com", i), []string{"acme@desk.test"}, []byte(msg))
					if err == nil {
						mu.Lock()
						accepted[id] = true
						mu.Unlock()
						break
					}
					if time.Now().After(deadline) {
						t.Errorf("%s never accepted: %v", id, err)
						break
					}
					time.Sleep(time.Duration(20+rand.IntN(80)) * time.Millisecond)
				}
			}
		}()
	}
	burstDone := make(chan struct{})
	killsDone := make(chan int)
	go func() {
		kills := 0
		for {
			select {
			case <-burstDone:
				if kills >= mailMinKills {
					killsDone <- kills
					return
				}
			default:
			}
			time.Sleep(time.Duration(400+rand.IntN(800)) * time.Millisecond) // uptime between kills, after start waited for readiness
			srv.kill()
			kills++
			srv.start()
		}
	}()
	for i := range mailMessages {
		queue <- i
	}
	close(queue)
	wg.Wait()
	close(burstDone)
	kills := <-killsDone

	db, err := openDB()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT m.message_id, m.outcome, m.inquiry_id IS NOT NULL, r.mail_id IS NOT NULL
		FROM mail_messages m LEFT JOIN mail_raw r ON r.mail_id = m.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	stored := map[string]int{}
	duplicates := 0
	for rows.Next() {
		var id, outcome string
		var hasInquiry, hasRaw bool
		if err := rows.Scan(&id, &outcome, &hasInquiry, &hasRaw); err != nil {
			t.Fatal(err)
		}
		if !hasRaw {
			t.Errorf("%s is logged without its raw bytes", id)
		}
		switch outcome {
		case "inquiry":
			stored[id]++
			if !hasInquiry {
				t.Errorf("%s started no inquiry", id)
			}
		case "duplicate":
			duplicates++
		default:
			t.Errorf("%s: outcome %s", id, outcome)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var inquiries int
	if err := db.QueryRow(`SELECT count(*) FROM inquiries WHERE channel = 'email'`).Scan(&inquiries); err != nil {
		t.Fatal(err)
	}
	lost := 0
	for id := range accepted {
		if stored[id] != 1 {
			lost++
			t.Errorf("%s was answered 250 but is stored %d times", id, stored[id])
		}
	}
	for id, n := range stored {
		if n != 1 {
			t.Errorf("%s started %d inquiries", id, n)
		}
	}
	t.Logf("%d messages over %d connections, %d SMTP tries, %d kills, %d duplicates of retried messages, %d email inquiries; %s",
		mailMessages, mailSenders, tries, kills, duplicates, inquiries, time.Since(start).Round(time.Millisecond))
	if len(accepted) != mailMessages || inquiries != mailMessages || lost > 0 {
		t.Errorf("accepted %d, inquiries %d, lost %d; want %d, %d, 0", len(accepted), inquiries, lost, mailMessages, mailMessages)
	}
	if kills < mailMinKills {
		t.Errorf("only %d kills", kills)
	}
	if tries == mailMessages {
		t.Error("no kill hit the burst: every message went through at the first try")
	}
}
