package survey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/mail"
)

// JobKind is the survey.send job: it asks svc for the inquiry's invite
// (with a token signed now) and sends the survey mail through s, the same
// sender, retries and backoff as every other mail of the desk. An inquiry
// that no longer wants asking (reopened, rated already) ends the job
// without mail.
func JobKind(svc vocdesk.SurveyService, s mail.Sender, baseURL string) jobs.Kind {
	return jobs.Kind{
		Handler:     handler(svc, s, baseURL),
		MaxAttempts: mail.JobAttempts,
		Backoff:     jobs.Exponential(5*time.Second, time.Hour),
	}
}

func handler(svc vocdesk.SurveyService, s mail.Sender, baseURL string) jobs.Handler {
	return func(ctx context.Context, j *vocdesk.Job) error {
		var p struct {
			InquiryID int64 `json:"inquiry_id"`
		}
		if err := json.Unmarshal(j.Payload, &p); err != nil || p.InquiryID <= 0 {
			return jobs.Permanent(fmt.Errorf("survey: bad payload: %v", err))
		}
		sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
		inv, err := svc.Invite(sys, p.InquiryID)
		if vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		_, err = s.SendID(ctx, Mail(inv, baseURL))
		switch {
		case err == nil:
			return noted(svc.RecordSurveyMail(sys, p.InquiryID, true, ""))
		case errors.Is(err, mail.ErrNotSent):
			return noted(svc.RecordSurveyMail(sys, p.InquiryID, false, err.Error()))
		case mail.IsPermanent(err):
			return errors.Join(jobs.Permanent(err), svc.RecordSurveyMail(sys, p.InquiryID, false, err.Error()))
		case j.Attempt >= mail.JobAttempts:
			// The last try: the team learns the survey is not coming.
			return errors.Join(err, svc.RecordSurveyMail(sys, p.InquiryID, false, err.Error()))
		}
		return err
	}
}

// noted ends a job whose mail went (or never will) when the thread's note
// of it failed: retrying would mail the customer again, so the job fails
// for good with the cause, for the operator's list of failed jobs.
func noted(err error) error {
	if err != nil {
		return jobs.Permanent(fmt.Errorf("survey: the mail's outcome was not noted in the thread: %w", err))
	}
	return nil
}
