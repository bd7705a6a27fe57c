package survey_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/survey"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// recorder is a mail.Sender that keeps what it is given.
type recorder struct{ sent []*vocdesk.Mail }

func (r *recorder) SendID(_ context.Context, m *vocdesk.Mail) (string, error) {
	r.sent = append(r.sent, m)
	return "id", nil
}

// The job sends one mail whose five links open the survey of the inquiry
// they name; an inquiry reopened before the job runs gets no mail.
func TestSurveyJob(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		m := uitest.Seed(t, db)
		svc := sqlstore.NewSurveyService(db)
		rec := &recorder{}
		kind := survey.JobKind(svc, rec, "https://desk.example.com/")
		var p *vocdesk.Purchase
		for _, q := range m.MinjiPurchases {
			if q.AppSlug == "hoppin-quest" {
				p = q
				break
			}
		}
		cust := uitest.As(m.CustomerActor(m.Minji))
		owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
		ask := func(subject string) *vocdesk.Inquiry {
			in := &vocdesk.Inquiry{TxID: p.TxID, Category: vocdesk.CategoryBug, Subject: subject}
			if err := m.Svc.Inquiries.CreateInquiry(cust, in, &vocdesk.Message{Body: "도와주세요"}); err != nil {
				t.Fatal(err)
			}
			st := vocdesk.InquiryResolved
			if _, err := m.Svc.Inquiries.UpdateInquiry(owner, in.ID, vocdesk.InquiryUpdate{Status: &st}); err != nil {
				t.Fatal(err)
			}
			return in
		}
		run := func(id int64) {
			payload, _ := json.Marshal(map[string]int64{"inquiry_id": id})
			if err := kind.Handler(t.Context(), &vocdesk.Job{Kind: vocdesk.JobSendSurvey, Payload: payload, Attempt: 1}); err != nil {
				t.Fatal(err)
			}
		}

		in := ask("게임이 멈춰요")
		run(in.ID)
		if len(rec.sent) != 1 {
			t.Fatalf("%d mails", len(rec.sent))
		}
		got := rec.sent[0]
		if got.To != m.Minji.Email || !got.Notice || got.InquiryID != in.ID || got.DeveloperSlug != "hoppin" ||
			!strings.Contains(got.Subject, "How did we do?") || !strings.Contains(got.Text, "게임이 멈춰요") {
			t.Fatalf("survey mail %+v", got)
		}
		links := regexp.MustCompile(`https://desk\.example\.com/rate/([A-Za-z0-9_-]+)\?rating=(\d)`).FindAllStringSubmatch(got.Text, -1)
		if len(links) != 5 || links[0][2] != "5" || links[4][2] != "1" {
			t.Fatalf("links %q", links)
		}
		for _, l := range links {
			s, err := svc.FindSurvey(t.Context(), l[1])
			if err != nil || s.InquiryID != in.ID {
				t.Fatalf("link %s opens %+v, %v", l[0], s, err)
			}
		}

		// Reopened before the job ran: nothing to ask, nothing sent.
		again := ask("결제가 안 돼요")
		if err := m.Svc.Inquiries.AddMessage(cust, again.ID, &vocdesk.Message{Body: "아직 안 돼요"}); err != nil {
			t.Fatal(err)
		}
		run(again.ID)
		if len(rec.sent) != 1 {
			t.Fatalf("a reopened inquiry was surveyed: %+v", rec.sent[1:])
		}
		// A payload that is no survey's ends the job for good.
		if err := kind.Handler(t.Context(), &vocdesk.Job{Payload: []byte(`{}`), Attempt: 1}); err == nil {
			t.Fatal("an empty payload is accepted")
		}
	})
}
