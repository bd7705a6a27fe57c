package sqlstore

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// A row read in many columns pays for each column: with modernc's SQLite,
// every column through database/sql costs about 200 ns (its type, its
// value, a trip through the connection's mutex for each), and a page of the
// inbox is 51 rows of 30 columns. On SQLite such rows are read as one JSON
// array instead (packFields), which rowDecoder takes back in order; that
// made an inbox page's query 40% cheaper. PostgreSQL sends columns cheaply
// and builds JSON at a cost (an inbox page was 10% slower packed), so there
// the columns come as they are and columnReader reads them in the same
// order. scanInquiry and scanPurchase read either through fieldReader.

// fieldReader gives a row's values in order. The first error sticks: later
// reads return zero values, and end reports it.
type fieldReader interface {
	num() int64
	nullNum() sql.NullInt64
	text() string
	flag() bool
	texts() []string // a JSON array of strings; nil when empty
	end() error
}

// packFields is the select list for fields (comma-separated expressions)
// in the engine's form: one JSON array on SQLite, the columns on
// PostgreSQL.
func packFields(dialect, fields string) string {
	if dialect == dialectSQLite {
		return "json_array(" + fields + ")"
	}
	return fields
}

// readFields scans one row of a select built by packFields over n fields,
// followed by the columns extra are scanned into.
func readFields(dialect string, r scanner, n int, extra ...any) (fieldReader, error) {
	if dialect == dialectSQLite {
		// A string: the driver's text as it is, which every field without
		// escapes then shares (rowDecoder.str), instead of a copy for the
		// row and another for each field.
		var packed string
		if err := r.Scan(append([]any{&packed}, extra...)...); err != nil {
			return nil, err
		}
		return newRowDecoder(packed), nil
	}
	c := newColumnReader(make([]any, n))
	dest := make([]any, n, n+len(extra))
	for k := range c.vals {
		dest[k] = &c.vals[k]
	}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	return c, nil
}

// columnCursor is the position and first error of a reader that takes a
// row column by column (columnReader, pgRowReader).
type columnCursor struct {
	pos, n int
	err    error
}

func (c *columnCursor) fail(want string) {
	if c.err == nil {
		c.err = fmt.Errorf("%w: want %s in column %d", errBadRow, want, c.pos)
	}
}

// step moves to the next column and reports whether there is one to read.
func (c *columnCursor) step() bool {
	if c.err != nil {
		return false
	}
	if c.pos >= c.n {
		c.fail("another column")
		return false
	}
	c.pos++
	return true
}

// array decodes s, the column just read as text, as an array of strings.
func (c *columnCursor) array(s string) []string {
	if c.err != nil {
		return nil
	}
	list, ok := stringArray(s)
	if !ok {
		c.fail("an array of strings")
	}
	return list
}

func (c *columnCursor) end() error {
	if c.err == nil && c.pos != c.n {
		c.fail("no more columns")
	}
	return c.err
}

// columnReader reads a row scanned column by column (database/sql's
// driver values).
type columnReader struct {
	vals []any
	columnCursor
}

func newColumnReader(vals []any) *columnReader {
	return &columnReader{vals: vals, columnCursor: columnCursor{n: len(vals)}}
}

func (c *columnReader) next() (any, bool) {
	if !c.step() {
		return nil, false
	}
	return c.vals[c.pos-1], true
}

func (c *columnReader) num() int64 {
	v, ok := c.next()
	if n, isInt := v.(int64); isInt || !ok {
		return n
	}
	c.fail("an integer")
	return 0
}

func (c *columnReader) nullNum() sql.NullInt64 {
	v, ok := c.next()
	if !ok || v == nil {
		return sql.NullInt64{}
	}
	if n, isInt := v.(int64); isInt {
		return sql.NullInt64{Int64: n, Valid: true}
	}
	c.fail("an integer or null")
	return sql.NullInt64{}
}

func (c *columnReader) text() string {
	v, ok := c.next()
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	if ok {
		c.fail("a string")
	}
	return ""
}

func (c *columnReader) flag() bool {
	v, ok := c.next()
	if b, isBool := v.(bool); isBool || !ok {
		return b
	}
	c.fail("a boolean")
	return false
}

func (c *columnReader) texts() []string { return c.array(c.text()) }

// stringArray decodes a column holding a JSON array of strings; nil when
// empty.
func stringArray(s string) ([]string, bool) {
	if s == "[]" {
		return nil, true
	}
	var list []string
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		return nil, false
	}
	return list, true
}

// rowDecoder reads the values of a JSON array one after the other: numbers
// (integers only), strings, booleans (true/false, or SQLite's 0/1), null,
// and an array of strings. The first error sticks: later reads return zero
// values, and end reports it.
type rowDecoder struct {
	b     string
	pos   int
	first bool
	err   error
}

