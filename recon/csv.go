package recon

import (
	"bytes"

	"github.com/vocdesk/vocdesk"
)

// The CSV reader is hand-written because the standard library's encoding/csv
// allocates a string per field and reads through a bufio.Reader a line at a
// time, which caps it at well under 1 GB/s; reconciliation of tens of
// millions of rows is mostly reading. It has two paths over the same grammar:
//
//   - a fast path for text without any '"': records end at '\n', fields at ',';
//   - parseRecord, a byte-by-byte RFC 4180 state machine for records with
//     quotes, used both to parse them and to find record boundaries when a
//     file is cut into chunks (so cutting and parsing can never disagree).
//
// Line endings are LF or CRLF; "\r\n" inside a quoted field reads as "\n", as
// encoding/csv does. Blank lines are skipped. Malformed quoting makes the
// record invalid, and reading resumes at the next physical line.

// record is what parseRecord found.
type record struct {
	n      int            // bytes consumed, including the line ending
	lines  int            // '\n' consumed: the next record starts this many lines later
	err    *vocdesk.Error // set when the record is malformed
	more   bool           // the record does not end in the data given: read more
	fields [][]byte
}

// parseRecord parses the record at the start of b, which may contain quotes.
// Fields point into b or into *scratch (for quoted fields that needed
// unescaping); atEOF says whether b is all there is.
func parseRecord(b []byte, atEOF bool, fields [][]byte, scratch *[]byte) record {
	r := record{fields: fields[:0]}
	i := 0
	for {
		if i < len(b) && b[i] == '"' {
			start := len(*scratch)
			i++
			for {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					if !atEOF {
						r.more = true
						return r
					}
					r.lines += bytes.Count(b[i:], nl)
					r.n = len(b)
					r.err = errUnterminated
					return r
				}
				seg := b[i : i+j]
				r.lines += appendUnCR(scratch, seg)
				i += j + 1
				if i < len(b) && b[i] == '"' {
					*scratch = append(*scratch, '"')
					i++
					continue
				}
				if i == len(b) && !atEOF {
					r.more = true // the next byte may be the second quote of ""
					return r
				}
				break
			}
			field := (*scratch)[start:len(*scratch):len(*scratch)]
			if i == len(b) {
				r.fields = append(r.fields, field)
				r.n = i
				return r
			}
			switch b[i] {
			case ',':
				r.fields = append(r.fields, field)
				i++
				continue
			case '\n':
				r.fields = append(r.fields, field)
				r.n, r.lines = i+1, r.lines+1
				return r
			case '\r':
				if i+1 < len(b) && b[i+1] == '\n' {
					r.fields = append(r.fields, field)
					r.n, r.lines = i+2, r.lines+1
					return r
				}
				if i+1 == len(b) {
					if !atEOF {
						r.more = true
						return r
					}
					r.fields = append(r.fields, field)
					r.n = len(b)
					return r
				}
			}
			return skipLine(b, i, atEOF, r, errAfterQuote)
		}
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '\n' && b[j] != '"' {
			j++
		}
		if j == len(b) {
			if !atEOF {
				r.more = true
				return r
			}
			r.fields = append(r.fields, trimCR(b[i:j]))
			r.n = j
			return r
		}
		switch b[j] {
		case ',':
			r.fields = append(r.fields, b[i:j])
			i = j + 1
		case '\n':
			r.fields = append(r.fields, trimCR(b[i:j]))
			r.n, r.lines = j+1, r.lines+1
			return r
		default:
			return skipLine(b, j, atEOF, r, errBareQuote)
		}
	}
}

var nl = []byte{'\n'}

// skipLine ends a malformed record at the end of the physical line holding
// b[i], so that reading resumes on the next line.
func skipLine(b []byte, i int, atEOF bool, r record, why *vocdesk.Error) record {
	k := bytes.IndexByte(b[i:], '\n')
	if k < 0 {
		if !atEOF {
			r.more = true
			return r
		}
		r.n = len(b)
	} else {
		r.n = i + k + 1
		r.lines++
	}
	r.err = why
	r.fields = r.fields[:0]
	return r
}

