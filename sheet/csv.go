package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
)

// readCSV reads CSV as people save it: UTF-8 with or without a byte-order
// mark, or, when the bytes are not UTF-8, EUC-KR/CP949 (what Excel on a
// Korean Windows writes for "CSV"); LF or CRLF; RFC 4180 quotes. Rows may
// have different numbers of fields.
func readCSV(b []byte) ([][]string, error) {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(b) {
		dec, err := korean.EUCKR.NewDecoder().Bytes(b)
		// The decoder replaces what is not EUC-KR with U+FFFD: then the
		// file was neither.
		if err != nil || !utf8.Valid(dec) || bytes.ContainsRune(dec, utf8.RuneError) {
			return nil, errInvalid("encoding", "the file is neither UTF-8 nor EUC-KR text: save it as CSV (UTF-8) or .xlsx")
		}
		b = dec
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return nil, errInvalid("not_text", "the file is not text: upload CSV or .xlsx")
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, errInvalid("csv_line", "line %d: %v", pe.StartLine, pe.Err)
			}
			return nil, errInvalid("csv_unreadable", "the CSV could not be read: %v", err)
		}
		// encoding/csv skips empty lines: keep line numbers physical by
		// padding with blank rows up to the record's first line.
		start, _ := r.FieldPos(0)
		for len(rows) < start-1 {
			rows = append(rows, nil)
		}
		rows = append(rows, rec)
		if len(rows) > maxRawRows {
			return nil, errTooManyRows()
		}
	}
	return rows, nil
}
