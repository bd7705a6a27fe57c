// Package recon reconciles a store's payment history with a developer's
// server log, by TxID and TID, exactly as the contract's "Offline
// reconciliation" section says. It knows no database: purchases and server
// records come from any source (files, a database query, an API upload)
// through the PurchaseSource and ServerSource interfaces, and a Matcher joins
// them in memory in a compact form sized for tens of millions of rows.
//
// The rules, in the order they are applied to each store purchase:
//
//  1. status refunded or cancelled: delivered_after_refund if any server record
//     matches it, else refunded;
//  2. no server record: paid_not_delivered;
//  3. any matching record differs in amount or currency: amount_mismatch;
//  4. more than one matching record: duplicate_delivery;
//  5. otherwise matched.
//
// A server record matches the purchase with its txid when its txid is not
// empty (with no fallback to tid when that txid is unknown), else the purchase
// with its tid. Each server record that matches nothing is delivered_not_paid.
//
// Decisions the contract leaves open, made here:
//
//   - A store row with an empty txid is invalid: the store issues a TxID for
//     every payment, so a row without one cannot be a purchase.
//   - A TID that appears on more than one valid store row (TIDs are unique per
//     developer, so this is a data problem, not a rule) is not an error: every
//     such row is a purchase reachable by its own txid, and a server record
//     without txid matches the first of them in store order ("first wins").
//     Result.DuplicateStoreTIDs counts the later rows.
//   - Only ids are trimmed of surrounding spaces; amount, currency and status
//     must be written exactly ("KRW", not " KRW").
//   - Exceptions are the problem categories: paid_not_delivered,
//     amount_mismatch, duplicate_delivery, delivered_after_refund (one per
//     store purchase, in store order) and delivered_not_paid (one per server
//     record, in server order, after the store purchases). A refunded purchase
//     that was never delivered is consistent, so it is counted, not listed.
package recon

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/vocdesk/vocdesk"
)

// Status is a store purchase's state in the store's payment history.
type Status uint8

const (
	StatusPaid Status = iota + 1
	StatusRefunded
	StatusCancelled
)

// ParseStatus reads a status as written in a store file.
func ParseStatus(b []byte) (Status, bool) {
	switch string(b) {
	case "paid":
		return StatusPaid, true
	case "refunded":
		return StatusRefunded, true
	case "cancelled":
		return StatusCancelled, true
	}
	return 0, false
}

