package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/netfail"
)

// Retries: doubling from 10 seconds up to an hour between attempts, 36
// attempts in all, which is more than 25 hours from the first to the last.
const (
	MaxAttempts = 36
	backoffBase = 10 * time.Second
	backoffMax  = time.Hour
)

// Deliverer is the webhook.deliver handler.
type Deliverer struct {
	Service vocdesk.WebhookService
	Client  *http.Client
	Now     func() time.Time
	// UserAgent names vocdesk to receivers.
	UserAgent string
}

// Kind is the runner's entry for webhook.deliver.
func (d *Deliverer) Kind() jobs.Kind {
	return jobs.Kind{Handler: d.Handle, MaxAttempts: MaxAttempts, Backoff: jobs.Exponential(backoffBase, backoffMax)}
}

// Handle makes one attempt: a 2xx answer delivers; anything else is logged
// with its status code and retried by the runner.
func (d *Deliverer) Handle(ctx context.Context, j *vocdesk.Job) error {
	var p struct {
		DeliveryID int64 `json:"delivery_id"`
	}
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.DeliveryID <= 0 {
		return jobs.Permanent(fmt.Errorf("webhooks: bad payload %q", j.Payload))
	}
	sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
	del, ep, err := d.Service.DeliveryForSending(sys, p.DeliveryID)
	if err != nil {
		return err
	}
	if del == nil || ep == nil {
		return nil // gone, or the developer has no endpoint any more
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	start := now()
	status, sendErr := d.send(ctx, del, ep, start)
	att := vocdesk.WebhookAttempt{At: start, StatusCode: status, Duration: now().Sub(start)}
	delivered := sendErr == nil
	if sendErr != nil {
		att.Error = sendErr.Error()
		att.Reason, att.Args = netfail.Reason(sendErr)
	}
	var priv ErrPrivate
	final := j.Attempt >= MaxAttempts || errors.As(sendErr, &priv)
	if err := d.Service.RecordAttempt(sys, del.ID, att, delivered, final); err != nil {
		return err
	}
	if sendErr != nil && errors.As(sendErr, &priv) {
		return jobs.Permanent(sendErr)
	}
	return sendErr
}

// send posts the delivery once, signed for this attempt's timestamp.
func (d *Deliverer) send(ctx context.Context, del *vocdesk.WebhookDelivery, ep *vocdesk.WebhookEndpoint, at time.Time) (int, error) {
	return postSigned(ctx, d.Client, d.UserAgent, ep.URL, ep.Secret, del.EventID, at, del.Body)
}

// postSigned posts body to url once, signed per Standard Webhooks for
// timestamp at: the one way vocdesk sends a signed request (developer
// webhooks, social replies).
func postSigned(ctx context.Context, client *http.Client, userAgent, url, secret, eventID string, at time.Time, body []byte) (int, error) {
	sig, err := Sign(secret, eventID, at, body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("webhooks: %w", err)
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", userAgent)
	h.Set("webhook-id", eventID)
	h.Set("webhook-timestamp", fmt.Sprint(at.Unix()))
	h.Set("webhook-signature", sig)
	res, err := client.Do(req)
	if err != nil {
		var priv ErrPrivate
		if errors.As(err, &priv) {
			return 0, netfail.Wrap(priv.Error(), priv).Because(ReasonPrivate)
		}
		return 0, withoutAddress(err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, refusedBy(res.Status, answer)
	}
	return res.StatusCode, nil
}

// ReasonPrivate is the kind of an ErrPrivate failure, for pages.
const ReasonPrivate = "webhook_private"

// bodyExcerpt is how much of a refusing answer's body is kept with it: its
// first line or so, the receiver's own words on why.
const bodyExcerpt = 200

// refusedBy is the failure of an answer other than 2xx. Its English is as
// it always was, the status line alone; the start of the body rides along
// as its kind's value.
func refusedBy(status string, body []byte) error {
	text := "webhooks: the server answered " + status
	if ex := netfail.Excerpt(string(body[:min(len(body), 4*bodyExcerpt)]), bodyExcerpt); ex != "" {
		return netfail.Wrap(text, nil).Because(netfail.StatusBody, status, ex)
	}
	return netfail.Wrap(text, nil).Because(netfail.Status, status)
}

// withoutAddress is a send error as the delivery log may show it. A network
// error names the address it dialled ("dial tcp 10.1.2.3:443: connect:
// connection refused"), the resolved address of the developer's host: it
// is replaced by what happened.
func withoutAddress(err error) error {
	var op *net.OpError
	if !errors.As(err, &op) {
		return netfail.New("webhooks: "+err.Error(), err)
	}
	cause := op.Err
	var sc *os.SyscallError
	if errors.As(cause, &sc) {
		cause = sc.Err
	}
	if op.Timeout() {
		return netfail.Wrap(fmt.Sprintf("webhooks: %s timed out", op.Op), err).Because(netfail.Timeout)
	}
	return netfail.New(fmt.Sprintf("webhooks: %s failed: %v", op.Op, cause), err)
}
