package main

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/mail"
)

// newMailKind is the mail.send job: through the relay when --smtp-relay is
// set, else logged or dropped (--mailer). Answers' delivery state is kept.
func newMailKind(cfg Config, deliveries vocdesk.MailDeliveryService, log *slog.Logger) jobs.Kind {
	return mail.JobKind(newSender(cfg, log), deliveries, cfg.publicURL(), log)
}

// newSender is how the desk's mail leaves: through the relay when
// --smtp-relay is set, else logged or dropped (--mailer).
func newSender(cfg Config, log *slog.Logger) mail.Sender {
	var s mail.Sender = discardMailer{}
	switch {
	case cfg.Mail.Relay != "":
		s = mail.NewRelay(mail.RelayConfig{Addr: cfg.Mail.Relay, User: cfg.Mail.RelayUser, Password: cfg.Mail.RelayPassword,
			StartTLS: cfg.Mail.RelayStartTLS, Domain: strings.ToLower(cfg.Mail.Domain)})
	case cfg.Workers.Mailer == "log":
		s = logMailer{log}
	}
	return s
}

// logMailer stands in for a relay: it logs each mail (the address masked)
// and drops it, so nothing pretends to have been sent.
type logMailer struct{ log *slog.Logger }

func (l logMailer) SendID(ctx context.Context, m *vocdesk.Mail) (string, error) {
	l.log.InfoContext(ctx, "mail not sent (no --smtp-relay)", "to", vocdesk.MaskEmail(m.To), "subject", m.Subject)
	return "", mail.ErrNotSent
}

// discardMailer drops mail silently (tests, drills).
type discardMailer struct{}

func (discardMailer) SendID(context.Context, *vocdesk.Mail) (string, error) { return "", nil }

// newIMAPKind is the mail.imap_poll job: developers' mailboxes polled every
// --imap-poll-interval into the same intake as the SMTP listener. A poll
// ends well within the job's timeout, so a stalled server is cut off
// before the job's lease runs out.
func newIMAPKind(cfg Config, svc vocdesk.IMAPService, timeout time.Duration, log *slog.Logger) jobs.Kind {
	p := mail.NewPoller(mail.PollerConfig{Domain: strings.ToLower(cfg.Mail.Domain), AllowPlain: cfg.Mail.IMAPAllowPlain,
		MaxBytes: cfg.Mail.MaxBytes, Timeout: timeout * 4 / 5}, svc)
	return mail.IMAPJobKind(p, cfg.Mail.IMAPPollInterval, log)
}