func (s Status) String() string {
	switch s {
	case StatusPaid:
		return "paid"
	case StatusRefunded:
		return "refunded"
	case StatusCancelled:
		return "cancelled"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Category is the outcome of reconciliation for one store purchase or one
// unmatched server record.
type Category uint8

const (
	Matched Category = iota
	PaidNotDelivered
	AmountMismatch
	DuplicateDelivery
	DeliveredAfterRefund
	Refunded
	DeliveredNotPaid
	numCategories
)

var categoryNames = [numCategories]string{
	"matched", "paid_not_delivered", "amount_mismatch", "duplicate_delivery",
	"delivered_after_refund", "refunded", "delivered_not_paid",
}

// String returns the category's name as the contract spells it.
func (c Category) String() string {
	if c < numCategories {
		return categoryNames[c]
	}
	return fmt.Sprintf("Category(%d)", uint8(c))
}

// Categories lists every category in the contract's order.
func Categories() []Category {
	return []Category{Matched, PaidNotDelivered, AmountMismatch, DuplicateDelivery, DeliveredAfterRefund, Refunded, DeliveredNotPaid}
}

// Purchase is one row of the store's payment history. TxID and TID may point
// into a source's buffer: they are valid only during the call that receives
// the Purchase, and the Matcher copies what it keeps.
type Purchase struct {
	TxID, TID []byte
	Amount    int64  // minor units of Currency, not negative
	Currency  string // a code vocdesk.CurrencyExponent knows
	Status    Status
	Line      int64 // where the row came from, for error reports; 0 if not from a file

	// Filled by Matcher.PreparePurchases, possibly on another goroutine, so
	// that AddPurchases does less on the single ordered goroutine: the ids
	// already copied into an arena segment, and their hashes.
	prepared        bool
	txHash, tidHash uint32
	seg             *idSeg
	pos             int
}

// ServerRecord is one row of the developer's server log. TxID may be empty.
// Like Purchase, its byte slices are valid only during the call.
type ServerRecord struct {
	TxID, TID []byte
	Amount    int64
	Currency  string
	Line      int64

	// Filled by Matcher.Prepare: the index of the matching purchase plus one,
	// or 0 for none.
	resolved bool
	match    uint32
}

// RowError is a malformed row: it is reported and skipped, and never stops
// the run.
type RowError struct {
	File string // the source's name, e.g. the file name
	Line int64  // physical line of the row's first line; the header is line 1
	Err  string // a human message, in English, as errors.csv and the API word it
	// Reason names the problem (a vocdesk.Error's Reason) and Args are the
	// values its words take, for pages that say it in their reader's
	// language.
	Reason string
	Args   []any
}

// rowError is a malformed row refused with e, whose message, reason and
// values it keeps.
func rowError(file string, line int64, e *vocdesk.Error) RowError {
	return RowError{File: file, Line: line, Err: e.Message, Reason: e.Reason, Args: e.Args}
}

func (e RowError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Err) }

// PurchaseYield is what a PurchaseSource hands its rows to, in batches.
type PurchaseYield struct {
	// Prepare may be called from several goroutines at once, each time
	// before Add for the same batch; a source that does not work in parallel
	// may skip it. It precomputes what Add needs (hashes), off the ordered
	// goroutine.
	Prepare func([]Purchase)
	// Add is called for every batch of well-formed rows, from one goroutine,
	// in the source's order (which decides "first wins" for repeated ids).
	Add func([]Purchase)
	// Reject is called for every malformed row, on the same goroutine as Add,
	// before the Add of the batch that row belongs to.
	Reject func(RowError)
}

// PurchaseSource produces the store side: a file reader, a database query.
type PurchaseSource interface {
	Name() string
	Purchases(ctx context.Context, y PurchaseYield) error
}

// ServerYield is what a ServerSource hands its rows to; see PurchaseYield.
// Prepare finds each record's purchase, which is most of the work, so a
// source that calls it from several goroutines spreads the join over cores.
type ServerYield struct {
	Prepare func([]ServerRecord)
	Add     func([]ServerRecord)
	Reject  func(RowError)
}

// ServerSource produces the developer's server log.
type ServerSource interface {
	Name() string
	ServerRecords(ctx context.Context, y ServerYield) error
}

// Options tunes a reconciliation.
type Options struct {
	// OnError receives every malformed row, store rows first, each side in
	// its order. When nil, errors are collected in Result.Errors.
	OnError func(RowError)
}

// Reconcile reads every purchase, then every server record, and classifies
// them. It stops early only on a failing source (an I/O error) or ctx.
func Reconcile(ctx context.Context, store PurchaseSource, server ServerSource, opts Options) (*Result, error) {
	m := NewMatcher()
	defer m.EndPurchases() // stops the matcher's goroutine on every path
	if h, ok := store.(interface{ SizeHint() int }); ok {
		m.Grow(h.SizeHint())
	}
	var errs []RowError
	onError := opts.OnError
	if onError == nil {
		onError = func(e RowError) { errs = append(errs, e) }
	}
	// Errors of one batch (the source's and the matcher's) are held until
	// the batch is done, then reported in line order.
	var pending []RowError
	invalid := int64(0)
	reject := func(e RowError) { pending = append(pending, e) }
	flush := func() {
		slices.SortStableFunc(pending, func(a, b RowError) int { return cmp.Compare(a.Line, b.Line) })
		for _, e := range pending {
			onError(e)
		}
		invalid += int64(len(pending))
		pending = pending[:0]
	}

	storeName := store.Name()
	err := store.Purchases(ctx, PurchaseYield{
		Prepare: m.PreparePurchases,
		Add: func(rows []Purchase) {
			m.AddPurchases(rows, func(i int, err error) {
				reject(matchRowError(storeName, rows[i].Line, err))
			})
			flush()
		},
		Reject: reject,
	})
	flush()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", storeName, err)
	}
	m.EndPurchases()
	serverName := server.Name()
	err = server.ServerRecords(ctx, ServerYield{
		Prepare: m.PrepareServerRecords,
		Add: func(rows []ServerRecord) {
			m.AddServerRecords(rows, func(i int, err error) {
				reject(matchRowError(serverName, rows[i].Line, err))
			})
			flush()
		},
		Reject: reject,
	})
	flush()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", serverName, err)
	}
	res := m.Result()
	res.InvalidRows = invalid
	res.Errors = errs
	return res, nil
}