// appendUnCR appends seg to *dst, turning "\r\n" into "\n", and returns the
// number of newlines in seg.
func appendUnCR(dst *[]byte, seg []byte) int {
	n := bytes.Count(seg, nl)
	if n == 0 || bytes.IndexByte(seg, '\r') < 0 {
		*dst = append(*dst, seg...)
		return n
	}
	for len(seg) > 0 {
		k := bytes.Index(seg, []byte("\r\n"))
		if k < 0 {
			*dst = append(*dst, seg...)
			break
		}
		*dst = append(*dst, seg[:k]...)
		*dst = append(*dst, '\n')
		seg = seg[k+2:]
	}
	return n
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// blankLine returns the length of the blank line at the start of b ("\n" or
// "\r\n"), 0 if b does not start with one, or -1 if b is just "\r" and more
// data could make it one.
func blankLine(b []byte, atEOF bool) int {
	switch {
	case len(b) == 0:
		return 0
	case b[0] == '\n':
		return 1
	case b[0] == '\r':
		if len(b) > 1 {
			if b[1] == '\n' {
				return 2
			}
			return 0
		}
		if !atEOF {
			return -1
		}
		return 1 // a lone "\r" ending the file, as encoding/csv drops it
	}
	return 0
}

// splitFast splits a line without quotes at every comma.
func splitFast(line []byte, fields [][]byte) [][]byte {
	fields = fields[:0]
	for {
		k := bytes.IndexByte(line, ',')
		if k < 0 {
			return append(fields, line)
		}
		fields = append(fields, line[:k])
		line = line[k+1:]
	}
}

// csvRow is one record of a chunk, or one malformed record.
type csvRow struct {
	line   int64
	fields [][]byte
	err    *vocdesk.Error
}

// eachCSVRecord calls fn for every record (and every malformed record) in
// data, a run of complete records that starts at a record boundary on line
// line. quoted says whether data contains any '"' at all; when it does not,
// every record takes the fast path.
func eachCSVRecord(data []byte, line int64, atEOF, quoted bool, scratch *[]byte, fields [][]byte, fn func(row csvRow)) [][]byte {
	for len(data) > 0 {
		if k := blankLine(data, true); k > 0 {
			data = data[k:]
			line++
			continue
		}
		if quoted {
			end := bytes.IndexByte(data, '\n')
			lineBytes := data
			if end >= 0 {
				lineBytes = data[:end]
			}
			if bytes.IndexByte(lineBytes, '"') >= 0 {
				r := parseRecord(data, atEOF, fields, scratch)
				if r.more { // cannot happen: the framer cut after complete records
					r = parseRecord(data, true, fields, scratch)
				}
				fields = r.fields
				fn(csvRow{line: line, fields: r.fields, err: r.err})
				data = data[r.n:]
				line += int64(r.lines)
				continue
			}
		}
		end := bytes.IndexByte(data, '\n')
		var l []byte
		if end < 0 {
			l, data = data, nil
		} else {
			l, data = data[:end], data[end+1:]
		}
		fields = splitFast(trimCR(l), fields)
		fn(csvRow{line: line, fields: fields})
		line++
	}
	return fields
}

// cutCSV returns how many bytes at the start of data are complete records
// (plus blank lines), given that data starts at a record boundary. It is 0
// when not even one record is complete.
func cutCSV(data []byte, atEOF bool, scratch *[]byte, fields [][]byte) int {
	if atEOF {
		return len(data)
	}
	if bytes.IndexByte(data, '"') < 0 {
		return bytes.LastIndexByte(data, '\n') + 1
	}
	pos := 0
	for pos < len(data) {
		if k := blankLine(data[pos:], false); k != 0 {
			if k < 0 {
				break
			}
			pos += k
			continue
		}
		// Whole lines without quotes can be skipped quickly.
		end := bytes.IndexByte(data[pos:], '\n')
		if end < 0 {
			break
		}
		if bytes.IndexByte(data[pos:pos+end], '"') < 0 {
			pos += end + 1
			continue
		}
		*scratch = (*scratch)[:0]
		r := parseRecord(data[pos:], false, fields, scratch)
		if r.more {
			break
		}
		pos += r.n
	}
	return pos
}
