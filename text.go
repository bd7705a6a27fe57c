package vocdesk

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// EINVALIDTEXT is the code of text that no field accepts: invalid UTF-8, a
// NUL or another control character. It answers 400 like EINVALID, with a
// code of its own so that a client can tell "fix your encoding" from "fix
// your values".
const EINVALIDTEXT = "invalid_text"

// The problems TextProblem names, the end of CheckText's message.
const (
	textNUL     = "contains a NUL character"
	textControl = "contains a control character"
	textUTF8    = "is not valid UTF-8"
	textBidi    = "contains a bidirectional control character"
)

// TextProblem says what makes s unacceptable as text anywhere in vocdesk,
// or "" when nothing does. The rule is the same for every field, every
// door (JSON, forms, query and path, CSV files) and both engines:
//
//   - it must be valid UTF-8: PostgreSQL refuses anything else, and
//     replacing bad bytes with U+FFFD silently changes what was sent;
//   - no NUL: PostgreSQL cannot store it in text, SQLite can, so a database
//     holding one could never move;
//   - no other C0 or C1 control character and no DEL, except tab, newline
//     and a carriage return before a newline (browsers send CRLF): they
//     have no business in names, ids or messages, and some are used inside
//     vocdesk (HighlightStart and HighlightEnd mark search matches);
//   - no bidirectional embedding, override or isolate (U+202A-U+202E,
//     U+2066-U+2069): they make text display in another order than it
//     reads ("Trojan source"), and no language needs them to be written.
func TextProblem(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == 0:
				return textNUL
			case c == '\t' || c == '\n':
			case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
			case c < 0x20 || c == 0x7f:
				return textControl
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			return textUTF8
		case r >= 0x80 && r <= 0x9f:
			return textControl
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return textBidi
		}
		i += n
	}
	return ""
}

// CheckText returns an EINVALIDTEXT error naming field when s breaks the
// rule of TextProblem, else nil.
func CheckText(field, s string) error {
	p := TextProblem(s)
	if p == "" {
		return nil
	}
	e := Errorf(EINVALIDTEXT, "%s %s", field, p)
	// Pages word each problem in their reader's language, naming the field.
	switch p {
	case textNUL:
		return e.Because("text_nul", field)
	case textUTF8:
		return e.Because("text_utf8", field)
	case textBidi:
		return e.Because("text_bidi", field)
	}
	return e.Because("text_control", field)
}

// CheckTexts checks every name and value of a form or query (a url.Values)
// with CheckText; what names the error is the parameter's name.
func CheckTexts(values map[string][]string) error {
	for k, vs := range values {
		if err := CheckText("parameter name", k); err != nil {
			return err
		}
		for _, v := range vs {
			if err := CheckText(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// CleanText makes s acceptable to TextProblem, for text vocdesk must keep
// but did not write, such as a decoded email (whose raw bytes are kept
// apart): invalid bytes become U+FFFD, a lone carriage return a newline,
// and NUL, other control characters and bidirectional controls are
// dropped. Text that is already acceptable comes back unchanged.
func CleanText(s string) string {
	if TextProblem(s) == "" {
		return s
	}
	b := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, utf8.RuneError)
		case r == '\t' || r == '\n':
			b = append(b, r)
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				b = append(b, r)
			} else {
				b = append(b, '\n')
			}
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f),
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		default:
			b = append(b, r)
		}
		i += n
	}
	return string(b)
}

// LowerText is strings.ToLower for what customers write: ASCII and Hangul
// syllables (which have no case), most of it, skip Unicode's case tables,
// whose lookups made lower-casing a 20 KB Korean mail cost as much as
// parsing it.
func LowerText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r < utf8.RuneSelf, 0xAC00 <= r && r <= 0xD7A3:
		default:
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
