package vocdesk

import (
	"context"
	"net/url"
	"time"
)

// Webhook event types, sent to developers' servers (Standard Webhooks).
const (
	EventInquiryCreated      = "inquiry.created"
	EventInquiryReplied      = "inquiry.replied"
	EventCancellationUpdated = "cancellation.updated"
	EventPurchaseVoided      = "purchase.voided"
	// EventWebhookTest is the event a developer sends themself to check
	// that their server receives and verifies deliveries.
	EventWebhookTest = "webhook.test"
)

// EventInquiryMerged and EventInquiryMergeUndone tell of an inquiry's
// thread moving into another one (MergeService) and back.
const (
	EventInquiryMerged      = "inquiry.merged"
	EventInquiryMergeUndone = "inquiry.merge_undone"
)

// JobWebhookDeliver sends one webhook delivery; its payload is
// {"delivery_id": N}.
const JobWebhookDeliver = "webhook.deliver"

// WebhookEndpoint is where a developer's server takes deliveries, and the
// secret they are signed with ("whsec_" and base64, as Standard Webhooks
// libraries expect).
type WebhookEndpoint struct {
	DeveloperID int64
	URL         string
	Secret      string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Delivery states.
const (
	DeliveryPending   = "pending"   // not yet accepted by the server; retried with backoff
	DeliveryDelivered = "delivered" // the server answered 2xx
	DeliveryFailed    = "failed"    // retries ran out (after more than a day)
)

// WebhookDelivery is one event on its way to one developer's server. Retries
// and redeliveries send the same event id, so receivers can deduplicate.
type WebhookDelivery struct {
	ID          int64
	EventID     string // "msg_..." (the webhook-id header)
	DeveloperID int64
	Type        string
	Body        []byte // the exact JSON sent: {"type","timestamp","data"}
	Status      string
	Attempts    int
	// LastStatusCode is the HTTP status of the last attempt, 0 when it got
	// no answer (refused, timed out); LastError says why.
	LastStatusCode int
	LastError      string
	// LastReason and LastArgs are LastError's kind and values (netfail),
	// for pages that word it in their reader's language; "" when the
	// attempt was made before kinds were kept, or its kind is unknown.
	LastReason  string
	LastArgs    []string
	CreatedAt   time.Time
	DeliveredAt *time.Time
	Log         []WebhookAttempt // newest first, when asked for
}

// WebhookAttempt is one try at a delivery, for the delivery log.
type WebhookAttempt struct {
	At         time.Time
	StatusCode int
	Error      string // in English, as the API answers it
	// Reason and Args are Error's kind and values (netfail), for pages; ""
	// for an attempt made before kinds were kept.
	Reason   string
	Args     []string
	Duration time.Duration
}

// WebhookDeliveryFilter selects deliveries; the developer's own, newest first.
type WebhookDeliveryFilter struct {
	Status string
	Cursor string
	Limit  int
}

// ValidateWebhookURL checks the form of an endpoint URL. Whether its address
// is private is checked when it is dialled, since DNS may change meanwhile.
func ValidateWebhookURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case s == "" || len(s) > 2000:
		return Errorf(EINVALID, "url is required (at most 2000 characters)")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "":
		return Errorf(EINVALID, "url must be an absolute http or https URL")
	case u.User != nil:
		return Errorf(EINVALID, "url must not carry credentials")
	}
	return nil
}

// WebhookService keeps developers' endpoints and the delivery log.
type WebhookService interface {
	// SetWebhook sets the developer's endpoint (admins and API keys) and
	// returns it with its secret; the secret is kept when the URL changes,
	// unless rotate is set.
	SetWebhook(ctx context.Context, rawURL string, rotate bool) (*WebhookEndpoint, error)
	// Webhook returns the developer's endpoint for any of its members,
	// without its secret (only SetWebhook hands the secret out); ENOTFOUND
	// when none is set.
	Webhook(ctx context.Context) (*WebhookEndpoint, error)
	// FindWebhookDeliveries lists the developer's deliveries, newest first,
	// each with its attempts.
	FindWebhookDeliveries(ctx context.Context, f WebhookDeliveryFilter) ([]*WebhookDelivery, string, error)
	// Redeliver sends a delivery again (agents and above).
	Redeliver(ctx context.Context, id int64) (*WebhookDelivery, error)
	// SendTestEvent queues a webhook.test event to the developer's
	// endpoint, signed and sent like every event (agents and above);
	// EUNPROCESSABLE when no endpoint is set.
	SendTestEvent(ctx context.Context) (*WebhookDelivery, error)

	// DeliveryForSending returns a delivery and the endpoint to send it to
	// now; nil endpoint when the developer has none. The system only.
	DeliveryForSending(ctx context.Context, id int64) (*WebhookDelivery, *WebhookEndpoint, error)
	// RecordAttempt logs one try and moves the delivery to delivered, or to
	// failed when final is set. The system only.
	RecordAttempt(ctx context.Context, id int64, a WebhookAttempt, delivered, final bool) error
}
