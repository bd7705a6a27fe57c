package sqlstore

import (
	"context"
	"time"

	"github.com/vocdesk/vocdesk"
)

// Webhook event types of the desk: the developer's server hears of a new
// inquiry and of every message on its thread that the customer can see
// (internal notes stay inside the console).
const (
	eventInquiryCreated     = vocdesk.EventInquiryCreated
	eventInquiryReplied     = vocdesk.EventInquiryReplied
	eventInquiryMerged      = vocdesk.EventInquiryMerged
	eventInquiryMergeUndone = vocdesk.EventInquiryMergeUndone
)

// inquiryEvent is the data of a desk webhook: enough for the developer's
// server to find the inquiry and the purchase, without the message text,
// which may hold a customer's personal details; the server fetches the
// thread through the API when it wants it.
type inquiryEvent struct {
	InquiryID int64                 `json:"inquiry_id"`
	App       string                `json:"app"`
	Channel   vocdesk.Channel       `json:"channel"`
	Category  vocdesk.Category      `json:"category"`
	Status    vocdesk.InquiryStatus `json:"status"`
	TxID      string                `json:"txid,omitempty"`
	MessageID int64                 `json:"message_id"`
	Author    vocdesk.Author        `json:"author"`
	At        string                `json:"created_at"`
}

// inquiryWebhook enqueues a desk event for the inquiry's developer in the
// caller's transaction (nothing when the developer has no endpoint).
// The TxID of a call whose customer withheld it (call.go) stays out.
func (tx *Tx) inquiryWebhook(ctx context.Context, eventType string, in *vocdesk.Inquiry, m *vocdesk.Message) error {
	txid := in.TxID
	if in.WithholdIDs {
		txid = ""
	}
	return tx.EnqueueWebhook(ctx, in.DeveloperID, eventType, inquiryEvent{
		InquiryID: in.ID, App: in.AppSlug, Channel: in.Channel, Category: in.Category, Status: in.Status,
		TxID: txid, MessageID: m.ID, Author: m.Author, At: m.CreatedAt.Format(time.RFC3339),
	})
}

// mergeEvent is the data of inquiry.merged and inquiry.merge_undone: which
// inquiry's thread went into which (and, on an undo, back). Like the other
// desk events it names no customer.
type mergeEvent struct {
	MergeID    int64  `json:"merge_id"`
	InquiryID  int64  `json:"inquiry_id"`
	SurvivorID int64  `json:"survivor_id"`
	App        string `json:"app"`
	At         string `json:"created_at"`
}

// mergeWebhook enqueues a merge event in the merge's (or undo's)
// transaction, so the developer's server hears of it exactly when it holds.
func (tx *Tx) mergeWebhook(ctx context.Context, eventType string, g *vocdesk.InquiryMerge, app string) error {
	return tx.EnqueueWebhook(ctx, g.DeveloperID, eventType, mergeEvent{
		MergeID: g.ID, InquiryID: g.MergedID, SurvivorID: g.SurvivorID, App: app, At: tx.now.Format(time.RFC3339),
	})
}
