package recon

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/vocdesk/vocdesk/csvsafe"
)

// Summary is summary.json: the contract's keys first, then a few more.
type Summary struct {
	Matched              int64 `json:"matched"`
	PaidNotDelivered     int64 `json:"paid_not_delivered"`
	AmountMismatch       int64 `json:"amount_mismatch"`
	DuplicateDelivery    int64 `json:"duplicate_delivery"`
	DeliveredAfterRefund int64 `json:"delivered_after_refund"`
	Refunded             int64 `json:"refunded"`
	DeliveredNotPaid     int64 `json:"delivered_not_paid"`
	InvalidRows          int64 `json:"invalid_rows"`
	StoreRows            int64 `json:"store_rows"`
	ServerRows           int64 `json:"server_rows"`
	DuplicateStoreTIDs   int64 `json:"duplicate_store_tids"`
}

// SummaryOf fills a Summary from a Result.
func SummaryOf(r *Result) Summary {
	return Summary{
		Matched:              r.Count(Matched),
		PaidNotDelivered:     r.Count(PaidNotDelivered),
		AmountMismatch:       r.Count(AmountMismatch),
		DuplicateDelivery:    r.Count(DuplicateDelivery),
		DeliveredAfterRefund: r.Count(DeliveredAfterRefund),
		Refunded:             r.Count(Refunded),
		DeliveredNotPaid:     r.Count(DeliveredNotPaid),
		InvalidRows:          r.InvalidRows,
		StoreRows:            r.StoreRows,
		ServerRows:           r.ServerRows,
		DuplicateStoreTIDs:   r.DuplicateStoreTIDs,
	}
}

// WriteSummary writes summary.json's content.
func WriteSummary(w io.Writer, r *Result) error {
	b, err := json.MarshalIndent(SummaryOf(r), "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ExceptionsHeader is exceptions.csv's header.
var ExceptionsHeader = []string{"category", "txid", "tid", "store_amount", "store_currency", "server_amount", "server_currency"}

// WriteExceptions writes exceptions.csv's content, in Result.Exceptions order.
func WriteExceptions(w io.Writer, r *Result) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(ExceptionsHeader); err != nil {
		return err
	}
	rec := make([]string, len(ExceptionsHeader))
	for e := range r.Exceptions() {
		rec[0], rec[1], rec[2] = e.Category.String(), e.TxID, e.TID
		rec[3], rec[4], rec[5], rec[6] = e.StoreAmount, e.StoreCurrency, e.ServerAmount, e.ServerCurrency
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ErrorsWriter writes errors.csv as errors arrive, so a file full of bad rows
// does not pile up in memory.
type ErrorsWriter struct {
	cw  *csvsafe.Writer
	err error
}

// NewErrorsWriter writes the header of errors.csv to w.
func NewErrorsWriter(w io.Writer) *ErrorsWriter {
	e := &ErrorsWriter{cw: csvsafe.NewWriter(w)}
	e.err = e.cw.Write([]string{"file", "line", "error"})
	return e
}

// Write adds one row; the first write error is kept for Flush.
func (e *ErrorsWriter) Write(re RowError) {
	if e.err == nil {
		e.err = e.cw.Write([]string{re.File, strconv.FormatInt(re.Line, 10), re.Err})
	}
}

// Flush writes what is buffered and returns the first error.
func (e *ErrorsWriter) Flush() error {
	e.cw.Flush()
	if e.err != nil {
		return e.err
	}
	return e.cw.Error()
}

// ReconcileToDir runs Reconcile and writes DIR/summary.json,
// DIR/exceptions.csv and DIR/errors.csv, creating DIR if missing. Errors
// stream to errors.csv as they are found (and to opts.OnError if set).
func ReconcileToDir(ctx context.Context, dir string, store PurchaseSource, server ServerSource, opts Options) (res *Result, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ef, err := os.Create(filepath.Join(dir, "errors.csv"))
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := ef.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	ebuf := bufio.NewWriterSize(ef, 1<<16)
	ew := NewErrorsWriter(ebuf)
	onError := opts.OnError
	opts.OnError = func(e RowError) {
		ew.Write(e)
		if onError != nil {
			onError(e)
		}
	}
	res, err = Reconcile(ctx, store, server, opts)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(ew.Flush(), ebuf.Flush()); err != nil {
		return nil, fmt.Errorf("write errors.csv: %w", err)
	}
	if err := writeFile(filepath.Join(dir, "exceptions.csv"), func(w io.Writer) error { return WriteExceptions(w, res) }); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "summary.json"), func(w io.Writer) error { return WriteSummary(w, res) }); err != nil {
		return nil, err
	}
	return res, nil
}

// writeFile writes a file through a buffer and reports a failed close, which
// is where a full disk often shows.
func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	err = fn(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}
