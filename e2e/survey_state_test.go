package e2e

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/survey"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// keptMail is a mail.Sender that accepts every mail.
type keptMail struct{}

func (keptMail) SendID(context.Context, *vocdesk.Mail) (string, error) { return "kept", nil }

// TestSurveySentInThread: once the survey job mails Minji, hoppin's agent
// reads in the thread, as a team note, that the survey went to her masked
// address; Minji's own page does not say it.
func TestSurveySentInThread(t *testing.T) {
	var first, second int64
	root := Start(t, twoQuestions(t, &first, &second))
	m := root.M
	owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
	st := vocdesk.InquiryResolved
	if _, err := m.Svc.Inquiries.UpdateInquiry(owner, first, vocdesk.InquiryUpdate{Status: &st}); err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(map[string]int64{"inquiry_id": first})
	kind := survey.JobKind(m.Svc.Surveys, keptMail{}, root.URL+"/")
	if err := kind.Handler(t.Context(), &vocdesk.Job{Kind: vocdesk.JobSendSurvey, Payload: payload, Attempt: 1}); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(first, 10)
	dev := root.Another()
	dev.LoginAs("/developer/login", m.HoppinAgent)
	dev.Visit("/console/inquiries/" + id)
	dev.WaitText("Satisfaction survey sent to " + vocdesk.MaskEmail(m.Minji.Email))
	dev.Look("/console/inquiries/"+id, "survey-sent")

	root.LoginAs("/login", m.Minji)
	root.Visit("/my/inquiries/" + id)
	root.WaitText("보석 환불 요청")
	root.NoText("Satisfaction survey")
	root.NoText("만족도 조사 메일을")
}
