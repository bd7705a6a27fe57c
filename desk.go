package vocdesk

import (
	"context"
	"strings"
	"time"
)

// CannedReply is a prepared answer a developer's agents insert into a reply.
// Body holds placeholders such as {{customer.name}} that desk.Render fills in
// by plain substitution; it is never executed as a template.
type CannedReply struct {
	ID          int64
	DeveloperID int64
	Name        string
	Locale      string // "ko" or "en"
	Body        string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks a canned reply before it is stored.
func (c *CannedReply) Validate() error {
	switch {
	case strings.TrimSpace(c.Name) == "" || len([]rune(c.Name)) > 100:
		return Errorf(EINVALID, "name is required (at most 100 characters)")
	case c.Locale != "ko" && c.Locale != "en":
		return Errorf(EINVALID, "locale must be ko or en")
	}
	return ValidateBody(c.Body)
}

// DayHours is one weekday's business hours in minutes since local midnight:
// [Open, Close). Open == Close means closed all day.
type DayHours struct {
	Open  int `json:"open"`
	Close int `json:"close"`
}

// BusinessHours holds the hours of each weekday, indexed by time.Weekday.
type BusinessHours [7]DayHours

// DefaultBusinessHours is Monday to Friday, 09:00 to 18:00.
func DefaultBusinessHours() BusinessHours {
	var h BusinessHours
	for d := time.Monday; d <= time.Friday; d++ {
		h[d] = DayHours{Open: 9 * 60, Close: 18 * 60}
	}
	return h
}

// Validate checks that every day is within the day and that some day is open.
func (h BusinessHours) Validate() error {
	open := false
	for d, dh := range h {
		if dh.Open < 0 || dh.Close > 24*60 || dh.Close < dh.Open {
			return Errorf(EINVALID, "business hours of %s must satisfy 0 <= open <= close <= 1440", time.Weekday(d))
		}
		open = open || dh.Close > dh.Open
	}
	if !open {
		return Errorf(EINVALID, "business hours must open on at least one day")
	}
	return nil
}

// SLAPolicy is a developer's response targets, counted in business minutes
// of its business hours (Asia/Seoul) and skipping the store's holidays.
type SLAPolicy struct {
	DeveloperID          int64
	DeveloperSlug        string // names the developer when an operator sets it
	FirstResponseMinutes int    // from the inquiry's first message to the first reply
	NextResponseMinutes  int    // from a customer's later message to the next reply
	Hours                BusinessHours
	// EscalationDays is the store's deadline in business days (store hours,
	// Monday to Friday 09:00-18:00): an inquiry unanswered that long is
	// escalated to the operators. Store-wide; developers only read it.
	EscalationDays int
	IsDefault      bool // the developer has not set a policy of its own
	UpdatedAt      time.Time
}

// Defaults of the SLA when a developer has set nothing.
const (
	DefaultFirstResponseMinutes = 8 * 60 // one business day
	DefaultNextResponseMinutes  = 4 * 60 // half a business day
	DefaultEscalationDays       = 3      // the store's deadline
	maxSLAMinutes               = 60 * 24 * 30
)

// DefaultSLAPolicy is the policy of a developer that has set none.
func DefaultSLAPolicy() *SLAPolicy {
	return &SLAPolicy{
		FirstResponseMinutes: DefaultFirstResponseMinutes,
		NextResponseMinutes:  DefaultNextResponseMinutes,
		Hours:                DefaultBusinessHours(),
		EscalationDays:       DefaultEscalationDays,
		IsDefault:            true,
	}
}

// Validate checks a policy's targets and hours.
func (p *SLAPolicy) Validate() error {
	switch {
	case p.FirstResponseMinutes <= 0 || p.FirstResponseMinutes > maxSLAMinutes:
		return Errorf(EINVALID, "first response target must be 1 to %d business minutes", maxSLAMinutes)
	case p.NextResponseMinutes <= 0 || p.NextResponseMinutes > maxSLAMinutes:
		return Errorf(EINVALID, "next response target must be 1 to %d business minutes", maxSLAMinutes)
	}
	return p.Hours.Validate()
}

// Holiday is a day the store is closed: Korean public holidays, substitute
// holidays, election days. Kept as data, since lunar holidays and the
// government's temporary holidays cannot be computed.
type Holiday struct {
	Date string // "2006-01-02", in Asia/Seoul
	Name string
}

// SavedView is a member's named inbox filter: Query is the inbox's URL query
// string (status=open&sort=due...), kept as the member typed it.
type SavedView struct {
	ID        int64
	MemberID  int64
	Name      string
	Query     string
	CreatedAt time.Time
}

// DeveloperNote is an operator's note on a developer's record (a warning
// about slow answers, a phone call with its owner). Developers never see it.
type DeveloperNote struct {
	ID            int64
	DeveloperID   int64
	DeveloperSlug string
	OperatorID    int64
	AuthorName    string
	Body          string
	CreatedAt     time.Time
}

// EscalationCount is how often a developer left customers waiting past the
// store's deadline: Open are escalated right now, Total ever.
type EscalationCount struct {
	DeveloperID   int64
	DeveloperSlug string
	DeveloperName string
	Open          int
	Total         int
	// StoreAnswers and StoreCancellations count the store's hand: answers
	// an operator gave the developer's customers in the store's name, and
	// purchases the store cancelled on its own initiative.
	StoreAnswers       int
	StoreCancellations int
}

// TagCount is a tag in use by a developer, with how many inquiries carry it.
type TagCount struct {
	Tag   string
	Count int
}

// Attachment limits: a message carries at most MaxAttachments files of at
// most MaxAttachmentSize bytes, each of a type in AttachmentTypes.
const (
	MaxAttachments    = 5
	MaxAttachmentSize = 10 << 20
)

// AttachmentTypes are the content types accepted, as sniffed from the bytes.
// None of them is rendered as active content by a browser.
var AttachmentTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}

