package vocdesk

import (
	"context"
	"time"
)

// MergeUndoWindow is how long after a merge it can be undone. Undo puts
// both inquiries back exactly as they were, so it is also refused once
// either has changed since (a reply, a note, a status).
const MergeUndoWindow = 10 * time.Minute

// InquiryMerge is one inquiry merged into another of the same customer (or
// the same email contact) and developer: the merged inquiry's thread,
// notes, attachments, tags and cancellation requests moved to the survivor,
// in time order; the merged one is closed and points to the survivor.
type InquiryMerge struct {
	ID          int64
	DeveloperID int64
	MergedID    int64
	SurvivorID  int64
	// SurvivorSubject is the survivor's subject, for the pointer's link.
	SurvivorSubject string
	MergedSubject   string
	MergedAt        time.Time
	UndoUntil       time.Time
	UndoneAt        *time.Time
}

// Undoable reports whether the merge may still be undone at now.
func (m *InquiryMerge) Undoable(now time.Time) bool {
	return m.UndoneAt == nil && now.Before(m.UndoUntil)
}

// ContactMerge is an email contact's inquiries (no store account linked,
// the contact's address on them) linked to the store account with that
// address.
type ContactMerge struct {
	CustomerID   int64
	CustomerName string
	Email        string
	InquiryIDs   []int64
}

// MergeService merges inquiries and contacts. Merging is the developer's
// (agents and above) within one developer and one customer: an inquiry of
// another developer or another customer answers as if it did not exist.
type MergeService interface {
	// MergeInquiry merges inquiry id into inquiry into, in one transaction.
	MergeInquiry(ctx context.Context, id, into int64) (*InquiryMerge, error)
	// UndoMerge undoes the live merge of inquiry id (the merged one) within
	// MergeUndoWindow, if neither inquiry changed since.
	UndoMerge(ctx context.Context, id int64) error
	// FindMerges returns the live merge of inquiry id into another (nil if
	// none) and the live merges of others into id. Customers see their own
	// inquiries' pointers.
	FindMerges(ctx context.Context, id int64) (out *InquiryMerge, in []*InquiryMerge, err error)
	// MergeCandidates lists the inquiries id could be merged into: the same
	// developer's and customer's (or contact's), not merged themselves,
	// newest first.
	MergeCandidates(ctx context.Context, id int64) ([]*Inquiry, error)
	// MergeContact links the email contact of inquiry id (an inquiry with no
	// store account) to the store account with the same address, with every
	// inquiry of that contact the actor may change: all of the store's for
	// operators, their own for developers (agents and above), and only to an
	// account the developer already knows (a purchase or an inquiry of its).
	MergeContact(ctx context.Context, id int64) (*ContactMerge, error)
}
