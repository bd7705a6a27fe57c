package sqlstore

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/vocdesk/vocdesk"
)

// A mail's attachment was kept twice: decoded in inquiry_attachments, for
// downloads, and base64-encoded inside the raw message in mail_raw, for the
// .eml view; a third of bench/mail's messages carry a 100 KB PDF, so that
// was 137 KB more for the single writer to put in SQLite's log and the
// checkpoint to copy again, of about 260 KB a message with one. The raw
// message is now kept with each such attachment's encoding cut out and a
// note (mail_raw.cuts) of where it stood, the attachment's id and how it
// was wrapped: base64 is a function of the bytes and the line length, so
// FindMailRaw writes the same bytes back in.
//
// An encoding is cut only when it is exactly what encodeLines makes of the
// attachment (standard alphabet and padding, every line but the last of one
// length, CRLF or LF between them), checked byte for byte when the mail is
// stored; anything else (another wrapping, stray spaces, a short file)
// stays in the raw message as it came. So the raw message given back is
// always the one received, whatever the mailer did.

// minCut is the smallest attachment worth cutting out: below it the note
// costs about what it saves.
const minCut = 4 << 10

// rawSpan is where an attachment stands base64-encoded in a raw message:
// bytes [start, end), lines of line characters, CRLF or LF between them.
// end is 0 when it was not found.
type rawSpan struct {
	start, end int
	line       int
	crlf       bool
}

// rawCut is a cut as mail_raw.cuts keeps it: at is the offset in the stored
// (cut) raw message where the encoding of attachment file goes back.
type rawCut struct {
	At   int   `json:"at"`
	File int64 `json:"file"`
	Line int   `json:"line"`
	CRLF bool  `json:"crlf"`
}

// findSpans finds each file's encoding in raw, in the files' order; two
// files never share a span (the same file attached twice is two spans).
func findSpans(raw []byte, files []*vocdesk.Attachment) []rawSpan {
	spans := make([]rawSpan, len(files))
	for i, f := range files {
		spans[i] = findSpan(raw, f.Data, spans[:i])
	}
	return spans
}

// findSpan looks for data's encoding in raw outside taken, from the first
// characters on: the first few places they occur are checked in full.
func findSpan(raw, data []byte, taken []rawSpan) rawSpan {
	if len(data) < minCut {
		return rawSpan{}
	}
	var needle [16]byte
	base64.StdEncoding.Encode(needle[:], data[:12])
	from := 0
	for tries := 0; tries < 8; tries++ {
		i := bytes.Index(raw[from:], needle[:])
		if i < 0 {
			return rawSpan{}
		}
		p := from + i
		from = p + 1
		if s, ok := spanAt(raw, p, data); ok && !slices.ContainsFunc(taken, func(t rawSpan) bool {
			return t.end > 0 && s.start < t.end && t.start < s.end
		}) {
			return s
		}
	}
	return rawSpan{}
}

// spanAt reports whether data's encoding, as encodeLines wraps it, starts at
// raw[p]: the first line's length and line break say how it was wrapped.
func spanAt(raw []byte, p int, data []byte) (rawSpan, bool) {
	total := base64.StdEncoding.EncodedLen(len(data))
	l := 0
	for p+l < len(raw) && l <= total && isBase64(raw[p+l]) {
		l++
	}
	s := rawSpan{start: p, line: l}
	switch {
	case l == total:
	case l > total || l%4 != 0:
		return rawSpan{}, false
	case bytes.HasPrefix(raw[p+l:], []byte("\r\n")):
		s.crlf = true
	case !bytes.HasPrefix(raw[p+l:], []byte("\n")):
		return rawSpan{}, false
	}
	q := p
	ok := eachLine(data, s.line, s.crlf, func(b []byte) bool {
		if !bytes.HasPrefix(raw[q:], b) {
			return false
		}
		q += len(b)
		return true
	})
	s.end = q
	return s, ok
}

func isBase64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '='
}

// eachLine hands fn data's base64 encoding a piece at a time, in order: a
// line break, then a line of line characters (the last shorter), and no
// break after the last line. It stops when fn answers false, and reports
// whether fn took every piece. The pieces share one buffer.
func eachLine(data []byte, line int, crlf bool, fn func([]byte) bool) bool {
	brk := []byte("\n")
	if crlf {
		brk = []byte("\r\n")
	}
	buf := make([]byte, line)
	chunk := line / 4 * 3
	for i := 0; i < len(data); i += chunk {
		if i > 0 && !fn(brk) {
			return false
		}
		j := min(i+chunk, len(data))
		n := base64.StdEncoding.EncodedLen(j - i)
		base64.StdEncoding.Encode(buf[:n], data[i:j])
		if !fn(buf[:n]) {
			return false
		}
	}
	return true
}

// cutRaw is raw with the found spans of files (stored, with their ids)
// taken out, and the notes that put them back.
func cutRaw(raw []byte, files []*vocdesk.Attachment, spans []rawSpan) ([]byte, string, error) {
	type found struct {
		rawSpan
		file int64
	}
	var list []found
	for i, s := range spans {
		if s.end > 0 && i < len(files) && files[i].ID != 0 {
			list = append(list, found{s, files[i].ID})
		}
	}
	if len(list) == 0 {
		return raw, "", nil
	}
	slices.SortFunc(list, func(a, b found) int { return a.start - b.start })
	stored := make([]byte, 0, len(raw))
	cuts := make([]rawCut, 0, len(list))
	prev := 0
	for _, s := range list {
		stored = append(stored, raw[prev:s.start]...)
		cuts = append(cuts, rawCut{At: len(stored), File: s.file, Line: s.line, CRLF: s.crlf})
		prev = s.end
	}
	stored = append(stored, raw[prev:]...)
	note, err := json.Marshal(cuts)
	if err != nil {
		return nil, "", err
	}
	return stored, string(note), nil
}

// restoreRaw puts the cut attachments back into a stored raw message,
// reading their bytes in tx.
func (tx *Tx) restoreRaw(ctx context.Context, stored []byte, note string) ([]byte, error) {
	if note == "" {
		return stored, nil
	}
	var cuts []rawCut
	if err := json.Unmarshal([]byte(note), &cuts); err != nil {
		return nil, fmt.Errorf("sqlstore: raw mail cuts: %w", err)
	}
	raw := make([]byte, 0, len(stored))
	prev := 0
	for _, c := range cuts {
		if c.At < prev || c.At > len(stored) || c.Line <= 0 {
			return nil, fmt.Errorf("sqlstore: raw mail cut at %d of %d", c.At, len(stored))
		}
		var data []byte
		if err := tx.queryRow(ctx, `SELECT data FROM inquiry_attachments WHERE id = $1`, c.File).Scan(&data); err != nil {
			return nil, fmt.Errorf("sqlstore: raw mail attachment %d: %w", c.File, err)
		}
		raw = append(raw, stored[prev:c.At]...)
		eachLine(data, c.Line, c.CRLF, func(b []byte) bool { raw = append(raw, b...); return true })
		prev = c.At
	}
	return append(raw, stored[prev:]...), nil
}
