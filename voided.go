package vocdesk

import "time"

// VoidedPurchase is one completed refund, full or partial, as the developer's
// server learns of it: the item behind it should be taken back.
type VoidedPurchase struct {
	ID             int64 // the refund entry's id
	TxID           string
	TID            string
	AppSlug        string
	Amount         int64 // what this refund gave back, minor units
	Currency       string
	PurchaseStatus PurchaseStatus // the purchase's status now
	Source         CancellationSource
	Reason         CancellationReason
	VoidedAt       time.Time
}

// VoidedFilter selects voided purchases; results are the developer's own
// (all for operators), newest first.
type VoidedFilter struct {
	Since  time.Time // voided at or after
	Cursor string
	Limit  int // default 50, at most 200
}
