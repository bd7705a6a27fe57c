package vocdesk

import (
	"strconv"
	"strings"
	"time"
)

// MaxDeliveryBatch is the most deliveries one push may carry: enough for a
// server that pushes every few seconds, small enough that a batch is one
// short transaction and its answer stays readable.
const MaxDeliveryBatch = 1000

// DeliverySource says where a delivery record came from.
type DeliverySource string

const (
	// DeliveryPushed: the developer's server pushed it through the API.
	DeliveryPushed DeliverySource = "api"
	// DeliveryManual: a member marked the purchase delivered by hand, from
	// the evidence of an inquiry ("redeliver").
	DeliveryManual DeliverySource = "manual"
)

// Delivery is one record of the developer's server log: the developer says
// it handed the item of a payment over. It is the developer's claim, stored
// per developer; it names a purchase by TxID (when the server knows it) or
// by TID, exactly as a row of an uploaded log does.
type Delivery struct {
	ID          int64
	DeveloperID int64
	// DeliveryID is the developer's own id of the record, optional. When
	// given it is the natural key: the same DeliveryID again is the same
	// delivery. Without it the key is (TxID, TID, DeliveredAt, Amount,
	// Currency): a server that retries a push sends the same values, while
	// a second real delivery of the same payment differs at least in time.
	DeliveryID  string
	TxID        string // may be empty
	TID         string
	Amount      int64 // minor units of Currency, not negative
	Currency    string
	DeliveredAt time.Time
	Source      DeliverySource
	Note        string // manual deliveries: why
	CreatedBy   string // who recorded it (a member's or key's name)
	CreatedAt   time.Time
}

// Money returns what the developer says was delivered.
func (d *Delivery) Money() Money { return Money{d.Amount, d.Currency} }

// Validate checks a pushed delivery before any lookup.
func (d *Delivery) Validate() error {
	switch {
	case len(d.DeliveryID) > 128:
		return Errorf(EINVALID, "delivery_id is at most 128 characters")
	case strings.TrimSpace(d.TID) == "" || len(d.TID) > 128:
		return Errorf(EINVALID, "tid is required (at most 128 characters)")
	case len(d.TxID) > 128:
		return Errorf(EINVALID, "txid is at most 128 characters")
	case d.Amount < 0:
		return Errorf(EINVALID, "amount must not be negative")
	case d.DeliveredAt.IsZero():
		return Errorf(EINVALID, "delivered_at is required")
	case len(d.Note) > 2000:
		return Errorf(EINVALID, "note is at most 2000 characters")
	}
	if _, ok := CurrencyExponent(d.Currency); !ok {
		return Errorf(EINVALID, "unknown currency %q", d.Currency)
	}
	return nil
}

// NaturalKey is what makes two pushes the same delivery (see DeliveryID).
// Ids are trimmed, as the reconciliation engine trims them.
func (d *Delivery) NaturalKey() string {
	if d.DeliveryID != "" {
		return "id:" + d.DeliveryID
	}
	return "k:" + strings.TrimSpace(d.TxID) + "\x1f" + strings.TrimSpace(d.TID) + "\x1f" +
		strconv.FormatInt(d.DeliveredAt.UTC().UnixMicro(), 10) + "\x1f" +
		strconv.FormatInt(d.Amount, 10) + d.Currency
}

// SameRecord reports whether e carries the same values as d: a retried push.
func (d *Delivery) SameRecord(e *Delivery) bool {
	return strings.TrimSpace(d.TxID) == strings.TrimSpace(e.TxID) && strings.TrimSpace(d.TID) == strings.TrimSpace(e.TID) &&
		d.Amount == e.Amount && d.Currency == e.Currency && d.DeliveredAt.Equal(e.DeliveredAt)
}

// DeliveryOutcome is what became of one delivery of a push.
type DeliveryOutcome string

const (
	DeliveryCreated   DeliveryOutcome = "created"
	DeliveryDuplicate DeliveryOutcome = "duplicate" // already stored with the same values
	DeliveryRejected  DeliveryOutcome = "rejected"  // invalid, or its delivery_id is taken by other values
)

// DeliveryResult is the outcome of one delivery of a push, in batch order.
// Err is set for rejected deliveries (an *Error with a code and a message).
type DeliveryResult struct {
	Outcome DeliveryOutcome
	Err     error
}

// DeliveryFilter selects the caller's deliveries; every field is optional.
type DeliveryFilter struct {
	TxID   string
	TID    string
	Cursor string
	Limit  int // default 50, at most 200
}
