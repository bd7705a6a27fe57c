package vocdesk

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ReconSource is what a reconciliation compared the store's purchases with.
type ReconSource string

const (
	ReconUpload     ReconSource = "upload"     // a server log file, streamed in
	ReconDeliveries ReconSource = "deliveries" // the deliveries the server pushed
)

// Reconciliation categories, as the contract spells them. Each store
// purchase falls into exactly one of the first six; each server record that
// matches no purchase counts once as ReconDeliveredNotPaid.
const (
	ReconMatched              = "matched"
	ReconPaidNotDelivered     = "paid_not_delivered"
	ReconAmountMismatch       = "amount_mismatch"
	ReconDuplicateDelivery    = "duplicate_delivery"
	ReconDeliveredAfterRefund = "delivered_after_refund"
	ReconRefunded             = "refunded"
	ReconDeliveredNotPaid     = "delivered_not_paid"
	// ReconOutsidePeriod is a server record of an uploaded log that names
	// a purchase of the developer paid outside the report's period: not
	// unpaid (delivered_not_paid), just another period's. The offline
	// reconcile command has no period and never uses it.
	ReconOutsidePeriod = "outside_period"
)

// ReconCategories lists every category of a stored report: the contract's,
// in its order, then outside_period.
var ReconCategories = []string{ReconMatched, ReconPaidNotDelivered, ReconAmountMismatch,
	ReconDuplicateDelivery, ReconDeliveredAfterRefund, ReconRefunded, ReconDeliveredNotPaid, ReconOutsidePeriod}

// IsReconListed reports whether a report lists the lines of category, each
// with its TxID: the exceptions, and the records outside the period.
func IsReconListed(category string) bool {
	return IsReconException(category) || category == ReconOutsidePeriod
}

// IsReconException reports whether category names a problem: every
// category but matched and refunded, as exceptions.csv lists them.
func IsReconException(category string) bool {
	switch category {
	case ReconPaidNotDelivered, ReconAmountMismatch, ReconDuplicateDelivery, ReconDeliveredAfterRefund, ReconDeliveredNotPaid:
		return true
	}
	return false
}

// ColumnMap maps the fields txid, tid, amount, currency to the developer's
// own column names; unmapped fields use their own name.
type ColumnMap map[string]string

// Reconciliation is one stored run and its report.
type Reconciliation struct {
	ID            int64
	DeveloperID   int64
	DeveloperSlug string
	Source        ReconSource
	FileName      string    // uploads: the file's name as sent
	Format        string    // uploads: "csv" or "jsonl"
	Columns       ColumnMap // uploads: the mapping used
	From, To      time.Time // purchases paid in [From, To)
	Counts        map[string]int64
	StoreRows     int64
	ServerRows    int64
	InvalidRows   int64
	Exceptions    int64 // rows stored in the exception list
	Errors        int64 // malformed rows stored (at most MaxReconErrors)
	CreatedBy     string
	CreatedAt     time.Time
}

// MaxReconErrors bounds the malformed rows a report keeps: a file that is
// wrong throughout (the wrong delimiter) would otherwise store one row per
// line. InvalidRows still counts every one.
const MaxReconErrors = 10000

// ReconException is one line of a report's exception list. Amounts are
// minor units; a side with no record has an empty currency. PurchaseID and
// CustomerID link the store side to its purchase when it has one.
type ReconException struct {
	ID             int64
	Category       string
	TxID, TID      string
	StoreAmount    int64
	StoreCurrency  string
	ServerAmount   int64
	ServerCurrency string
	PurchaseID     int64
	CustomerID     int64
}

// ReconRowError is a malformed row of the server log (or, rarely, of the
// store side), by its physical line.
type ReconRowError struct {
	Source  string // "store" or the file's name
	Line    int64
	Message string // in English, as the API words it
	// Reason names the problem (an Error's Reason) and Args are the values
	// its words take, as text: pages word the row in their reader's
	// language. "" on rows stored before reasons were kept, and on the
	// rare problems that have none.
	Reason string
	Args   []string
}

// ReconcileInput starts a reconciliation. For an upload, Log is read to its
// end, in blocks, while the purchases are already in memory; it is never
// held whole.
type ReconcileInput struct {
	Source   ReconSource
	From, To time.Time
	Log      io.Reader // ReconUpload
	FileName string
	Format   string    // "csv" (default) or "jsonl"
	Columns  ColumnMap // nil: the developer's remembered mapping
	SizeHint int64     // bytes of Log when known, to size the tables
}

// ReconFilter pages reports or exceptions.
type ReconFilter struct {
	Category string // exceptions only
	Cursor   string
	Limit    int // default 50, at most 200
}

// ReconSettings are a developer's reconciliation settings.
type ReconSettings struct {
	Columns ColumnMap // remembered from the last upload that named one
	// Continuous turns on the watch for undelivered purchases: a paid
	// purchase with no delivery DeliveryDeadline after it was paid is
	// flagged paid_not_delivered. It turns on by itself with the first
	// pushed delivery (from then on: older purchases are not flagged).
	Continuous       bool
	DeliveryDeadline time.Duration
}

// DefaultDeliveryDeadline is how long a purchase may wait for its delivery
// before continuous mode flags it.
const DefaultDeliveryDeadline = 10 * time.Minute

// DeliveryState is a purchase's reconciliation state, the evidence shown on
// an inquiry about it.
type DeliveryState string

const (
	StateDelivered            DeliveryState = "delivered"
	StateNotDelivered         DeliveryState = "not_delivered" // no delivery logged since paid_at
	StateAwaiting             DeliveryState = "awaiting"      // not yet, but still within the deadline
	StateAmountMismatch       DeliveryState = "amount_mismatch"
	StateDuplicateDelivery    DeliveryState = "duplicate_delivery"
	StateDeliveredAfterRefund DeliveryState = "delivered_after_refund"
	StateRefunded             DeliveryState = "refunded" // refunded and never delivered: consistent
)

