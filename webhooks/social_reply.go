package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/netfail"
)

// SocialReplier is the social.reply handler: it delivers a desk answer on a
// social inquiry to the connector's reply URL, signed with the connector's
// secret and retried like a webhook, recording each attempt for the
// thread's delivery state.
type SocialReplier struct {
	Service   vocdesk.SocialService
	Client    *http.Client // NewClient: private addresses only with --allow-private-webhooks
	Now       func() time.Time
	UserAgent string
}

// Kind is the runner's entry for social.reply.
func (s *SocialReplier) Kind() jobs.Kind {
	return jobs.Kind{Handler: s.Handle, MaxAttempts: MaxAttempts, Backoff: jobs.Exponential(backoffBase, backoffMax)}
}

// Handle makes one attempt.
func (s *SocialReplier) Handle(ctx context.Context, j *vocdesk.Job) error {
	var p struct {
		MessageRef int64 `json:"message_ref"`
	}
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.MessageRef <= 0 {
		return jobs.Permanent(fmt.Errorf("webhooks: bad social reply payload %q", j.Payload))
	}
	sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
	r, err := s.Service.ReplyForSending(sys, p.MessageRef)
	if err != nil {
		return err
	}
	if r == nil {
		return nil // the connector is gone or takes no replies any more
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	status, sendErr := postSigned(ctx, s.Client, s.UserAgent, r.URL, r.Secret, r.EventID, now(), r.Body)
	var priv ErrPrivate
	private := errors.As(sendErr, &priv)
	final := j.Attempt >= MaxAttempts || private
	att := vocdesk.SocialAttempt{Status: status}
	if sendErr != nil {
		att.Error = sendErr.Error()
		att.Reason, att.Args = netfail.Reason(sendErr)
	}
	if err := s.Service.RecordReply(sys, p.MessageRef, att, sendErr == nil, final); err != nil {
		return err
	}
	if private {
		return jobs.Permanent(sendErr)
	}
	return sendErr
}
