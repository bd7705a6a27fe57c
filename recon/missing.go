package recon

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// MissingColumnsError is a CSV header that lacks the columns of some fields.
// It keeps the fields and the header, so that a caller can suggest a column
// map (--map) built from the columns the file does have.
type MissingColumnsError struct {
	File    string
	Server  bool     // the developer's server file, whose columns --map names
	Fields  []string // the fields whose column is missing, in field order
	Columns []string // the column each of Fields was looked for under
	Header  []string
	Found   []string // the columns of the fields that are there
}

func (e *MissingColumnsError) Error() string {
	cols := slices.Clone(e.Columns)
	sort.Strings(cols)
	return fmt.Sprintf("%s: missing column(s) %s (header: %s)", e.File, strings.Join(cols, ", "), strings.Join(e.Header, ","))
}

// columnHints are words a column of each field is often named with in
// developers' logs; the first header column holding one is suggested.
var columnHints = map[string][]string{
	"txid":     {"txid", "tx_id", "transaction", "store_tx", "tx"},
	"tid":      {"tid", "order", "trade"},
	"amount":   {"amount", "price", "total", "amt"},
	"currency": {"currency", "cur", "ccy"},
}

// MapHint is a --map value for the missing fields of a server file, each
// mapped to the header column its name suggests, or to COLUMN when none
// does; "" for a store file, whose columns are fixed.
func (e *MissingColumnsError) MapHint() string {
	if !e.Server {
		return ""
	}
	taken := map[string]bool{}
	for _, c := range e.Found {
		taken[c] = true
	}
	var parts []string
	for _, f := range e.Fields {
		col := "COLUMN"
	find:
		for _, hint := range columnHints[f] {
			for _, h := range e.Header {
				if !taken[h] && strings.Contains(strings.ToLower(h), hint) {
					col, taken[h] = h, true
					break find
				}
			}
		}
		parts = append(parts, f+"="+col)
	}
	return strings.Join(parts, ",")
}