var errBadRow = errors.New("malformed row")

// newRowDecoder starts reading the array in b.
func newRowDecoder(b string) *rowDecoder {
	d := &rowDecoder{b: b, first: true}
	d.space()
	if !d.take('[') {
		d.fail("an array")
	}
	return d
}

func (d *rowDecoder) fail(want string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: want %s at byte %d", errBadRow, want, d.pos)
	}
}

func (d *rowDecoder) space() {
	for d.pos < len(d.b) {
		switch d.b[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// take consumes c if it is next.
func (d *rowDecoder) take(c byte) bool {
	if d.pos < len(d.b) && d.b[d.pos] == c {
		d.pos++
		return true
	}
	return false
}

// next moves to the next value of the array and reports whether there is
// one to read.
func (d *rowDecoder) next() bool {
	if d.err != nil {
		return false
	}
	d.space()
	if !d.first && !d.take(',') {
		d.fail("','")
		return false
	}
	d.first = false
	d.space()
	if d.pos >= len(d.b) {
		d.fail("a value")
		return false
	}
	return true
}

// null consumes a null if it is next.
func (d *rowDecoder) null() bool {
	if len(d.b)-d.pos >= 4 && d.b[d.pos:d.pos+4] == "null" {
		d.pos += 4
		return true
	}
	return false
}

// number reads an integer at the current position. Up to 18 digits
// cannot overflow and are summed in place; longer ones go to strconv,
// which checks the range.
func (d *rowDecoder) number() int64 {
	start := d.pos
	neg := d.take('-')
	digits := d.pos
	var n int64
	for d.pos < len(d.b) && d.b[d.pos] >= '0' && d.b[d.pos] <= '9' {
		n = n*10 + int64(d.b[d.pos]-'0')
		d.pos++
	}
	switch {
	case d.pos == digits:
		d.pos = start
		d.fail("an integer")
		return 0
	case d.pos-digits > 18:
		v, err := strconv.ParseInt(d.b[start:d.pos], 10, 64)
		if err != nil {
			d.pos = start
			d.fail("an integer in range")
		}
		return v
	case neg:
		return -n
	}
	return n
}

// num reads an integer.
func (d *rowDecoder) num() int64 {
	if !d.next() {
		return 0
	}
	return d.number()
}

// nullNum reads an integer or null.
func (d *rowDecoder) nullNum() sql.NullInt64 {
	if !d.next() || d.null() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: d.number(), Valid: d.err == nil}
}

// flag reads true or false, or SQLite's 1 or 0.
func (d *rowDecoder) flag() bool {
	if !d.next() {
		return false
	}
	switch {
	case len(d.b)-d.pos >= 4 && d.b[d.pos:d.pos+4] == "true":
		d.pos += 4
		return true
	case len(d.b)-d.pos >= 5 && d.b[d.pos:d.pos+5] == "false":
		d.pos += 5
		return false
	}
	return d.number() != 0
}

// text reads a string.
func (d *rowDecoder) text() string {
	if !d.next() {
		return ""
	}
	return d.str()
}

// str reads a string at the current position. A string without escapes is
// a slice of the row, shared, not copied; one with escapes is left to
// encoding/json, so every escape JSON has (\u with surrogate pairs among
// them) means what it says.
func (d *rowDecoder) str() string {
	if !d.take('"') {
		d.fail("a string")
		return ""
	}
	start, escaped := d.pos, false
	for d.pos < len(d.b) {
		switch d.b[d.pos] {
		case '\\':
			escaped = true
			d.pos += 2
			continue
		case '"':
			raw := d.b[start:d.pos]
			d.pos++
			if !escaped {
				return raw
			}
			var s string
			if err := json.Unmarshal([]byte(d.b[start-1:d.pos]), &s); err != nil {
				d.fail("a valid string")
			}
			return s
		}
		d.pos++
	}
	d.fail("the string's end")
	return ""
}

// texts reads an array of strings (nil when it is empty).
func (d *rowDecoder) texts() []string {
	if !d.next() {
		return nil
	}
	if !d.take('[') {
		d.fail("an array of strings")
		return nil
	}
	var list []string
	d.space()
	if d.take(']') {
		return nil
	}
	for d.err == nil {
		d.space()
		list = append(list, d.str())
		d.space()
		if d.take(']') {
			return list
		}
		if !d.take(',') {
			d.fail("',' or ']'")
		}
	}
	return nil
}

// end checks that the array ended after the values read.
func (d *rowDecoder) end() error {
	if d.err != nil {
		return d.err
	}
	d.space()
	if !d.take(']') {
		d.fail("the array's end")
		return d.err
	}
	d.space()
	if d.pos != len(d.b) {
		d.fail("nothing after the array")
	}
	return d.err
}