// PurchaseReconState is what the desk shows about one purchase: its
// payment, the deliveries the developer's server logged for it, and the
// category they put it in under the contract's rules.
type PurchaseReconState struct {
	Purchase   *Purchase
	State      DeliveryState
	Deliveries []*Delivery // oldest first
	Deadline   time.Duration
	FlaggedAt  *time.Time // when continuous mode flagged it, if it did and it is still open
}

// DeliveryStateOf applies the contract's rules, in their order, to one
// purchase and the deliveries that match it. now and deadline tell a
// purchase still waiting within its deadline from one that is late.
func DeliveryStateOf(p *Purchase, ds []*Delivery, now time.Time, deadline time.Duration) DeliveryState {
	// Partly refunded purchases are reconciled as paid: the customer keeps
	// the item (the refund was for part of it), so a delivery is expected.
	if p.Status == PurchaseRefunded {
		if len(ds) > 0 {
			return StateDeliveredAfterRefund
		}
		return StateRefunded
	}
	if len(ds) == 0 {
		if now.Before(p.PaidAt.Add(deadline)) {
			return StateAwaiting
		}
		return StateNotDelivered
	}
	for _, d := range ds {
		if d.Amount != p.Amount || d.Currency != p.Currency {
			return StateAmountMismatch
		}
	}
	if len(ds) > 1 {
		return StateDuplicateDelivery
	}
	return StateDelivered
}

// ReconciliationService runs reconciliations, stores their reports, takes
// the deliveries a developer's server pushes, and answers what became of
// one purchase. Everything is scoped to the actor's developer.
type ReconciliationService interface {
	// PushDeliveries stores a batch (at most MaxDeliveryBatch) of the
	// caller's deliveries. Developers only, role agent or above. Results
	// are in batch order; err is for the batch as a whole.
	PushDeliveries(ctx context.Context, batch []*Delivery) ([]DeliveryResult, error)
	// FindDeliveries lists the caller's deliveries, newest first.
	FindDeliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, string, error)
	// MarkDelivered records a manual delivery of a purchase the actor may
	// see, with a note, and audits it.
	MarkDelivered(ctx context.Context, txid, note string) (*Delivery, error)
	// PurchaseState returns a purchase's reconciliation state.
	PurchaseState(ctx context.Context, txid string) (*PurchaseReconState, error)

	// Reconcile runs a reconciliation of the caller's purchases paid in
	// [From, To) and stores its report. Developers only.
	Reconcile(ctx context.Context, in ReconcileInput) (*Reconciliation, error)
	// FindReconciliations lists reports, newest first.
	FindReconciliations(ctx context.Context, f ReconFilter) ([]*Reconciliation, string, error)
	// FindReconciliation returns one report.
	FindReconciliation(ctx context.Context, id int64) (*Reconciliation, error)
	// FindReconExceptions pages a report's exceptions in report order.
	FindReconExceptions(ctx context.Context, id int64, f ReconFilter) ([]*ReconException, string, error)
	// EachReconException yields every exception of a report in order, for
	// the CSV export, without holding them all.
	EachReconException(ctx context.Context, id int64, category string, fn func(*ReconException) error) error
	// FindReconErrors returns a report's stored malformed rows.
	FindReconErrors(ctx context.Context, id int64, limit int) ([]*ReconRowError, error)

	// ReconSettings returns the caller's settings; SetReconSettings changes
	// them (owner or admin).
	ReconSettings(ctx context.Context) (*ReconSettings, error)
	SetReconSettings(ctx context.Context, s *ReconSettings) error
	// FindUndelivered lists the purchases continuous mode flagged and no
	// delivery has cleared yet, newest paid first.
	FindUndelivered(ctx context.Context, f ReconFilter) ([]*PurchaseReconState, string, error)
}

// ColumnFields are the server log's fields a ColumnMap may name.
var ColumnFields = []string{"txid", "tid", "amount", "currency"}

// ParseColumnMap reads "field=column,field=column" (the CLI's --map, the
// API's map parameter). Fields are txid, tid, amount and currency, each at
// most once; column names are trimmed and must not be empty. Column names
// holding "," or "=" cannot be written this way; the console's form sends
// them field by field instead.
func ParseColumnMap(s string) (ColumnMap, error) {
	m := ColumnMap{}
	if strings.TrimSpace(s) == "" {
		return m, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, Errorf(EINVALID, "map entry %q must be field=column", kv)
		}
		if err := m.Set(k, v); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Set maps field to column, checking both.
func (m ColumnMap) Set(field, column string) error {
	column = strings.TrimSpace(column)
	switch {
	case !slices.Contains(ColumnFields, field):
		return Errorf(EINVALID, "unknown field %q in the column map (fields: %s)", field, strings.Join(ColumnFields, ", "))
	case column == "" || len(column) > 200 || !utf8.ValidString(column):
		return Errorf(EINVALID, "field %s needs a column name of at most 200 characters", field)
	}
	if _, dup := m[field]; dup {
		return Errorf(EINVALID, "field %s is mapped twice", field)
	}
	m[field] = column
	return nil
}

// String writes the map back as ParseColumnMap reads it, fields in order.
func (m ColumnMap) String() string {
	var parts []string
	for _, f := range ColumnFields {
		if c, ok := m[f]; ok {
			parts = append(parts, f+"="+c)
		}
	}
	return strings.Join(parts, ",")
}

// Column is the column field is read from: its mapping, or its own name.
func (m ColumnMap) Column(field string) string {
	if c, ok := m[field]; ok {
		return c
	}
	return field
}
