package vocdesk

import (
	"context"
	"strings"
	"time"
)

// Channel is where an inquiry came from.
type Channel string

const (
	ChannelStore  Channel = "store" // My Page and the customer API
	ChannelEmail  Channel = "email"
	ChannelPhone  Channel = "phone" // written down by a call-centre agent
	ChannelSocial Channel = "social"
	ChannelAPI    Channel = "api" // created by a developer's or operator's integration
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	switch c {
	case ChannelStore, ChannelEmail, ChannelPhone, ChannelSocial, ChannelAPI:
		return true
	}
	return false
}

// Category is what an inquiry is about.
type Category string

const (
	CategoryRefund      Category = "refund"
	CategoryNotReceived Category = "not_received"
	CategoryPayment     Category = "payment"
	CategoryBug         Category = "bug"
	CategoryAccount     Category = "account"
	CategoryOther       Category = "other"
)

// Categories lists every category in the order forms show them.
func Categories() []Category {
	return []Category{CategoryRefund, CategoryNotReceived, CategoryPayment, CategoryBug, CategoryAccount, CategoryOther}
}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	for _, k := range Categories() {
		if c == k {
			return true
		}
	}
	return false
}

// InquiryStatus is where an inquiry stands in the workflow
// new > open > waiting_on_customer > resolved > closed; a customer's message
// reopens it.
type InquiryStatus string

const (
	InquiryNew               InquiryStatus = "new"                 // nobody at the developer has acted yet
	InquiryOpen              InquiryStatus = "open"                // the developer is on it; the customer waits
	InquiryWaitingOnCustomer InquiryStatus = "waiting_on_customer" // answered; the ball is with the customer
	InquiryResolved          InquiryStatus = "resolved"            // solved (by either side); may be rated
	InquiryClosed            InquiryStatus = "closed"              // archived; a new message reopens it
)

// InquiryStatuses lists every status in workflow order.
func InquiryStatuses() []InquiryStatus {
	return []InquiryStatus{InquiryNew, InquiryOpen, InquiryWaitingOnCustomer, InquiryResolved, InquiryClosed}
}

// Valid reports whether s is a known status.
func (s InquiryStatus) Valid() bool {
	for _, k := range InquiryStatuses() {
		if s == k {
			return true
		}
	}
	return false
}

// Author says who wrote a message.
type Author string

const (
	AuthorCustomer  Author = "customer"
	AuthorDeveloper Author = "developer"
	AuthorOperator  Author = "operator"
	AuthorSystem    Author = "system" // events: status changes, refunds, escalation
)

// Inquiry is one conversation between one customer and one developer, about
// one app and usually one purchase.
type Inquiry struct {
	ID            int64
	DeveloperID   int64
	DeveloperSlug string
	AppID         int64
	AppSlug       string
	AppName       string

	// CustomerID is 0 when the inquiry could not be matched to a store
	// account (an email from an unknown address, a phone call); Contact*
	// then hold what the channel gave.
	CustomerID   int64
	CustomerName string
	ContactEmail string
	ContactPhone string

	PurchaseID int64 // 0 for a general inquiry about the app
	TxID       string
	// WithholdIDs is set on a phone inquiry whose caller did not agree to
	// hand their payment ids to the developer (call.go): the developer then
	// reads it without CustomerID, PurchaseID, TxID and contacts.
	WithholdIDs bool

	Channel  Channel
	Category Category
	Subject  string
	Status   InquiryStatus

	AssigneeID   int64 // a member of the developer; 0 when unassigned
	AssigneeName string
	Tags         []string
	// Priority is how urgent the desk holds it (rules and agents set it):
	// the developer's, never shown to the customer.
	Priority Priority

	Rating        int // 1-5 after resolution, 0 when not rated
	RatingComment string

	// UnreadByCustomer is set when the developer answers and cleared when
	// the customer opens the inquiry; UnreadByDeveloper the other way round.
	UnreadByCustomer  bool
	UnreadByDeveloper bool

	CreatedAt       time.Time
	UpdatedAt       time.Time
	LastMessageAt   time.Time
	FirstResponseAt *time.Time
	// WaitingSince is when the customer's oldest unanswered message arrived;
	// nil when nothing is waiting for the developer.
	WaitingSince *time.Time
	// DueAt is when the SLA's current target (first or next response) runs
	// out; nil when nothing is waiting.
	DueAt       *time.Time
	EscalatedAt *time.Time
}

// Message is one entry of an inquiry's thread.
type Message struct {
	ID          int64
	InquiryID   int64
	Author      Author
	AuthorID    int64 // customer, member or operator id; 0 for system and integrations
	AuthorName  string
	Body        string
	Internal    bool // a developer's note: never shown to the customer
	Attachments []*Attachment
	CreatedAt   time.Time
	// Event is what a system message records (Author is AuthorSystem); nil
	// for people's messages and for events stored before it existed.
	Event *MessageEvent
	// Email is how an answer's email to the customer went; set by the
	// desk's pages and API from MailDeliveryService, never for customers.
	Email *MailDelivery
	// Social is how an answer on a social inquiry went to its connector;
	// set like Email, never for customers.
	Social *SocialDelivery
}

// Attachment is a file sent with a message: a screenshot or a PDF. Content is
// served only to the parties of the inquiry, never as HTML.
type Attachment struct {
	ID          int64
	MessageID   int64
	Filename    string
	ContentType string // sniffed from the bytes, not taken from the sender
	Size        int64
	Data        []byte // set on upload; not loaded with messages
}

// MaxSubject and MaxBody bound what a person can send in one message.
const (
	MaxSubject = 200
	MaxBody    = 20000
)

