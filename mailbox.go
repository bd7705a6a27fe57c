package vocdesk

import (
	"context"
	"time"
)

// MailOutcome is what became of a message that arrived by mail.
type MailOutcome string

const (
	MailInquiry   MailOutcome = "inquiry"    // it started an inquiry
	MailReply     MailOutcome = "reply"      // it joined an inquiry as the customer's message
	MailDuplicate MailOutcome = "duplicate"  // its Message-ID had arrived before
	MailAutoReply MailOutcome = "auto_reply" // a vacation notice, an autoresponder, the desk's own mail
	MailBounce    MailOutcome = "bounce"     // a delivery status notification
	MailUnparsed  MailOutcome = "unparsed"   // kept raw for the developer to read; never dropped
)

// Valid reports whether o is a known outcome.
func (o MailOutcome) Valid() bool {
	switch o {
	case MailInquiry, MailReply, MailDuplicate, MailAutoReply, MailBounce, MailUnparsed:
		return true
	}
	return false
}

// MailMessage is one entry of the mail log: a message as it arrived for one
// developer, and what became of it. Its raw bytes are kept apart and read
// with FindMailRaw.
type MailMessage struct {
	ID            int64
	DeveloperID   int64
	DeveloperSlug string
	MessageID     string // the Message-ID header without angle brackets; "" when absent
	From          string // the sender's address as the desk read it
	To            string // the recipient the message was delivered to (SLUG@DOMAIN or a reply address)
	Subject       string
	ReceivedAt    time.Time
	Outcome       MailOutcome
	InquiryID     int64  // the inquiry started or joined (or, for a duplicate, the first copy's); 0 when none
	Problem       string // what the desk could not read in it, for the developer; "" when all went well
	Size          int64
}

// MailFilter selects mail log entries; developers see only their own.
type MailFilter struct {
	Outcome   MailOutcome
	Developer string // operators: one developer's slug
	Cursor    string
	Limit     int
}

// InboundMail is a message handed over by the SMTP listener for one
// developer recipient, with the facts the store looks up for it. The mail
// package fills it from the parsed message.
type InboundMail struct {
	DeveloperSlug string
	Recipient     string // as given at RCPT, lower case
	From          string // the sender's address (From header, else the envelope)
	MessageID     string
	Subject       string
	Raw           []byte
	// ThreadIDs are inquiries the message names through the desk's own
	// addresses and Message-IDs (reply address first); RefIDs are every
	// Message-ID it refers to (In-Reply-To first, then References newest
	// first), looked up in the mail log and the desk's outgoing mail.
	ThreadIDs []int64
	RefIDs    []string
}

// MailFacts is what the store knows about an inbound message, read in the
// transaction that stores it, for the mail package's rules to decide on.
type MailFacts struct {
	DeveloperID int64
	Apps        []MailApp // the developer's apps, oldest first
	// CustomerID is the store customer whose email is the sender's; 0 when
	// none. Purchases are that customer's purchases of the developer's
	// apps, newest first.
	CustomerID int64
	Purchases  []MailPurchase
	// FirstCopy is the inquiry of an earlier message with the same
	// Message-ID for this developer (0 if it started none); Seen says
	// whether there was one.
	Seen      bool
	FirstCopy int64
	// Candidates are the inquiries the message names (by ThreadIDs, then by
	// RefIDs), in that order, each with who it belongs to.
	Candidates []ThreadCandidate
}

// MailApp is one of the developer's apps, for choosing an inquiry's app.
type MailApp struct {
	ID         int64
	Slug, Name string
}

// MailPurchase is one purchase of the sender, for linking a quoted TxID.
type MailPurchase struct {
	TxID  string
	AppID int64
}

// ThreadCandidate is an inquiry a message may belong to, with its customer.
type ThreadCandidate struct {
	InquiryID    int64
	DeveloperID  int64
	CustomerID   int64
	ContactEmail string
}

// MailDecision is what the rules decided: the outcome and, for inquiry and
// reply, the inquiry to open or the inquiry to join with the customer's
// message.
type MailDecision struct {
	Outcome   MailOutcome
	InquiryID int64    // reply: the inquiry joined; duplicate: the first copy's
	Inquiry   *Inquiry // inquiry: the inquiry to open (channel email)
	Message   *Message // inquiry and reply: the customer's words and files
	Problem   string
}

// MailDecider applies the intake's rules to the facts. It must be pure: the
// store may call it again when a transaction is retried.
type MailDecider func(f *MailFacts) *MailDecision

// MailService is the store side of the email channel: the mail log and the
// intake's one transaction.
type MailService interface {
	// DeveloperReceives reports whether developer slug exists (and so
	// receives mail at SLUG@DOMAIN). System actor.
	DeveloperReceives(ctx context.Context, slug string) (bool, error)
	// ReceiveMail stores m's raw bytes, reads the facts, applies decide and
	// carries out its decision in one transaction: once it returns nil the
	// message is durable. An inquiry the decision cannot create (a rule of
	// the desk says no) is stored as unparsed with the reason. System actor.
	ReceiveMail(ctx context.Context, m *InboundMail, decide MailDecider) (*MailMessage, error)
	// FindMailMessages lists the mail log, newest first: operators all,
	// developers their own.
	FindMailMessages(ctx context.Context, f MailFilter) ([]*MailMessage, string, error)
	// FindMailRaw returns a logged message and its bytes exactly as received.
	FindMailRaw(ctx context.Context, id int64) (*MailMessage, []byte, error)

	// The delivery state of answers that went out by email.
	MailDeliveryService
}
