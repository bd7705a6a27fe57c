package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/mail"
)

// Mail jobs retry with backoff from 5 s, doubling up to an hour, for 12
// attempts (about two and a half hours): long enough to ride out a
// relay's restart or a greylisting, short enough that a customer's answer
// does not arrive a day late without anyone seeing "failed".
const (
	mailAttempts    = 12
	mailBackoffBase = 5 * time.Second
	mailBackoffMax  = time.Hour
)

// newMailKind is the mail.send job: through the relay when --smtp-relay is
// set, else logged or dropped (--mailer). Answers' delivery state is kept.
func newMailKind(cfg Config, deliveries vocdesk.MailDeliveryService, log *slog.Logger) jobs.Kind {
	var m sender = discardMailer{}
	switch {
	case cfg.Mail.Relay != "":
		m = mail.NewRelay(mail.RelayConfig{Addr: cfg.Mail.Relay, User: cfg.Mail.RelayUser, Password: cfg.Mail.RelayPassword,
			StartTLS: cfg.Mail.RelayStartTLS, Domain: strings.ToLower(cfg.Mail.Domain)})
	case cfg.Workers.Mailer == "log":
		m = logMailer{log}
	}
	return jobs.Kind{
		Handler:     mailHandler(m, deliveries, log),
		MaxAttempts: mailAttempts,
		Backoff:     jobs.Exponential(mailBackoffBase, mailBackoffMax),
	}
}

// sender sends a mail and says with which Message-ID.
type sender interface {
	SendID(ctx context.Context, m *vocdesk.Mail) (string, error)
}

// errNoRelay is the log mailer's answer: nothing was sent, and the thread
// says so rather than showing the answer as mailed.
var errNoRelay = errors.New("not sent: no mail relay is configured (--smtp-relay)")

// mailHandler sends the mail of a mail.send job and records, for an
// answer, how the attempt went: sent, retrying (with the error) or failed.
func mailHandler(m sender, deliveries vocdesk.MailDeliveryService, log *slog.Logger) jobs.Handler {
	return func(ctx context.Context, j *vocdesk.Job) error {
		var msg vocdesk.Mail
		if err := json.Unmarshal(j.Payload, &msg); err != nil || msg.To == "" {
			return jobs.Permanent(fmt.Errorf("mail: bad payload: %v", err))
		}
		id, err := m.SendID(ctx, &msg)
		final := err != nil && (mail.IsPermanent(err) || errors.Is(err, errNoRelay) || j.Attempt >= mailAttempts)
		if msg.MessageRef != 0 && deliveries != nil {
			d := &vocdesk.MailDelivery{MessageRef: msg.MessageRef, Attempts: j.Attempt, MessageID: id, State: vocdesk.MailSent}
			switch {
			case final:
				d.State, d.LastError = vocdesk.MailFailed, err.Error()
			case err != nil:
				d.State, d.LastError = vocdesk.MailRetrying, err.Error()
			}
			sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
			if rerr := deliveries.RecordDelivery(sys, d); rerr != nil {
				// The mail's fate matters more than its record: a sent
				// mail is not sent again because its state was not saved.
				log.ErrorContext(ctx, "mail: record delivery", "message", msg.MessageRef, "err", rerr)
			}
		}
		switch {
		case err == nil, errors.Is(err, errNoRelay):
			return nil
		case mail.IsPermanent(err):
			return jobs.Permanent(err)
		}
		return err
	}
}

// logMailer stands in for a relay: it logs each mail (the address masked)
// and drops it, so nothing pretends to have been sent.
type logMailer struct{ log *slog.Logger }

func (l logMailer) SendID(ctx context.Context, m *vocdesk.Mail) (string, error) {
	l.log.InfoContext(ctx, "mail not sent (no --smtp-relay)", "to", vocdesk.MaskEmail(m.To), "subject", m.Subject)
	return "", errNoRelay
}

// discardMailer drops mail silently (tests, drills).
type discardMailer struct{}

func (discardMailer) SendID(context.Context, *vocdesk.Mail) (string, error) { return "", nil }