// DeskService holds the desk's settings and the store's oversight: canned
// replies, SLA policies and holidays, saved views, tags, operators' notes on
// developers and the escalation of inquiries left waiting.
type DeskService interface {
	// CreateCannedReply, UpdateCannedReply and DeleteCannedReply manage the
	// actor's developer's canned replies (admins and owners).
	CreateCannedReply(ctx context.Context, c *CannedReply) error
	UpdateCannedReply(ctx context.Context, c *CannedReply) error
	DeleteCannedReply(ctx context.Context, id int64) error
	// FindCannedReplies lists the actor's developer's canned replies in a
	// locale ("" for all), by name.
	FindCannedReplies(ctx context.Context, locale string) ([]*CannedReply, error)

	// FindSLAPolicy returns the developer's policy, or the defaults.
	// Developers read their own (developerSlug may be ""), operators any.
	FindSLAPolicy(ctx context.Context, developerSlug string) (*SLAPolicy, error)
	// SetSLAPolicy stores the developer's policy (admins and owners, or
	// operators naming p.DeveloperSlug). It applies to waits that start later.
	SetSLAPolicy(ctx context.Context, p *SLAPolicy) error
	// SetEscalationDays sets the store's deadline in business days. Operators.
	SetEscalationDays(ctx context.Context, days int) error

	// FindHolidays lists the holidays of a year (0: all), by date.
	FindHolidays(ctx context.Context, year int) ([]*Holiday, error)
	// AddHoliday and DeleteHoliday keep the calendar. Operators.
	AddHoliday(ctx context.Context, h *Holiday) error
	DeleteHoliday(ctx context.Context, date string) error

	// CreateSavedView, FindSavedViews and DeleteSavedView keep the signed-in
	// member's own views.
	CreateSavedView(ctx context.Context, v *SavedView) error
	FindSavedViews(ctx context.Context) ([]*SavedView, error)
	DeleteSavedView(ctx context.Context, id int64) error

	// FindTags lists the tags on the actor's developer's inquiries.
	FindTags(ctx context.Context) ([]*TagCount, error)

	// AddDeveloperNote and FindDeveloperNotes keep operators' notes on a
	// developer's record. Operators only.
	AddDeveloperNote(ctx context.Context, n *DeveloperNote) error
	FindDeveloperNotes(ctx context.Context, developerSlug string) ([]*DeveloperNote, error)

	// EscalateOverdue marks inquiries unanswered past the store's deadline as
	// escalated (once each) and returns how many. Operators and the system;
	// a job runs it periodically.
	EscalateOverdue(ctx context.Context) (int, error)
	// FindEscalationCounts counts escalations per developer, most open first.
	// Operators only.
	FindEscalationCounts(ctx context.Context) ([]*EscalationCount, error)
}
