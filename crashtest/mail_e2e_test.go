package crashtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestMailEndToEnd runs the real binary with its SMTP intake and sends mail
// from Python's smtplib (testdata/send_mail.py): a client that is not ours,
// writing Korean in EUC-KR and ISO-2022-KR as Python does. It checks each
// SMTP answer and what the desk made of each message through the API.
func TestMailEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Fatal("python3 is needed (scripts/test-deps.sh installs it)")
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		mailEndToEnd(t, t.TempDir()+"/mail.db")
	})
	if u := os.Getenv(sqlstoretest.EnvPostgres); u != "" {
		t.Run("postgres", func(t *testing.T) {
			t.Parallel()
			dsn, _ := sqlstoretest.NewPostgresSchema(t, u)
			mailEndToEnd(t, dsn)
		})
	}
}

// pySend runs send_mail.py and returns each message's SMTP answer by name.
func pySend(t *testing.T, smtpAddr string, args ...string) map[string]int {
	t.Helper()
	host, port, _ := strings.Cut(smtpAddr, ":")
	cmd := exec.Command("python3", append([]string{"testdata/send_mail.py", host, port}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("send_mail.py %v: %v\n%s", args, err, stderr.String())
	}
	codes := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r struct {
			Name, Error string
			Code        int
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("send_mail.py said %q", sc.Text())
		}
		codes[r.Name] = r.Code
	}
	return codes
}

func mailEndToEnd(t *testing.T, dsn string) {
	run(t, "migrate", "--db", dsn)
	opKey := lastLine(run(t, "key", "create", "--operator", "--name", "mail-e2e", "--db", dsn))
	smtpAddr := freeAddr(t)
	srv := newServer(t, dsn, "--mailer", "discard", "--smtp-addr", smtpAddr, "--mail-domain", "desk.test", "--smtp-max-bytes", "200000")
	srv.start()
	api := &client{base: srv.url()}
	api.must(t, "POST", "/api/v1/developers", opKey, "", `{"slug":"acme","name":"Acme Games","email":"owner@acme.example"}`, 201)
	api.must(t, "POST", "/api/v1/apps", opKey, "", `{"developer":"acme","slug":"puzzle","name":"Puzzle"}`, 201)
	api.must(t, "POST", "/api/v1/apps", opKey, "", `{"developer":"acme","slug":"racer","name":"Racer"}`, 201)
	var cust struct{ ID int64 }
	json.Unmarshal(api.must(t, "POST", "/api/v1/customers", opKey, "", `{"email":"minsu@example.kr","name":"김민수","locale":"ko"}`, 201), &cust)
	api.must(t, "POST", "/api/v1/purchases", opKey, "", fmt.Sprintf(`{"txid":"TX-E2E-0001","tid":"e2e-1","customer_id":%d,"app":"racer","item":"gems",`+
		`"amount":"1200","currency":"KRW","method":"card","paid_at":"%s"}`, cust.ID, time.Now().Add(-time.Hour).Format(time.RFC3339)), 201)
	devKey := lastLine(run(t, "key", "create", "--developer", "acme", "--db", dsn))

	codes := pySend(t, smtpAddr, "first")
	want := map[string]int{"customer": 250, "stranger": 250, "again": 250, "auto_reply": 250, "unknown_recipient": 550, "too_big": 552}
	for name, code := range want {
		if codes[name] != code {
			t.Errorf("%s: SMTP %d; want %d", name, codes[name], code)
		}
	}

	type inquiry struct {
		ID       int64
		Channel  string
		Subject  string
		TxID     string `json:"txid"`
		App      string
		Category string
		Messages []struct {
			Author      string
			Body        string
			Attachments []struct{ Filename string }
		}
	}
	var list struct{ Items []inquiry }
	json.Unmarshal(api.must(t, "GET", "/api/v1/inquiries?channel=email", devKey, "", "", 200), &list)
	if len(list.Items) != 2 {
		t.Fatalf("%d email inquiries; want the customer's and the stranger's", len(list.Items))
	}
	var mine, theirs inquiry
	for _, in := range list.Items {
		var full inquiry
		json.Unmarshal(api.must(t, "GET", fmt.Sprintf("/api/v1/inquiries/%d", in.ID), devKey, "", "", 200), &full)
		if full.TxID != "" {
			mine = full
		} else {
			theirs = full
		}
	}
	if mine.Subject != "환불 요청드립니다 (TX-E2E-0001)" || mine.TxID != "TX-E2E-0001" || mine.App != "racer" || mine.Category != "refund" ||
		len(mine.Messages) != 1 || !strings.Contains(mine.Messages[0].Body, "지급되지 않았습니다") ||
		len(mine.Messages[0].Attachments) != 1 || mine.Messages[0].Attachments[0].Filename != "스크린샷.png" {
		t.Errorf("the customer's EUC-KR mail became %+v", mine)
	}
	if theirs.Subject != "앱 오류 문의" || len(theirs.Messages) != 1 || !strings.Contains(theirs.Messages[0].Body, "앱이 자꾸 튕겨요") {
		t.Errorf("the stranger's ISO-2022-KR mail became %+v", theirs)
	}

	codes = pySend(t, smtpAddr, "reply", fmt.Sprint(mine.ID))
	if codes["reply"] != 250 || codes["stranger_reply"] != 250 {
		t.Fatalf("replies: %v", codes)
	}
	var thread inquiry
	json.Unmarshal(api.must(t, "GET", fmt.Sprintf("/api/v1/inquiries/%d", mine.ID), devKey, "", "", 200), &thread)
	if len(thread.Messages) != 2 || thread.Messages[1].Body != "아직 지급되지 않았어요." || thread.Messages[1].Author != "customer" {
		t.Errorf("the customer's reply: %+v", thread.Messages)
	}

	var log struct {
		Items []struct {
			Outcome   string
			InquiryID *int64 `json:"inquiry_id"`
			From      string
		}
	}
	json.Unmarshal(api.must(t, "GET", "/api/v1/mail/messages", devKey, "", "", 200), &log)
	var got []string
	for _, m := range log.Items {
		got = append(got, m.Outcome)
	}
	// Newest first: the stranger's forged reply started its own inquiry.
	if strings.Join(got, ",") != "inquiry,reply,auto_reply,duplicate,inquiry,inquiry" {
		t.Errorf("mail log outcomes %v", got)
	}
	if len(log.Items) == 6 && (log.Items[0].InquiryID == nil || *log.Items[0].InquiryID == mine.ID) {
		t.Error("the stranger's reply joined the customer's thread")
	}

	// What the intake did is counted for the operator's dashboards.
	res, err := http.Get(srv.url() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	metrics, _ := io.ReadAll(res.Body)
	for _, line := range []string{`vocdesk_mail_received_total{outcome="inquiry"} 3`, `vocdesk_mail_received_total{outcome="reply"} 1`,
		`vocdesk_mail_received_total{outcome="duplicate"} 1`, `vocdesk_mail_received_total{outcome="auto_reply"} 1`} {
		if !bytes.Contains(metrics, []byte(line+"\n")) {
			t.Errorf("/metrics lacks %s", line)
		}
	}
}
