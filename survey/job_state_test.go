package survey_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/survey"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// refuser is a mail.Sender whose relay refuses every mail for good,
// echoing the address in its reply as real servers do.
type refuser struct{}

func (refuser) SendID(_ context.Context, m *vocdesk.Mail) (string, error) {
	return "", &mail.PermanentError{Err: errors.New("550 5.1.1 <" + strings.ToUpper(m.To) + ">: no such user")}
}

// TestSurveyMailState: the team reads in the thread (and only the team)
// that the survey went out, to the masked address, or why it did not,
// with the address masked in the relay's words; for a call whose customer
// withheld their ids, neither the address nor the relay's words.
func TestSurveyMailState(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		m := uitest.Seed(t, db)
		svc := sqlstore.NewSurveyService(db)
		var p *vocdesk.Purchase
		for _, q := range m.MinjiPurchases {
			if q.AppSlug == "hoppin-quest" {
				p = q
				break
			}
		}
		cust := uitest.As(m.CustomerActor(m.Minji))
		owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
		operator := uitest.As(&vocdesk.Actor{Realm: vocdesk.RealmOperator, OperatorID: 1, Name: "상담원"})
		resolve := func(in *vocdesk.Inquiry) {
			t.Helper()
			st := vocdesk.InquiryResolved
			if _, err := m.Svc.Inquiries.UpdateInquiry(owner, in.ID, vocdesk.InquiryUpdate{Status: &st}); err != nil {
				t.Fatal(err)
			}
		}
		ask := func() *vocdesk.Inquiry {
			t.Helper()
			in := &vocdesk.Inquiry{TxID: p.TxID, Category: vocdesk.CategoryBug, Subject: "게임이 멈춰요"}
			if err := m.Svc.Inquiries.CreateInquiry(cust, in, &vocdesk.Message{Body: "도와주세요"}); err != nil {
				t.Fatal(err)
			}
			resolve(in)
			return in
		}
		call := func() *vocdesk.Inquiry {
			t.Helper()
			in, err := m.Svc.Calls.LogCall(operator, &vocdesk.Call{Caller: m.Minji.Email, TxID: p.TxID,
				Category: vocdesk.CategoryNotReceived, Summary: "보석 미지급", Consent: false})
			if err != nil {
				t.Fatal(err)
			}
			resolve(in)
			return in
		}
		run := func(s mail.Sender, id int64) error {
			payload, _ := json.Marshal(map[string]int64{"inquiry_id": id})
			return survey.JobKind(svc, s, "https://desk.example.com/").Handler(t.Context(), &vocdesk.Job{Kind: vocdesk.JobSendSurvey, Payload: payload, Attempt: 1})
		}
		// The survey's event, as the developer and the customer read the thread.
		event := func(id int64) *vocdesk.Message {
			t.Helper()
			_, msgs, err := m.Svc.Inquiries.FindThread(owner, id)
			if err != nil {
				t.Fatal(err)
			}
			var ev *vocdesk.Message
			for _, x := range msgs {
				if x.Event != nil && (x.Event.Kind == vocdesk.EventSurveySent || x.Event.Kind == vocdesk.EventSurveyFailed) {
					ev = x
				}
			}
			if ev == nil || !ev.Internal {
				t.Fatalf("inquiry %d: survey event %+v", id, ev)
			}
			_, mine, err := m.Svc.Inquiries.FindThread(cust, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range mine {
				if x.ID == ev.ID {
					t.Fatalf("the customer reads the survey event")
				}
			}
			return ev
		}
		addr := m.Minji.Email
		masked := vocdesk.MaskEmail(addr)
		// leaks looks for the words in everything the event says. Its ids
		// and time are left out: they hold digits only, and a timestamp
		// such as 12:39:32.625509 "shows" the relay's 550.
		leaks := func(ev *vocdesk.Message, what ...string) {
			t.Helper()
			words := *ev
			words.ID, words.InquiryID, words.AuthorID, words.CreatedAt = 0, 0, 0, time.Time{}
			raw, _ := json.Marshal(words)
			for _, w := range what {
				if strings.Contains(strings.ToLower(string(raw)), strings.ToLower(w)) {
					t.Fatalf("the event shows %q: %s", w, raw)
				}
			}
		}

		sent := ask()
		if err := run(&recorder{}, sent.ID); err != nil {
			t.Fatal(err)
		}
		ev := event(sent.ID)
		if ev.Event.Kind != vocdesk.EventSurveySent || ev.Event.Params["to"] != masked || !strings.Contains(ev.Body, masked) {
			t.Fatalf("sent: %+v %+v", ev, ev.Event)
		}
		leaks(ev, addr)

		refused := ask()
		if err := run(refuser{}, refused.ID); err == nil {
			t.Fatal("a refused survey mail ends its job well")
		}
		ev = event(refused.ID)
		if ev.Event.Kind != vocdesk.EventSurveyFailed || !strings.Contains(ev.Event.Params["why"], "550 5.1.1 <"+masked+">") {
			t.Fatalf("refused: %+v", ev.Event)
		}
		leaks(ev, addr)

		withheld := call()
		if err := run(&recorder{}, withheld.ID); err != nil {
			t.Fatal(err)
		}
		ev = event(withheld.ID)
		if ev.Event.Kind != vocdesk.EventSurveySent || ev.Event.Params["to"] != "" {
			t.Fatalf("withheld, sent: %+v", ev.Event)
		}
		leaks(ev, addr, masked, "@")

		withheld = call()
		if err := run(refuser{}, withheld.ID); err == nil {
			t.Fatal("a refused survey mail ends its job well")
		}
		ev = event(withheld.ID)
		if ev.Event.Kind != vocdesk.EventSurveyFailed || ev.Event.Params["why"] != "" {
			t.Fatalf("withheld, refused: %+v", ev.Event)
		}
		leaks(ev, addr, masked, "@", "550")

		// Only the system notes it.
		if err := svc.RecordSurveyMail(owner, sent.ID, true, ""); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			t.Fatalf("a member notes a survey: %v", err)
		}
	})
}
