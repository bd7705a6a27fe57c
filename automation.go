package vocdesk

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Priority is how urgent an inquiry is; rules set it, the inquiry page shows
// it. An inquiry no rule touched is normal.
type Priority string

const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Priorities lists every priority, least urgent first.
func Priorities() []Priority {
	return []Priority{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}
}

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool { return slices.Contains(Priorities(), p) }

// Availability is whether a member takes new work: round-robin rules assign
// only members who are in. A member who never said is in.
type Availability string

const (
	AvailabilityIn   Availability = "in"
	AvailabilityAway Availability = "away"
)

// Macro is one click of an agent: reply from a canned reply (its
// placeholders filled for the inquiry), add an internal note, tag, assign
// and set the status, all in one transaction per inquiry.
type Macro struct {
	ID          int64
	DeveloperID int64
	Name        string
	Actions     MacroActions
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// MacroActions are what a macro does, in this order: the reply, the note,
// then tags, assignee and status (so the macro's status wins over the
// "waiting on customer" a reply sets). Empty fields do nothing.
type MacroActions struct {
	CannedReplyID int64         `json:"canned_reply_id,omitempty"`
	Note          string        `json:"note,omitempty"`
	AddTags       []string      `json:"add_tags,omitempty"`
	RemoveTags    []string      `json:"remove_tags,omitempty"`
	AssigneeID    int64         `json:"assignee_id,omitempty"`  // a member of the developer
	AssignToMe    bool          `json:"assign_to_me,omitempty"` // the member applying the macro
	Status        InquiryStatus `json:"status,omitempty"`
}

// Empty reports whether the actions would do nothing.
func (a MacroActions) Empty() bool {
	return a.CannedReplyID == 0 && strings.TrimSpace(a.Note) == "" && len(a.AddTags)+len(a.RemoveTags) == 0 &&
		a.AssigneeID == 0 && !a.AssignToMe && a.Status == ""
}

// Validate checks a macro's own fields; that its canned reply and assignee
// are its developer's is the store's check.
func (m *Macro) Validate() error {
	if err := validName(m.Name); err != nil {
		return err
	}
	a := m.Actions
	switch {
	case a.Empty():
		return Errorf(EINVALID, "a macro does at least one thing: reply, note, tag, assign or set a status").Because("macro_empty")
	case a.Status != "" && (!a.Status.Valid() || a.Status == InquiryNew):
		return Errorf(EINVALID, "status must be one of open, waiting_on_customer, resolved, closed").Because("status_invalid")
	case a.AssigneeID < 0 || a.CannedReplyID < 0:
		return Errorf(EINVALID, "ids are positive").Because("ids_positive")
	case a.AssigneeID != 0 && a.AssignToMe:
		return Errorf(EINVALID, "assign to a member or to me, not both").Because("assign_both")
	}
	if strings.TrimSpace(a.Note) != "" {
		if err := ValidateBody(a.Note); err != nil {
			return err
		}
	}
	return validTags(append(slices.Clone(a.AddTags), a.RemoveTags...))
}

// RuleEvent is what happened to an inquiry that a rule may react to.
type RuleEvent string

const (
	RuleOnCreated         RuleEvent = "created"
	RuleOnCustomerReplied RuleEvent = "customer_replied"
	RuleOnStatusChanged   RuleEvent = "status_changed"
)

// RuleEvents lists every event in the order forms show them.
func RuleEvents() []RuleEvent {
	return []RuleEvent{RuleOnCreated, RuleOnCustomerReplied, RuleOnStatusChanged}
}

// Rule runs by itself: on each of its events, when every condition holds,
// its actions are applied once (a retried event applies nothing again).
// Rules of a developer run in Position order.
type Rule struct {
	ID          int64
	DeveloperID int64
	Name        string
	Enabled     bool
	Position    int
	Events      []RuleEvent
	Conditions  RuleConditions
	Actions     RuleActions
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// RuleConditions must all hold; an empty list holds for everything. Within
// a list any value matches (channel email OR phone).
type RuleConditions struct {
	Channels   []Channel  `json:"channels,omitempty"`
	Categories []Category `json:"categories,omitempty"`
	Apps       []string   `json:"apps,omitempty"` // app slugs of the developer
	// Words match, case-insensitively, anywhere in the subject or the
	// message of the event (the first message, the customer's reply).
	Words []string `json:"words,omitempty"`
	// MinSpend holds when the customer has paid the developer at least
	// this much in its currency (refunds deducted); an unmatched contact
	// has spent nothing. Minor units, never a float.
	MinSpend *Money   `json:"min_spend,omitempty"`
	SLA      []string `json:"sla,omitempty"` // SLA* states at the event
}

// RuleActions are what a matching rule does. Empty fields do nothing.
type RuleActions struct {
	// AssignRoundRobin hands the inquiry to the next agent (agent role or
	// above) who is in, in turn; AssigneeID to one member.
	AssignRoundRobin bool     `json:"assign_round_robin,omitempty"`
	AssigneeID       int64    `json:"assignee_id,omitempty"`
	AddTags          []string `json:"add_tags,omitempty"`
	Priority         Priority `json:"priority,omitempty"`
	// CannedReplyID answers the customer with the canned reply, its
	// placeholders filled; the reply is the developer's, signed with the
	// rule's name.
	CannedReplyID int64 `json:"canned_reply_id,omitempty"`
}

// Maximum sizes of a rule, so that evaluating a developer's rule set stays
// a bounded amount of work per event.
const (
	MaxRules        = 200
	maxRuleWords    = 50
	maxRuleListSize = 20
)

// Validate checks a rule's own fields.
func (r *Rule) Validate() error {
	if err := validName(r.Name); err != nil {
		return err
	}
	if len(r.Events) == 0 {
		return Errorf(EINVALID, "a rule runs on at least one event: created, customer_replied, status_changed").Because("rule_no_event")
	}
	for _, e := range r.Events {
		if !slices.Contains(RuleEvents(), e) {
			return Errorf(EINVALID, "event must be one of created, customer_replied, status_changed").Because("event_invalid")
		}
	}
	c := r.Conditions
	if len(c.Channels) > maxRuleListSize || len(c.Categories) > maxRuleListSize || len(c.Apps) > maxRuleListSize ||
		len(c.SLA) > maxRuleListSize || len(c.Words) > maxRuleWords {
		return Errorf(EINVALID, "a condition lists at most %d values (%d words)", maxRuleListSize, maxRuleWords).
			Because("rule_list_max", maxRuleListSize, maxRuleWords)
	}
	for _, ch := range c.Channels {
		if !ch.Valid() {
			return Errorf(EINVALID, "channel must be one of store, email, phone, social, api").Because("channel_invalid")
		}
	}
	for _, k := range c.Categories {
		if !k.Valid() {
			return Errorf(EINVALID, "category must be one of refund, not_received, payment, bug, account, other").Because("category_invalid")
		}
	}
	for _, s := range c.SLA {
		switch s {
		case SLANone, SLAOK, SLADueSoon, SLABreached:
		default:
			return Errorf(EINVALID, "sla must be one of none, ok, due_soon, breached").Because("sla_invalid")
		}
	}
	for _, w := range c.Words {
		if n := utf8.RuneCountInString(strings.TrimSpace(w)); n == 0 || n > 100 {
			return Errorf(EINVALID, "a word is 1 to 100 characters").Because("word_length", 100)
		}
		if err := CheckText("words", w); err != nil {
			return err
		}
	}
	if m := c.MinSpend; m != nil {
		if _, ok := CurrencyExponent(m.Currency); !ok {
			return Errorf(EINVALID, "min_spend currency %q is not an ISO 4217 code vocdesk knows", m.Currency).Because("currency_unknown", m.Currency)
		}
		if m.Amount < 0 {
			return Errorf(EINVALID, "min_spend amount is zero or more").Because("spend_negative")
		}
	}
	a := r.Actions
	switch {
	case !a.AssignRoundRobin && a.AssigneeID == 0 && len(a.AddTags) == 0 && a.Priority == "" && a.CannedReplyID == 0:
		return Errorf(EINVALID, "a rule does at least one thing: assign, tag, set a priority or reply").Because("rule_empty")
	case a.AssignRoundRobin && a.AssigneeID != 0:
		return Errorf(EINVALID, "assign round-robin or to a member, not both").Because("rr_both")
	case a.AssigneeID < 0 || a.CannedReplyID < 0:
		return Errorf(EINVALID, "ids are positive").Because("ids_positive")
	case a.Priority != "" && !a.Priority.Valid():
		return Errorf(EINVALID, "priority must be one of low, normal, high, urgent").Because("priority_invalid")
	}
	return validTags(a.AddTags)
}

func validName(name string) error {
	if n := utf8.RuneCountInString(strings.TrimSpace(name)); n == 0 || n > 100 {
		return Errorf(EINVALID, "name is required (at most 100 characters)").Because("name_required", 100)
	}
	return CheckText("name", name)
}

// validTags checks tags as the inquiry's tags are checked on update.
func validTags(tags []string) error {
	if len(tags) > 20 {
		return Errorf(EINVALID, "at most 20 tags").Because("tags_count", 20)
	}
	for _, t := range tags {
		if n := utf8.RuneCountInString(strings.TrimSpace(t)); n == 0 || n > 40 {
			return Errorf(EINVALID, "a tag is 1 to 40 characters").Because("tag_length", 40)
		}
		if err := CheckText("tag", t); err != nil {
			return err
		}
	}
	return nil
}

// MacroResult is what applying a macro did to one inquiry: Error is empty
// when every action was applied, else nothing was (one transaction each).
type MacroResult struct {
	InquiryID int64
	Code      string // the error's code, "" on success
	Error     string
	// Reason and Args are the error's (ErrorReason), for pages that word
	// it in their reader's language; Error is the API's English.
	Reason string
	Args   []any
}

// RuleRunPreview is what a rule would do to one inquiry in a dry run.
type RuleRunPreview struct {
	Inquiry *Inquiry
	Matched bool
	// Actions say what would happen, e.g. "assign: 김민지 (round-robin)",
	// "tag: vip", "priority: high", "reply: 환불 안내".
	Actions []string
}

// AutomationService is the desk's automation: macros agents apply, rules
// that run by themselves, and members' availability for round-robin.
type AutomationService interface {
	// FindMacros, CreateMacro, UpdateMacro and DeleteMacro manage the
	// actor's developer's macros: every member reads them, admins and
	// owners change them.
	FindMacros(ctx context.Context) ([]*Macro, error)
	FindMacro(ctx context.Context, id int64) (*Macro, error)
	CreateMacro(ctx context.Context, m *Macro) error
	UpdateMacro(ctx context.Context, m *Macro) error
	DeleteMacro(ctx context.Context, id int64) error
	// ApplyMacro applies the macro to each inquiry (agents and above), each
	// in its own transaction: all of its actions or none. An inquiry the
	// actor may not see is reported not found, like a missing one.
	ApplyMacro(ctx context.Context, id int64, inquiryIDs []int64) ([]MacroResult, error)

	// FindRules, FindRule, CreateRule, UpdateRule and DeleteRule manage the
	// actor's developer's rules (admins and owners change them).
	FindRules(ctx context.Context) ([]*Rule, error)
	FindRule(ctx context.Context, id int64) (*Rule, error)
	CreateRule(ctx context.Context, r *Rule) error
	UpdateRule(ctx context.Context, r *Rule) error
	DeleteRule(ctx context.Context, id int64) error
	// DryRunRule evaluates r (saved or not) against the developer's last 100
	// inquiries as if each had just been created, and says what it would
	// do. It writes nothing, the round-robin cursor included.
	DryRunRule(ctx context.Context, r *Rule) ([]*RuleRunPreview, error)

	// SetAvailability sets a member in or away: the member themself, or an
	// admin or owner of the developer for anyone of it.
	SetAvailability(ctx context.Context, memberID int64, av Availability) error
	// FindAvailability is every member of the actor's developer and whether
	// they are in, by member id.
	FindAvailability(ctx context.Context) (map[int64]Availability, error)
	// FindPriority is an inquiry's priority (normal when none was set).
	FindPriority(ctx context.Context, inquiryID int64) (Priority, error)
	// SetPriority sets an inquiry's priority by hand (agents and above).
	SetPriority(ctx context.Context, inquiryID int64, p Priority) error
}
