package vocdesk

import (
	"context"
	"time"
)

// Bulk cancellation: the store's tool for an outage ("the server was down
// for two hours, refund everyone"). A developer uploads a spreadsheet of
// TxIDs (amount and reason optional); every row is checked, and each
// accepted row becomes one cancellation request with all the rules of one
// (scope, role, reservation, policy), exactly once however often the
// upload is retried.

// MaxBatchRows is the most rows one batch takes. ONE store recommends 100
// a file; 10,000 is an outage's worth and runs in seconds.
const MaxBatchRows = 10000

// CancellationBatchRow is one data row of an uploaded file, as written.
type CancellationBatchRow struct {
	Line   int    // the physical line (CSV) or row (xlsx); the header is 1
	TxID   string // trimmed
	Amount string // major units as written; "" means what is left
	Reason string // "" means customer_request
}

// Batch row outcomes and error codes. An error code names why a row was
// rejected; unknown_purchase also answers another developer's TxID, which
// must read exactly like one that does not exist.
const (
	BatchAccepted = "accepted"
	BatchRejected = "rejected"

	BatchErrMissingTxID      = "missing_txid"
	BatchErrUnknownPurchase  = "unknown_purchase"
	BatchErrDuplicateRow     = "duplicate_row"
	BatchErrInvalidAmount    = "invalid_amount"
	BatchErrInvalidReason    = "invalid_reason"
	BatchErrAlreadyRefunded  = "already_refunded"
	BatchErrAlreadyRequested = "already_requested" // what is left is held by open requests
	BatchErrOverRefundable   = "over_refundable"
)

// CancellationBatchItem is what became of one row.
type CancellationBatchItem struct {
	Line      int
	TxID      string
	Amount    int64 // minor units; 0 when the row was rejected before its purchase was known
	Currency  string
	Reason    CancellationReason
	Outcome   string // BatchAccepted or BatchRejected
	RequestID int64  // the cancellation request, once the batch has run
	Error     string // a BatchErr code when rejected
	// Done says the row has been carried out (its request made, or its
	// rejection final); a checked but not yet run row is not done.
	Done bool
}

// Batch states: checked and stored but not submitted (the console's
// preview), running, or done.
const (
	BatchReady   = "ready"
	BatchRunning = "running"
	BatchDone    = "done"
)

// CancellationBatch is an uploaded file and what became of its rows.
type CancellationBatch struct {
	ID          int64
	DeveloperID int64
	Status      string
	Rows        int
	Accepted    int
	Rejected    int
	Done        int // rows carried out so far: the progress bar
	Items       []*CancellationBatchItem
	CreatedAt   time.Time
	FinishedAt  *time.Time
}

// CancellationBatchService checks, stores and carries out batches.
// Developers (agent and above) only: another realm finds nothing, a lower
// role is EFORBIDDEN.
type CancellationBatchService interface {
	// CheckCancellationBatch checks rows as a batch would, and writes
	// nothing: the dry run. The batch it returns has no ID.
	CheckCancellationBatch(ctx context.Context, rows []CancellationBatchRow) (*CancellationBatch, error)
	// CreateCancellationBatch checks rows and stores them as a batch in
	// state ready under the Idempotency-Key key (scoped to the developer),
	// with fileHash naming the file. The same key and file again returns
	// the stored batch with created=false; the same key with another file
	// is EKEYREUSED.
	CreateCancellationBatch(ctx context.Context, key, fileHash string, rows []CancellationBatchRow) (b *CancellationBatch, created bool, err error)
	// RunCancellationBatch carries out every row not yet done, each in the
	// same transaction as the record that it was done, so that a crash and
	// a rerun (or two runs at once) make each request exactly once. It
	// returns the batch as it ends.
	RunCancellationBatch(ctx context.Context, id int64) (*CancellationBatch, error)
	// FindCancellationBatch returns a batch of the actor's with its items;
	// items false reads the counts only (for a progress bar).
	FindCancellationBatch(ctx context.Context, id int64, items bool) (*CancellationBatch, error)
}

// Money is the row's amount in its currency.
func (it *CancellationBatchItem) Money() Money {
	return Money{Amount: it.Amount, Currency: it.Currency}
}