// Validate checks a new inquiry's own fields before any lookup.
func (in *Inquiry) Validate() error {
	switch {
	case !in.Channel.Valid():
		return Errorf(EINVALID, "channel must be one of store, email, phone, social, api")
	case !in.Category.Valid():
		return Errorf(EINVALID, "category must be one of refund, not_received, payment, bug, account, other")
	case strings.TrimSpace(in.Subject) == "":
		return Errorf(EINVALID, "subject is required")
	case len([]rune(in.Subject)) > MaxSubject:
		return Errorf(EINVALID, "subject is at most %d characters", MaxSubject)
	case in.TxID == "" && in.AppSlug == "" && in.AppID == 0:
		return Errorf(EINVALID, "app or txid is required")
	}
	// Here as well as at the HTTP edge, so that text from every channel
	// (mail, phone logs, imports) keeps HighlightStart and HighlightEnd out.
	return CheckText("subject", in.Subject)
}

// ValidateBody checks a message body.
func ValidateBody(body string) error {
	switch {
	case strings.TrimSpace(body) == "":
		return Errorf(EINVALID, "body is required").Because("body_empty")
	case len([]rune(body)) > MaxBody:
		return Errorf(EINVALID, "body is at most %d characters", MaxBody).Because("body_too_long", MaxBody)
	}
	return CheckText("body", body)
}

// SLA states an inquiry can be in, for filters and the inbox's timers.
const (
	SLANone     = "none"     // nothing waits for the developer
	SLAOK       = "ok"       // waiting, target not near
	SLADueSoon  = "due_soon" // less than a quarter of the target left
	SLABreached = "breached" // past the target
)

// InquiryFilter selects inquiries; every field is optional. Results are
// scoped to the actor: a customer's own, a developer's apps', all for operators.
type InquiryFilter struct {
	Status     []InquiryStatus
	Category   Category
	Channel    Channel
	AppSlug    string
	AssigneeID int64 // -1 for unassigned
	Tag        string
	Priority   Priority // only inquiries of this priority (normal: none set, or set to normal)
	CustomerID int64
	TxID       string
	From, To   time.Time // created_at in [From, To)
	SLA        string    // one of the SLA* states
	Escalated  bool      // only escalated inquiries (the operator's queue)
	Snoozed    string    // one of the Snoozed* values: snoozed or not, awake only, snoozed only
	Q          string    // full text over subjects and messages, Korean and English
	Sort       string    // "newest" (default), "waiting" (longest waiting first), "due" (SLA due first)
	Cursor     string
	Limit      int // default 50, at most 200
}

// InquiryUpdate changes an inquiry's workflow fields; nil fields stay.
type InquiryUpdate struct {
	Status     *InquiryStatus
	AssigneeID *int64 // 0 unassigns
	AddTags    []string
	RemoveTags []string
}

// SearchHit is an inquiry found by full text, with the matching text
// highlighted: Snippet holds plain text with the matches between the
// HighlightStart and HighlightEnd markers, for the caller to escape and mark.
type SearchHit struct {
	Inquiry *Inquiry
	Snippet string
}

// Markers that delimit highlighted matches in SearchHit.Snippet. They are
// control characters that never occur in stored text.
const (
	HighlightStart = "\x02"
	HighlightEnd   = "\x03"
)

// InquiryService is the desk: inquiries, their threads and the workflow.
type InquiryService interface {
	// CreateInquiry opens an inquiry with its first message. Customers create
	// on the store channel about their own purchases or any app; operators
	// and the system (email, phone, social intake) for any customer;
	// developers on the api channel for their own apps' customers.
	CreateInquiry(ctx context.Context, in *Inquiry, first *Message) error
	// FindInquiryByID returns an inquiry the actor may see.
	FindInquiryByID(ctx context.Context, id int64) (*Inquiry, error)
	// FindMessages returns the thread, oldest first; customers never get
	// internal notes.
	FindMessages(ctx context.Context, inquiryID int64) ([]*Message, error)
	// FindThread is FindInquiryByID and FindMessages in one read: the
	// inquiry page's first need.
	FindThread(ctx context.Context, id int64) (*Inquiry, []*Message, error)
	// FindInquiries lists inquiries the actor may see, with the next cursor.
	FindInquiries(ctx context.Context, f InquiryFilter) ([]*Inquiry, string, error)
	// SearchInquiries is FindInquiries with f.Q required, returning snippets.
	SearchInquiries(ctx context.Context, f InquiryFilter) ([]*SearchHit, string, error)
	// CountInquiries counts the actor's inquiries per status under f (its
	// Status field ignored), for the inbox's tabs.
	CountInquiries(ctx context.Context, f InquiryFilter) (map[InquiryStatus]int, error)
	// AddMessage appends to the thread and moves the workflow: a customer's
	// message reopens, a developer's reply waits on the customer, a note
	// changes nothing. The other side is told (unread marker, mail outbox).
	AddMessage(ctx context.Context, inquiryID int64, m *Message) error
	// UpdateInquiry changes status, assignee or tags (agents and above).
	UpdateInquiry(ctx context.Context, id int64, u InquiryUpdate) (*Inquiry, error)
	// BulkUpdateInquiries applies u to each id the actor may change; ids it
	// may not see are skipped silently, and the count changed is returned.
	BulkUpdateInquiries(ctx context.Context, ids []int64, u InquiryUpdate) (int, error)
	// RateInquiry records the customer's rating of a resolved inquiry.
	RateInquiry(ctx context.Context, id int64, rating int, comment string) error
	// MarkRead clears the actor's side's unread marker.
	MarkRead(ctx context.Context, id int64) error
	// FindAttachment returns an attachment with its bytes, to the parties of
	// its inquiry only (internal notes' attachments: not to customers).
	FindAttachment(ctx context.Context, id int64) (*Attachment, error)
}
