package vocdesk

import (
	"context"
	"strings"
	"time"
)

// The call centre: the store's operators write down what a customer said on
// the phone (domain.md: "log phone calls from the call centre"). The store
// is the merchant of record and holds the customer's payment ids; before it
// hands them to a developer, the caller must agree, and the call records
// that answer.

// CallConsent is the caller's answer to "may we give the developer your
// payment ids (TxID, TID, receipt) and contact details?", as the agent
// recorded it.
type CallConsent struct {
	Given  bool
	At     time.Time
	ByID   int64  // the operator who recorded it; 0 for an operator API key
	ByName string // their name (the key's name for a key)
}

// Call is one phone call as the agent logs it: who called (an email or a
// phone number, which finds the store customer), what about, and the
// consent.
type Call struct {
	Caller   string // the caller's email or phone number, as given
	AppSlug  string // optional when TxID is given
	TxID     string // the purchase the call is about; optional
	Category Category
	Subject  string // optional: the summary's first line
	Summary  string // the agent's account of the call: the thread's first message
	Consent  bool
}

// MaxCallSubject bounds a subject taken from a summary's first line.
const MaxCallSubject = 80

// Validate checks a call's own fields before any lookup.
func (c *Call) Validate() error {
	caller := strings.TrimSpace(c.Caller)
	switch {
	case caller == "":
		return Errorf(EINVALID, "customer (the caller's email or phone number) is required").Because("call_caller")
	case strings.Contains(caller, "@") && !ValidEmail(caller),
		!strings.Contains(caller, "@") && AnyIDDigits(caller) == "":
		return Errorf(EINVALID, "customer must be an email address or a phone number").Because("call_caller")
	case !c.Category.Valid():
		return Errorf(EINVALID, "category must be one of refund, not_received, payment, bug, account, other").Because("category_invalid")
	case c.AppSlug == "" && c.TxID == "":
		return Errorf(EINVALID, "app or txid is required").Because("call_app_or_txid")
	}
	return ValidateBody(c.Summary)
}

// CallSubject is the subject of the inquiry a call opens: the one given, or
// the summary's first line, cut at MaxCallSubject characters.
func (c *Call) CallSubject() string {
	if s := strings.TrimSpace(c.Subject); s != "" {
		return s
	}
	line, _, _ := strings.Cut(strings.TrimSpace(c.Summary), "\n")
	line = strings.TrimSpace(line)
	if r := []rune(line); len(r) > MaxCallSubject {
		line = string(r[:MaxCallSubject-1]) + "…"
	}
	return line
}

// CallService is the call centre's side of the desk. Operators only: for
// everyone else its calls answer ENOTFOUND.
type CallService interface {
	// FindCaller finds the store customer with the caller's email or phone
	// number (digits compared), masked as the call centre sees them, and
	// their purchases, newest first; ENOTFOUND when none matches.
	FindCaller(ctx context.Context, caller string) (*Customer, []*Purchase, error)
	// LogCall opens a phone inquiry for the app's developer with the
	// summary as its first message, written by the operator, and records
	// the consent. A caller that is no store customer is kept as the
	// inquiry's contact.
	LogCall(ctx context.Context, c *Call) (*Inquiry, error)
	// FindConsent returns the consent recorded with a phone inquiry, to
	// operators; ENOTFOUND when the inquiry has none.
	FindConsent(ctx context.Context, inquiryID int64) (*CallConsent, error)
}
