package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sheet"
)

// batchRunTimeout bounds a batch's run after its request: a client that
// hangs up does not stop it (the rows go on being carried out), and a
// retry with the same key resumes whatever a crash left.
const batchRunTimeout = 5 * time.Minute

// cancellationBatchJSON is a batch as API clients read it.
type cancellationBatchJSON struct {
	ID         *int64                      `json:"id"`
	Status     string                      `json:"status"`
	DryRun     bool                        `json:"dry_run"`
	Rows       int                         `json:"rows"`
	Accepted   int                         `json:"accepted"`
	Rejected   int                         `json:"rejected"`
	Done       int                         `json:"done"`
	CreatedAt  string                      `json:"created_at"`
	FinishedAt *string                     `json:"finished_at"`
	Items      []cancellationBatchItemJSON `json:"items"`
}

type cancellationBatchItemJSON struct {
	Line      int     `json:"line"`
	TxID      string  `json:"txid"`
	Amount    *string `json:"amount"`
	Currency  *string `json:"currency"`
	Reason    string  `json:"reason"`
	Outcome   string  `json:"outcome"`
	RequestID *int64  `json:"request_id"`
	Error     *string `json:"error"`
}

func newCancellationBatchJSON(b *vocdesk.CancellationBatch, dryRun bool) cancellationBatchJSON {
	out := cancellationBatchJSON{Status: b.Status, DryRun: dryRun, Rows: b.Rows, Accepted: b.Accepted, Rejected: b.Rejected,
		Done: b.Done, CreatedAt: timeJSON(b.CreatedAt), FinishedAt: timePtrJSON(b.FinishedAt),
		Items: make([]cancellationBatchItemJSON, 0, len(b.Items))}
	if !dryRun {
		id := b.ID
		out.ID = &id
	}
	for _, it := range b.Items {
		j := cancellationBatchItemJSON{Line: it.Line, TxID: it.TxID, Reason: string(it.Reason), Outcome: it.Outcome}
		if it.Currency != "" {
			amount, cur := vocdesk.FormatAmount(it.Amount, it.Currency), it.Currency
			j.Amount, j.Currency = &amount, &cur
		}
		if it.RequestID != 0 {
			id := it.RequestID
			j.RequestID = &id
		}
		if it.Error != "" {
			e := it.Error
			j.Error = &e
		}
		out.Items = append(out.Items, j)
	}
	return out
}

// readBatchFile reads an uploaded spreadsheet: its rows and its hash.
func readBatchFile(w http.ResponseWriter, r *http.Request) ([]vocdesk.CancellationBatchRow, string, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, sheet.MaxBytes))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, "", vocdesk.Errorf(vocdesk.ETOOLARGE, "the file is over %d MiB", sheet.MaxBytes>>20)
	} else if err != nil {
		return nil, "", vocdesk.Errorf(vocdesk.EINVALID, "the file could not be read")
	}
	rows, err := sheet.ReadCancellationBatch(body)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(body)
	return rows, hex.EncodeToString(sum[:]), nil
}

// createCancellationBatch is POST /cancellation-batches: a spreadsheet of
// TxIDs, checked (dry_run=true: and nothing more), else stored under the
// Idempotency-Key and carried out before the answer.
func (s *Server) createCancellationBatch(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cancellations()
	if err != nil {
		return err
	}
	dryRun := false
	switch v := r.URL.Query().Get("dry_run"); v {
	case "", "false":
	case "true":
		dryRun = true
	default:
		return vocdesk.Errorf(vocdesk.EINVALID, "dry_run must be true or false")
	}
	key := r.Header.Get("Idempotency-Key")
	if !dryRun && key == "" {
		return vocdesk.Errorf(vocdesk.EINVALID, "the Idempotency-Key header is required")
	}
	rows, hash, err := readBatchFile(w, r)
	if err != nil {
		return err
	}
	if dryRun {
		b, err := svc.CheckCancellationBatch(r.Context(), rows)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, newCancellationBatchJSON(b, true))
		return nil
	}
	b, _, err := svc.CreateCancellationBatch(r.Context(), key, hash, rows)
	if err != nil {
		return err
	}
	if b.Status != vocdesk.BatchDone {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), batchRunTimeout)
		defer cancel()
		if b, err = svc.RunCancellationBatch(ctx, b.ID); err != nil {
			return err
		}
	}
	// A repeat answers as the first did: the same batch, 201.
	writeJSON(w, http.StatusCreated, newCancellationBatchJSON(b, false))
	return nil
}

// findBatch reads the batch the path names, with its items.
func (s *Server) findBatch(r *http.Request) (*vocdesk.CancellationBatch, error) {
	svc, err := s.cancellations()
	if err != nil {
		return nil, err
	}
	id, err := parseID("cancellation batch", r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return svc.FindCancellationBatch(r.Context(), id, true)
}

func (s *Server) getCancellationBatch(w http.ResponseWriter, r *http.Request) error {
	b, err := s.findBatch(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newCancellationBatchJSON(b, false))
	return nil
}

// exportCancellationBatch is GET /cancellation-batches/{id}/results.csv:
// the rows and what became of each, for the developer's own records.
func (s *Server) exportCancellationBatch(w http.ResponseWriter, r *http.Request) error {
	b, err := s.findBatch(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="cancellation-batch-`+strconv.FormatInt(b.ID, 10)+`.csv"`)
	return sheet.WriteBatchResults(w, b)
}

// The sample files to fill in.
func (s *Server) cancellationBatchTemplateCSV(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="cancellation-batch.csv"`)
	_, _ = io.WriteString(w, sheet.TemplateCSV)
	return nil
}

func (s *Server) cancellationBatchTemplateXLSX(w http.ResponseWriter, r *http.Request) error {
	b, err := sheet.TemplateXLSX()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", sheet.ContentTypeXLSX)
	w.Header().Set("Content-Disposition", `attachment; filename="cancellation-batch.xlsx"`)
	_, _ = w.Write(b)
	return nil
}
