package vocdesk

import (
	"context"
	"time"
)

// Presence is a member of the developer who has an inquiry open in the
// console right now, and whether they are typing a reply. Only members of
// the inquiry's developer see each other; nobody else has any.
type Presence struct {
	MemberID int64
	Name     string
	Typing   bool
	SeenAt   time.Time
}

// PresenceTTL is how long a page's last heartbeat keeps its member present.
// A page beats every PresenceBeat; a tab closed without saying so (a crash,
// a lost network) drops out after at most PresenceTTL. A tab that closes
// normally leaves at once.
const (
	PresenceBeat = 4 * time.Second
	PresenceTTL  = 10 * time.Second
	// TypingTTL is how long one keystroke keeps "typing" shown.
	TypingTTL = 6 * time.Second
)

// PresenceService keeps who has which inquiry open. It is shared by every
// process through the database, so two agents on two servers behind a load
// balancer see each other.
type PresenceService interface {
	// Beat records that the signed-in member has the inquiry open (and,
	// when typing, that they are typing a reply). An inquiry the member
	// may not see is not found.
	Beat(ctx context.Context, inquiryID int64, typing bool) error
	// Leave removes the member from the inquiry (the page closed).
	Leave(ctx context.Context, inquiryID int64) error
	// Present lists the other members of the actor's developer present on
	// the inquiry, by name.
	Present(ctx context.Context, inquiryID int64) ([]Presence, error)
}
