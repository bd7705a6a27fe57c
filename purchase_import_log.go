package vocdesk

import (
	"context"
	"time"
)

// PurchaseImport is one billing export imported through the back office:
// what came in, what was stored and what was refused. The rows themselves go
// through PurchaseService.ImportPurchases like the CLI's import.
type PurchaseImport struct {
	ID       int64
	FileName string
	Header   []string // the file's header row, for the rejected rows' report
	Rows     int64
	Stored   int64 // imported now or already there with the same values
	Rejected int64
	Elapsed  time.Duration
	Error    string // set when the import stopped early (a broken upload), in English
	// Where and why it stopped, for pages in other languages: the rows
	// read before the stop, and the error's code, reason and values (as
	// text). StopCode is "" when it did not stop, and on imports recorded
	// before these were kept, whose Error alone says it.
	StoppedAfter int64
	StopCode     string
	StopReason   string
	StopArgs     []string
	CreatedBy    string
	CreatedAt    time.Time
}

// PurchaseImportReject is a row the import refused: its physical line, the
// reason, and its fields as they were in the file.
type PurchaseImportReject struct {
	Line  int64
	Error string // the reason in English, as the API and the CLI word it
	// Reason names the refusal (an Error's Reason) and Args are the
	// values its words take, as text: pages word the reason in their
	// reader's language. "" on rows rejected before reasons were kept.
	Reason string
	Args   []string
	Record []string
}

// MaxImportRejectsKept bounds the rejected rows an import keeps for its
// report; Rejected still counts every one. A file refused throughout (the
// wrong delimiter) must not store a copy of itself.
const MaxImportRejectsKept = 10000

// PurchaseImportLog keeps the back office's imports and their rejected rows.
// Operators only.
type PurchaseImportLog interface {
	RecordImport(ctx context.Context, imp *PurchaseImport, rejects []PurchaseImportReject) error
	FindImports(ctx context.Context, limit int) ([]*PurchaseImport, error)
	FindImport(ctx context.Context, id int64) (*PurchaseImport, error)
	// EachImportReject streams an import's kept rejected rows, in line order.
	EachImportReject(ctx context.Context, id int64, fn func(*PurchaseImportReject) error) error
}
