package vocdesk

import (
	"bytes"
	"context"
	"encoding/json"
	"time"
)

// JobInquiryWake wakes a snoozed inquiry at its time.
const JobInquiryWake = "inquiry.wake"

// Snooze is an inquiry put out of the inbox's default view until a time or
// until the customer's next message, whichever comes first.
type Snooze struct {
	InquiryID int64
	// Until is when it wakes; nil: only the customer's next message wakes it.
	Until     *time.Time
	ByName    string
	CreatedAt time.Time
}

// Snooze filter values of InquiryFilter.Snoozed.
const (
	SnoozedAny  = ""     // snoozed or not (the API's default, and customers')
	SnoozedHide = "hide" // awake only: the console inbox's default view
	SnoozedOnly = "only" // snoozed only: the inbox's "snoozed" filter
)

// MaxSnooze bounds how far ahead an inquiry can be snoozed.
const MaxSnooze = 366 * 24 * time.Hour

// SnoozeService snoozes and wakes inquiries: agents and above of the
// inquiry's developer.
type SnoozeService interface {
	// SnoozeInquiry snoozes inquiry id until until (nil: until the customer
	// replies); a customer's message wakes it in any case. Snoozing again
	// replaces the earlier snooze.
	SnoozeInquiry(ctx context.Context, id int64, until *time.Time) (*Snooze, error)
	// UnsnoozeInquiry wakes inquiry id by hand; waking an awake inquiry is
	// a no-op.
	UnsnoozeInquiry(ctx context.Context, id int64) error
	// FindSnooze returns inquiry id's snooze, or nil when it is awake.
	FindSnooze(ctx context.Context, id int64) (*Snooze, error)
	// FindSnoozes returns the snoozes of those of inquiries ids that are
	// snoozed and the actor's to see, by inquiry id: the inbox's snoozed
	// filter shows each row's wake time.
	FindSnoozes(ctx context.Context, ids []int64) (map[int64]*Snooze, error)
	// WakeDue is the wake job: it wakes inquiry id if its snooze still ends
	// at until (a later snooze or an earlier wake leaves nothing to do), with
	// an event in the thread and the unread mark in the assignee's inbox.
	WakeDue(ctx context.Context, id int64, until time.Time) error
}

// SnoozePreset is one of the snooze menu's choices.
type SnoozePreset struct {
	Name  string // later_today, tomorrow, next_week
	Until time.Time
}

// SnoozePresets are the menu's times from now in the viewer's zone: later
// today (three hours on, or tomorrow 9:00 if that passes 21:00), tomorrow
// at 9:00, and next Monday at 9:00.
func SnoozePresets(now time.Time, loc *time.Location) []SnoozePreset {
	t := now.In(loc)
	at9 := func(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc) }
	tomorrow := at9(t.AddDate(0, 0, 1))
	later := t.Add(3 * time.Hour).Truncate(time.Minute)
	if later.Hour() >= 21 || later.Day() != t.Day() {
		later = tomorrow
	}
	days := (8 - int(t.Weekday())) % 7
	if days == 0 {
		days = 7
	}
	return []SnoozePreset{
		{"later_today", later},
		{"tomorrow", tomorrow},
		{"next_week", at9(t.AddDate(0, 0, days))},
	}
}

// WakeJob is the payload of an inquiry.wake job.
type WakeJob struct {
	InquiryID int64 `json:"inquiry_id"`
	Until     int64 `json:"until"` // unix microseconds: the snooze it ends
}

// DecodeWakeJob reads a wake job's payload strictly: both fields, nothing
// else, one JSON object.
func DecodeWakeJob(payload []byte) (WakeJob, error) {
	var j WakeJob
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return WakeJob{}, Errorf(EINVALID, "wake job: %v", err)
	}
	if dec.More() {
		return WakeJob{}, Errorf(EINVALID, "wake job: trailing data")
	}
	if j.InquiryID <= 0 || j.Until <= 0 {
		return WakeJob{}, Errorf(EINVALID, "wake job: inquiry_id and until are required")
	}
	return j, nil
}
