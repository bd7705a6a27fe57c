// Package purchaseimport reads a store billing export (CSV) into purchases
// and loads it through vocdesk.PurchaseService.ImportPurchases in batches,
// parsing the next batch while the previous one is written.
package purchaseimport

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// Columns are the header names a billing export must have, in any order;
// other columns are ignored.
var Columns = [...]string{"txid", "tid", "customer_id", "app", "item", "amount", "currency", "method", "paid_at"}

// ColumnHelp describes the columns for a person preparing a file (the
// command's -h prints it).
const ColumnHelp = `The file is CSV (UTF-8, with or without a byte-order mark) with a header row
naming these columns, in any order; other columns are ignored:
  txid         the store's transaction id (unique)
  tid          the developer's own order id
  customer_id  the store's customer id (a positive number)
  app          the app's slug
  item         the item's SKU in that app
  amount       a decimal string in major units of the currency: 1200 (KRW), 0.99 (USD)
  currency     an ISO 4217 code: KRW, USD, ...
  method       carrier, card, cash or gift
  paid_at      an RFC 3339 time: 2026-11-27T13:05:00+09:00
A row already imported with the same values is counted as stored again; a row
that cannot be imported is rejected with its line and reason, and the others
go on.`

const (
	colTxID = iota
	colTID
	colCustomer
	colApp
	colItem
	colAmount
	colCurrency
	colMethod
	colPaidAt
	numCols
)

// ErrFormat marks a file that cannot be imported at all: no header, or a
// required column missing. Row-level problems are RowErrors instead. Both
// carry their reason and its values (vocdesk.ErrorReason) for pages that
// word them in their reader's language; their text stays English.
var ErrFormat = errors.New("not a purchase export")

// RowError is a row that was rejected. Line is the physical line the row
// starts on, the header being line 1.
type RowError struct {
	Line int
	Err  error
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *RowError) Unwrap() error { return e.Err }

// Reader reads purchases from a billing export: UTF-8 with or without a
// byte-order mark, LF or CRLF, RFC 4180 quoting, blank lines skipped.
type Reader struct {
	csv    *csv.Reader
	header []string
	cols   [numCols]int
	record []string
	line   int
}

// NewReader reads the header of r. It fails with ErrFormat when the file is
// empty or lacks a column of Columns.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted here, so a short row is one rejected row
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		cols := strings.Join(Columns[:], ",")
		return nil, formatError(vocdesk.Errorf(vocdesk.EINVALID, "the file is empty (expected a header: %s)", cols).
			Because("import_empty", cols))
	}
	if err != nil {
		return nil, csvHeaderRefusal(err)
	}
	rd := &Reader{csv: cr, header: append([]string(nil), header...)}
	index := map[string]int{}
	for i, h := range rd.header {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := index[h]; !dup {
			index[h] = i
		}
	}
	var missing []string
	for c, name := range Columns {
		i, ok := index[name]
		if !ok {
			missing = append(missing, name)
		}
		rd.cols[c] = i
	}
	if len(missing) > 0 {
		cols, header := strings.Join(missing, ", "), strings.Join(rd.header, ",")
		return nil, formatError(vocdesk.Errorf(vocdesk.EINVALID, "missing column(s) %s (header: %s)", cols, header).
			Because("import_missing_columns", cols, header))
	}
	return rd, nil
}

// Header is the file's header row.
func (r *Reader) Header() []string { return r.header }

// Record is the raw fields of the row last read, valid until the next Read:
// for writing rejected rows out as they were.
func (r *Reader) Record() []string { return r.record }

// Line is the physical line the row last read starts on.
func (r *Reader) Line() int { return r.line }

// Read parses the next row into p. It returns io.EOF at the end, a
// *RowError for a row that must be rejected (the reader goes on with the
// next row), and other errors for a broken input stream.
func (r *Reader) Read(p *vocdesk.Purchase) error {
	rec, err := r.csv.Read()
	r.record = rec
	if err == io.EOF {
		return io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		r.line = pe.StartLine
		return &RowError{Line: pe.StartLine, Err: csvRowRefusal(pe.Err)}
	}
	if err != nil {
		return err
	}
	r.line, _ = r.csv.FieldPos(0)
	if len(rec) != len(r.header) {
		return &RowError{Line: r.line, Err: refuse(vocdesk.Errorf(vocdesk.EINVALID, "%d fields, the header has %d", len(rec), len(r.header)).
			Because("import_field_count", len(rec), len(r.header)))}
	}
	if err := r.parse(rec, p); err != nil {
		return &RowError{Line: r.line, Err: err}
	}
	return nil
}

// parse fills p from one record. The fields of rec share one string
// allocated by encoding/csv per record, so p's strings cost nothing more.
func (r *Reader) parse(rec []string, p *vocdesk.Purchase) error {
	return ParseFields(
		rec[r.cols[colTxID]], rec[r.cols[colTID]], rec[r.cols[colCustomer]],
		rec[r.cols[colApp]], rec[r.cols[colItem]], rec[r.cols[colAmount]],
		rec[r.cols[colCurrency]], rec[r.cols[colMethod]], rec[r.cols[colPaidAt]], p)
}

// ParseFields turns the fields of one export row into p and validates it.
// Ids are trimmed of surrounding spaces; the amount is a decimal string in
// major units of the currency ("1200" KRW, "0.99" USD).
func ParseFields(txid, tid, customerID, app, item, amount, currency, method, paidAt string, p *vocdesk.Purchase) error {
	*p = vocdesk.Purchase{
		TxID:     strings.TrimSpace(txid),
		TID:      strings.TrimSpace(tid),
		AppSlug:  strings.TrimSpace(app),
		ItemSKU:  strings.TrimSpace(item),
		Currency: strings.ToUpper(strings.TrimSpace(currency)),
		Method:   vocdesk.Method(strings.ToLower(strings.TrimSpace(method))),
	}
	id, err := strconv.ParseInt(strings.TrimSpace(customerID), 10, 64)
	if err != nil || id <= 0 {
		return refuse(vocdesk.Errorf(vocdesk.EINVALID, "customer_id %q is not a customer id", customerID).
			Because("import_customer_id", customerID))
	}
	p.CustomerID = id
	if _, ok := vocdesk.CurrencyExponent(p.Currency); !ok {
		return refuse(vocdesk.Errorf(vocdesk.EINVALID, "unknown currency %q", currency).Because("currency_unknown", currency))
	}
	if p.Amount, err = vocdesk.ParsePositiveAmount(strings.TrimSpace(amount), p.Currency); err != nil {
		// The money's reasons (amount_invalid, amount_decimals, ...) name
		// the amount already; only the message says which field it is.
		return refuse(amountError(err))
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(paidAt))
	if err != nil {
		return refuse(vocdesk.Errorf(vocdesk.EINVALID, "paid_at %q is not an RFC 3339 time", paidAt).Because("import_paid_at", paidAt))
	}
	p.PaidAt = t
	if err := p.Validate(); err != nil {
		return refuse(err)
	}
	return nil
}
