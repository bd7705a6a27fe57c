package vocdesk

import (
	"context"
	"time"
)

// NotificationKind says what a notification is about.
type NotificationKind string

// NotifyMention: a teammate named the member in an internal note.
const NotifyMention NotificationKind = "mention"

// Notification tells one member of a developer that something needs them:
// a teammate mentioned them in a note. It points at the inquiry and the
// message; ReadAt is nil until the member opens or marks it.
type Notification struct {
	ID        int64
	Kind      NotificationKind
	InquiryID int64
	MessageID int64
	Subject   string // the inquiry's subject, for the list
	ByName    string // who mentioned
	Excerpt   string // the start of the note
	CreatedAt time.Time
	ReadAt    *time.Time
}

// NotificationFilter pages a member's notifications, newest first.
type NotificationFilter struct {
	UnreadOnly bool
	Limit      int
}

// NotificationService is the signed-in member's notifications. Members see
// only their own; API keys and other realms have none.
type NotificationService interface {
	FindNotifications(ctx context.Context, f NotificationFilter) ([]*Notification, error)
	CountUnread(ctx context.Context) (int, error)
	// MarkRead marks one notification (id > 0) or all of them (id 0) read.
	// Another member's notification is not found.
	MarkRead(ctx context.Context, id int64) error
}
