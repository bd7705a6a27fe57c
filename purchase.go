package vocdesk

import (
	"context"
	"strings"
	"time"
)

// Method is how a purchase was paid.
type Method string

const (
	MethodCarrier Method = "carrier" // carrier billing: on the phone bill
	MethodCard    Method = "card"
	MethodCash    Method = "cash" // store cash / points
	MethodGift    Method = "gift" // gift card or voucher
)

// Valid reports whether m is a known payment method.
func (m Method) Valid() bool {
	switch m {
	case MethodCarrier, MethodCard, MethodCash, MethodGift:
		return true
	}
	return false
}

// PurchaseStatus follows the money: paid, then partly or wholly refunded.
type PurchaseStatus string

const (
	PurchasePaid              PurchaseStatus = "paid"
	PurchasePartiallyRefunded PurchaseStatus = "partially_refunded"
	PurchaseRefunded          PurchaseStatus = "refunded"
)

// StatusFor derives a purchase's status from what was paid and refunded, so
// the status is never stored out of step with the ledger.
func StatusFor(amount, refunded int64) PurchaseStatus {
	switch {
	case refunded <= 0:
		return PurchasePaid
	case refunded < amount:
		return PurchasePartiallyRefunded
	}
	return PurchaseRefunded
}

// Purchase is one paid order of an app or an in-app item.
type Purchase struct {
	ID            int64
	TxID          string // the store's transaction id, unique in the store
	TID           string // the developer's own order id, unique per developer
	CustomerID    int64
	DeveloperID   int64
	DeveloperSlug string
	AppID         int64
	AppSlug       string
	AppName       string
	ItemID        int64
	ItemSKU       string
	ItemName      string
	Amount        int64 // minor units of Currency
	Currency      string
	Refunded      int64 // minor units refunded so far
	Method        Method
	Status        PurchaseStatus
	PaidAt        time.Time
	CreatedAt     time.Time
}

// Money returns what was paid.
func (p *Purchase) Money() Money { return Money{p.Amount, p.Currency} }

// Validate checks the fields a billing system sends, before any lookup.
func (p *Purchase) Validate() error {
	switch {
	case strings.TrimSpace(p.TxID) == "" || len(p.TxID) > 128:
		return Errorf(EINVALID, "txid is required (at most 128 characters)").Because("purchase_txid")
	case strings.TrimSpace(p.TID) == "" || len(p.TID) > 128:
		return Errorf(EINVALID, "tid is required (at most 128 characters)").Because("purchase_tid")
	case p.CustomerID <= 0:
		return Errorf(EINVALID, "customer_id is required").Because("purchase_customer")
	case p.AppSlug == "":
		return Errorf(EINVALID, "app is required").Because("purchase_app")
	case len(p.ItemSKU) > 128:
		return Errorf(EINVALID, "item is at most 128 characters").Because("purchase_item")
	case p.Amount <= 0:
		return Errorf(EINVALID, "amount must be greater than zero").Because("amount_positive")
	case !p.Method.Valid():
		return Errorf(EINVALID, "method must be one of carrier, card, cash, gift").Because("purchase_method")
	case p.PaidAt.IsZero():
		return Errorf(EINVALID, "paid_at is required").Because("purchase_paid_at")
	}
	if _, ok := CurrencyExponent(p.Currency); !ok {
		return Errorf(EINVALID, "unknown currency %q", p.Currency).Because("currency_unknown", p.Currency)
	}
	// Checked here too, not only at the HTTP edge, because files (vocdesk
	// import purchases) reach the ledger without passing through it.
	for _, f := range [...]struct{ name, v string }{{"txid", p.TxID}, {"tid", p.TID}, {"app", p.AppSlug}, {"item", p.ItemSKU}} {
		if err := CheckText(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// SameOrder reports whether q describes the same order as p, as the billing
// system sent it: the test that makes POST /purchases idempotent on txid.
func (p *Purchase) SameOrder(q *Purchase) bool {
	return p.TxID == q.TxID && p.TID == q.TID && p.CustomerID == q.CustomerID &&
		p.AppSlug == q.AppSlug && p.ItemSKU == q.ItemSKU && p.Amount == q.Amount &&
		p.Currency == q.Currency && p.Method == q.Method && p.PaidAt.Equal(q.PaidAt)
}

// PurchaseFilter selects purchases; every field is optional. Results are
// always scoped to the actor: a customer's own, a developer's apps', or all
// for operators.
type PurchaseFilter struct {
	// Q finds purchases by any id a customer may quote, exact match: the
	// TxID, the TID, the store's customer id, the customer's email (case
	// ignored) or phone number (digits compared). See AnyIDDigits.
	Q          string
	TxID       string
	TID        string
	CustomerID int64
	AppSlug    string
	From, To   time.Time // paid_at in [From, To)
	Cursor     string    // from a previous page's next cursor
	Limit      int       // default 50, at most 200
}

// PurchaseService is the store's purchase ledger.
type PurchaseService interface {
	// RecordPurchase stores a purchase from billing. Operators only. It is
	// idempotent on txid: the same order again returns the stored purchase
	// with created=false; other values under a known txid are ECONFLICT, as is
	// a tid the developer already used.
	RecordPurchase(ctx context.Context, p *Purchase) (created bool, err error)
	// ImportPurchases records a batch in one transaction, as a billing export
	// is loaded. errs[i] is the reason row i was rejected (nil when stored or
	// already present with the same values); err is for the batch as a whole.
	ImportPurchases(ctx context.Context, batch []*Purchase) (errs []error, err error)
	// FindPurchaseByTxID returns one purchase the actor may see.
	FindPurchaseByTxID(ctx context.Context, txid string) (*Purchase, error)
	// FindPurchases lists purchases the actor may see, newest paid first,
	// with the cursor of the next page ("" on the last).
	FindPurchases(ctx context.Context, f PurchaseFilter) ([]*Purchase, string, error)
}
