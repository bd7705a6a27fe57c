// Package sheet reads the spreadsheets people upload: CSV as Excel and
// other tools save it, and .xlsx workbooks through excelize. It knows
// nothing of databases or HTTP; each reader returns rows with their line
// numbers, or one clear error for a file it will not read.
package sheet

import (
	"bytes"
	"errors"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// Limits on what a reader takes. MaxBytes bounds the upload itself (the
// caller enforces it on the body); the unzip limits bound what an .xlsx may
// expand to, so a zip bomb is refused instead of filling memory or disk.
const (
	MaxBytes          = 8 << 20
	maxUnzipBytes     = 64 << 20
	maxUnzipXMLBytes  = 16 << 20
	maxCellRunes      = 512
	ContentTypeCSV    = "text/csv"
	ContentTypeXLSX   = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	batchHeaderTxID   = "txid"
	batchHeaderAmount = "amount"
	batchHeaderReason = "reason"
)

var (
	zipMagic = []byte("PK\x03\x04")
	// oleMagic starts a Compound File: an encrypted (password-protected)
	// .xlsx, or a legacy .xls.
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// errInvalid is a file this package will not read, with what a person can
// do about it: in English (the API's message) and as a reason, "sheet_" +
// reason, whose words pages have in their reader's language with the same
// values (args).
func errInvalid(reason, format string, args ...any) error {
	return vocdesk.Errorf(vocdesk.EINVALID, format, args...).Because("sheet_"+reason, args...)
}

// ErrEncrypted is a password-protected (or legacy .xls) workbook.
var ErrEncrypted = errors.New("sheet: encrypted workbook")

// ReadCancellationBatch reads the rows of a bulk cancellation file, an
// .xlsx when b starts like one (a zip), else CSV. The header row names the
// columns txid (required), amount and reason, in any order and case; other
// columns are ignored; blank rows are skipped. More than
// vocdesk.MaxBatchRows data rows is ETOOLARGE.
func ReadCancellationBatch(b []byte) ([]vocdesk.CancellationBatchRow, error) {
	if len(b) > MaxBytes {
		return nil, vocdesk.Errorf(vocdesk.ETOOLARGE, "the file is over %d MiB", MaxBytes>>20).Because("sheet_too_big", MaxBytes>>20)
	}
	var (
		rows [][]string
		err  error
	)
	switch {
	case bytes.HasPrefix(b, oleMagic):
		return nil, errInvalid("encrypted",
			"the workbook is password-protected (or an old .xls file): save it as .xlsx without a password, or as CSV")
	case bytes.HasPrefix(b, zipMagic):
		rows, err = readXLSX(b)
	default:
		rows, err = readCSV(b)
	}
	if err != nil {
		return nil, err
	}
	return batchRows(rows)
}

// batchRows maps raw rows (index i is line i+1) to batch rows by the header.
func batchRows(rows [][]string) ([]vocdesk.CancellationBatchRow, error) {
	header := -1
	for i, r := range rows {
		if !blank(r) {
			header = i
			break
		}
	}
	if header < 0 {
		return nil, errInvalid("empty", "the file is empty: the first row must be the header txid,amount,reason")
	}
	col := map[string]int{}
	for j, name := range rows[header] {
		name = strings.ToLower(strings.TrimSpace(name))
		switch name {
		case batchHeaderTxID, batchHeaderAmount, batchHeaderReason:
			if _, dup := col[name]; dup {
				return nil, errInvalid("header_twice", "the header names %s twice", name)
			}
			col[name] = j
		}
	}
	if _, ok := col[batchHeaderTxID]; !ok {
		return nil, errInvalid("no_txid", "the header row (line %d) has no txid column; the sample file shows the columns txid, amount, reason", header+1)
	}
	cell := func(r []string, name string) string {
		j, ok := col[name]
		if !ok || j >= len(r) {
			return ""
		}
		return strings.TrimSpace(r[j])
	}
	var out []vocdesk.CancellationBatchRow
	for i := header + 1; i < len(rows); i++ {
		r := rows[i]
		if blank(r) {
			continue
		}
		if len(out) == vocdesk.MaxBatchRows {
			return nil, errTooManyRows()
		}
		row := vocdesk.CancellationBatchRow{Line: i + 1, TxID: cell(r, batchHeaderTxID),
			Amount: cell(r, batchHeaderAmount), Reason: cell(r, batchHeaderReason)}
		for _, v := range []string{row.TxID, row.Amount, row.Reason} {
			if len([]rune(v)) > maxCellRunes {
				return nil, errInvalid("cell_long", "line %d has a cell of more than %d characters", i+1, maxCellRunes)
			}
		}
		out = append(out, row)
	}
	if len(out) == 0 {
		return nil, errInvalid("no_rows", "the file has a header but no rows")
	}
	return out, nil
}

func blank(r []string) bool {
	for _, v := range r {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// maxRawRows bounds the rows a reader collects, blank ones included,
// before the header is even looked at.
const maxRawRows = 10 * vocdesk.MaxBatchRows

func errTooManyRows() error {
	return vocdesk.Errorf(vocdesk.ETOOLARGE, "the file has more than %d rows; split it", vocdesk.MaxBatchRows).
		Because("sheet_too_many_rows", vocdesk.MaxBatchRows)
}

// worksheetUnreadable keeps excelize's own message for people.
func worksheetUnreadable(err error) error {
	return errInvalid("worksheet_unreadable", "the first worksheet could not be read: %v", err)
}
