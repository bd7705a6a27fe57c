package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
)

// mailHandler sends the mail of a mail.send job with m.
func mailHandler(m vocdesk.Mailer) jobs.Handler {
	return func(ctx context.Context, j *vocdesk.Job) error {
		var mail vocdesk.Mail
		if err := json.Unmarshal(j.Payload, &mail); err != nil || mail.To == "" {
			return jobs.Permanent(fmt.Errorf("mail: bad payload: %v", err))
		}
		return m.Send(ctx, &mail)
	}
}

// logMailer stands in for SMTP until vocdesk has it: it logs each mail (the
// address masked) and drops it, so nothing pretends to have been sent.
type logMailer struct{ log *slog.Logger }

func (l logMailer) Send(ctx context.Context, m *vocdesk.Mail) error {
	l.log.InfoContext(ctx, "mail not sent (no SMTP configured)", "to", vocdesk.MaskEmail(m.To), "subject", m.Subject)
	return nil
}

// discardMailer drops mail silently.
type discardMailer struct{}

func (discardMailer) Send(context.Context, *vocdesk.Mail) error { return nil }
