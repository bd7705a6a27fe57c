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
// inbox is 51 rows of 30 columns. Such rows are read as one JSON array
// instead, built by the engine (SQLite's json_array, PostgreSQL's
// json_build_array), and rowDecoder takes the values back in order.

// rowDecoder reads the values of a JSON array one after the other: numbers
// (integers only), strings, booleans (true/false, or SQLite's 0/1), null,
// and an array of strings. The first error sticks: later reads return zero
// values, and end reports it.
type rowDecoder struct {
	b     []byte
	pos   int
	first bool
	err   error
}

var errPackedRow = errors.New("malformed packed row")

// newRowDecoder starts reading the array in b.
func newRowDecoder(b []byte) *rowDecoder {
	d := &rowDecoder{b: b, first: true}
	d.space()
	if !d.take('[') {
		d.fail("an array")
	}
	return d
}

func (d *rowDecoder) fail(want string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: want %s at byte %d", errPackedRow, want, d.pos)
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
	if len(d.b)-d.pos >= 4 && string(d.b[d.pos:d.pos+4]) == "null" {
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
		v, err := strconv.ParseInt(string(d.b[start:d.pos]), 10, 64)
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
	case len(d.b)-d.pos >= 4 && string(d.b[d.pos:d.pos+4]) == "true":
		d.pos += 4
		return true
	case len(d.b)-d.pos >= 5 && string(d.b[d.pos:d.pos+5]) == "false":
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
// copied as it is; one with escapes is left to encoding/json, so every
// escape JSON has (\u with surrogate pairs among them) means what it says.
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
				return string(raw)
			}
			var s string
			if err := json.Unmarshal(d.b[start-1:d.pos], &s); err != nil {
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
