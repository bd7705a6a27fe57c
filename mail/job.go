package mail

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
)

// Mail jobs retry with backoff from 5 s, doubling up to an hour, for 12
// attempts (about two and a half hours): long enough to ride out a relay's
// restart or greylisting, short enough that a customer's answer does not
// arrive a day late without anyone seeing "failed".
const (
	JobAttempts    = 12
	jobBackoffBase = 5 * time.Second
	jobBackoffMax  = time.Hour
)

// Sender sends a mail and says with which Message-ID. Relay is the real
// one.
type Sender interface {
	SendID(ctx context.Context, m *vocdesk.Mail) (string, error)
}

// ErrNotSent is what a stand-in sender answers when no relay is
// configured: the thread then says the answer was not mailed, rather than
// showing it as sent.
var ErrNotSent = errors.New("not sent: no mail relay is configured (--smtp-relay)")

// JobKind is the mail.send job: s sends, and an answer's delivery state is
// recorded after each attempt (sent, retrying with the error, failed). A
// mail's Link is written on base, the server's public URL.
func JobKind(s Sender, deliveries vocdesk.MailDeliveryService, base string, log *slog.Logger) jobs.Kind {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return jobs.Kind{
		Handler:     jobHandler(s, deliveries, strings.TrimRight(base, "/"), log),
		MaxAttempts: JobAttempts,
		Backoff:     jobs.Exponential(jobBackoffBase, jobBackoffMax),
	}
}

func jobHandler(s Sender, deliveries vocdesk.MailDeliveryService, base string, log *slog.Logger) jobs.Handler {
	return func(ctx context.Context, j *vocdesk.Job) error {
		var msg vocdesk.Mail
		if err := json.Unmarshal(j.Payload, &msg); err != nil || msg.To == "" {
			return jobs.Permanent(fmt.Errorf("mail: bad payload: %v", err))
		}
		if msg.Link != "" {
			msg.Text = strings.TrimRight(msg.Text, "\n") + "\n\n" + base + msg.Link + "\n"
		}
		id, err := s.SendID(ctx, &msg)
		final := err != nil && (IsPermanent(err) || errors.Is(err, ErrNotSent) || j.Attempt >= JobAttempts)
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
		case err == nil, errors.Is(err, ErrNotSent):
			return nil
		case IsPermanent(err):
			return jobs.Permanent(err)
		}
		return err
	}
}
