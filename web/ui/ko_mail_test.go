package ui_test

import (
	"strconv"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// What the mail pipeline writes in English is shown in Korean: an answer
// not mailed for want of a relay, and the intake's problem with a message
// it could not read.
func TestKoMailNotes(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		in := askHoppin(t, m, "보석 미지급")
		answer := &vocdesk.Message{Body: "확인해 보겠습니다."}
		if err := m.Svc.Inquiries.AddMessage(uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner)), in.ID, answer); err != nil {
			t.Fatal(err)
		}
		d := &vocdesk.MailDelivery{MessageRef: answer.ID, Attempts: 1, State: vocdesk.MailFailed, LastError: mail.ErrNotSent.Error()}
		if err := m.Svc.Mail.RecordDelivery(uitest.System(), d); err != nil {
			t.Fatal(err)
		}
		in2, decide := mail.Prepare([]byte("no header at all"), mail.Envelope{From: "someone@example.com", Recipient: "hoppin@desk.test", Domain: "desk.test"})
		rec, err := m.Svc.Mail.ReceiveMail(uitest.System(), in2, decide)
		if err != nil {
			t.Fatal(err)
		}

		b := koOwner(e)
		r := b.get("/console/inquiries/" + strconv.FormatInt(in.ID, 10))
		wantContains(t, r, "1번째 시도: 보내지 않았습니다. 메일 릴레이(--smtp-relay)가 설정되지 않았습니다.")
		wantLacks(t, r, "no mail relay is configured")
		wantContains(t, b.get("/console/mail"), "읽지 못한 부분: 읽을 수 있는 헤더가 없음")
		r = b.get("/console/mail/" + strconv.FormatInt(rec.ID, 10))
		wantContains(t, r, `<dd id="mail-problem">읽을 수 있는 헤더가 없음</dd>`)
		wantLacks(t, r, mail.ProblemNoHeader)
	})
}
