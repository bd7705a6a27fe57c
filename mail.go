package vocdesk

import "context"

// Mail is one outgoing message to a person: a customer told of an answer or
// a refund, a developer told of a new inquiry.
type Mail struct {
	To        string `json:"to"`
	Subject   string `json:"subject"`
	Text      string `json:"text"`
	MessageID string `json:"message_id,omitempty"`  // so replies thread back to the inquiry
	InReplyTo string `json:"in_reply_to,omitempty"` // the inquiry's thread
}

// Mailer sends mail. Production sends over SMTP; tests record.
type Mailer interface {
	Send(ctx context.Context, m *Mail) error
}
