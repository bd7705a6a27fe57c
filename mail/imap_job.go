package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/netfail"
)

// IMAP polls back off from a failure (a wrong password, a server down)
// doubling from the poll interval up to imapBackoffMax, so a broken mailbox
// is not hammered and a mended one is polled again within the hour.
const (
	imapBackoffMax = time.Hour
	// imapSoon is the wait before the next poll when a batch left messages
	// behind: a backlog drains quickly without one poll running long.
	imapSoon = time.Second
)

// IMAPJobKind is the mail.imap_poll job: it polls one developer's mailbox
// and records the outcome on the mailbox, which also queues the next poll
// (every interval, later after failures). The job itself fails only when
// the outcome cannot be recorded, and is then retried.
func IMAPJobKind(p *Poller, interval time.Duration, log *slog.Logger) jobs.Kind {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return jobs.Kind{
		Handler: func(ctx context.Context, j *vocdesk.Job) error {
			var body struct {
				DeveloperID int64 `json:"developer_id"`
			}
			if err := json.Unmarshal(j.Payload, &body); err != nil || body.DeveloperID <= 0 {
				return jobs.Permanent(fmt.Errorf("imap: bad payload: %v", err))
			}
			sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
			mb, err := p.store.IMAPForPolling(sys, body.DeveloperID)
			switch {
			case vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND:
				return nil // the settings were deleted
			case err != nil:
				return err
			case !mb.Enabled:
				return nil
			}
			res, perr := p.Poll(sys, mb)
			outcome := vocdesk.IMAPPoll{Next: interval}
			switch {
			case perr != nil:
				outcome.Err, outcome.Next = perr.Error(), IMAPBackoff(interval, mb.Failures+1)
				outcome.Reason, outcome.Args = netfail.Reason(perr)
				log.WarnContext(ctx, "imap: poll failed", "developer", mb.DeveloperSlug, "failures", mb.Failures+1, "err", perr)
			case res.More:
				outcome.Next = imapSoon
			}
			if res.Stored > 0 {
				log.InfoContext(ctx, "imap: mail taken in", "developer", mb.DeveloperSlug, "messages", res.Stored, "more", res.More)
			}
			return p.store.RecordIMAPPoll(sys, body.DeveloperID, outcome)
		},
		MaxAttempts: 10,
		Backoff:     jobs.Exponential(5*time.Second, 10*time.Minute),
	}
}

// IMAPBackoff is the wait after the n-th failure in a row: the interval
// doubled n-1 times, at most an hour (and never less than the interval).
func IMAPBackoff(interval time.Duration, n int) time.Duration {
	d := interval
	for i := 1; i < n && d < imapBackoffMax; i++ {
		d *= 2
	}
	return max(min(d, imapBackoffMax), interval)
}
