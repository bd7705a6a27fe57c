package desk

import (
	"context"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
)

// WakeKind is the job kind that wakes snoozed inquiries at their time. A
// payload that cannot be read will never be, so it fails for good.
func WakeKind(svc vocdesk.SnoozeService) jobs.Kind {
	return jobs.Kind{Handler: func(ctx context.Context, j *vocdesk.Job) error {
		w, err := vocdesk.DecodeWakeJob(j.Payload)
		if err != nil {
			return jobs.Permanent(err)
		}
		return svc.WakeDue(ctx, w.InquiryID, time.UnixMicro(w.Until).UTC())
	}}
}
