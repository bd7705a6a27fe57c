package vocdesk

import (
	"context"
	"time"
)

// Mail is one outgoing message to a person: a customer told of an answer or
// a refund, a developer told of a new inquiry.
type Mail struct {
	To        string `json:"to"`
	Subject   string `json:"subject"`
	Text      string `json:"text"`
	MessageID string `json:"message_id,omitempty"`  // so replies thread back to the inquiry
	InReplyTo string `json:"in_reply_to,omitempty"` // the inquiry's thread

	// Mail about an inquiry carries it, so that the relay can write the
	// desk's Message-ID, a reply address that threads back and the
	// threading headers on the desk's mail domain.
	DeveloperSlug string `json:"developer,omitempty"`
	FromName      string `json:"from_name,omitempty"` // the app or developer the customer knows
	InquiryID     int64  `json:"inquiry_id,omitempty"`
	// MessageRef is the thread message the mail carries (a developer's
	// answer); its delivery state is kept and shown in the thread.
	MessageRef int64 `json:"message_ref,omitempty"`
	// References are the Message-IDs (without brackets) of the customer's
	// mail in the thread, oldest first: the last is what the mail answers.
	References []string `json:"references,omitempty"`
	// Notice marks mail the desk writes by itself (a resolution, a refund):
	// it goes out as Auto-Submitted: auto-generated (RFC 3834), so that
	// the customer's autoresponder does not answer it.
	Notice bool `json:"notice,omitempty"`
	// Link is a page of the desk the mail points to, as a path
	// ("/console/inquiries/12#m3"): the store does not know where people
	// reach the server, so the mail job writes it after Text on the
	// server's public URL (--public-url).
	Link string `json:"link,omitempty"`
}

// Mailer sends mail. Production sends over SMTP; tests record.
type Mailer interface {
	Send(ctx context.Context, m *Mail) error
}

// MailState is where an answer's email stands.
type MailState string

const (
	MailQueued   MailState = "queued"   // waiting for its first attempt
	MailSent     MailState = "sent"     // the relay accepted it
	MailRetrying MailState = "retrying" // an attempt failed; another follows with backoff
	MailFailed   MailState = "failed"   // refused for good, or out of attempts
)

// MailDelivery is the email delivery of one thread message.
type MailDelivery struct {
	MessageRef int64 // the inquiry message
	InquiryID  int64
	To         string
	State      MailState
	Attempts   int
	LastError  string
	MessageID  string // the Message-ID it went out with
	UpdatedAt  time.Time
}

// MailDeliveryService keeps the delivery state of answers sent by email.
type MailDeliveryService interface {
	// RecordDelivery notes one attempt's outcome for a thread message.
	// System actor (the mail job).
	RecordDelivery(ctx context.Context, d *MailDelivery) error
	// FindDeliveries returns the deliveries of an inquiry's messages, by
	// message, to those who may see the inquiry (never to customers: the
	// state of mail is the desk's business).
	FindDeliveries(ctx context.Context, inquiryID int64) (map[int64]*MailDelivery, error)
}
