package vocdesk

import (
	"context"
	"time"
)

// PurchaseImport is one billing export imported through the back office:
// what came in, what was stored and what was refused. The rows themselves go
// through PurchaseService.ImportPurchases like the CLI's import.
type PurchaseImport struct {
	ID        int64
	FileName  string
	Header    []string // the file's header row, for the rejected rows' report
	Rows      int64
	Stored    int64 // imported now or already there with the same values
	Rejected  int64
	Elapsed   time.Duration
	Error     string // set when the import stopped early (a broken upload)
	CreatedBy string
	CreatedAt time.Time
}

// PurchaseImportReject is a row the import refused: its physical line, the
// reason, and its fields as they were in the file.
type PurchaseImportReject struct {
	Line   int64
	Error  string
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
