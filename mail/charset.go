package mail

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/korean"

	"github.com/vocdesk/vocdesk"
)

// Korean mail arrives in every encoding of the last thirty years: UTF-8,
// EUC-KR and its Microsoft superset CP949 (labelled ks_c_5601-1987 by
// Outlook), ISO-2022-KR from old Unix mailers, and often labelled wrongly
// (EUC-KR bytes sent as iso-8859-1 or with no charset at all). decodeText
// turns any of them into UTF-8 and says when it had to guess.

// lookupCharset returns the decoder for a MIME charset label, nil when the
// label names nothing known. ISO-2022-KR is not in x/text and is handled by
// decodeISO2022KR.
func lookupCharset(label string) encoding.Encoding {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	switch label {
	case "", "us-ascii", "ascii", "utf-8", "utf8":
		return encoding.Nop
	// x/text's EUC-KR decoder is CP949 (Unified Hangul Code), a superset:
	// one decoder serves every Korean label, including the ones the
	// WHATWG index does not know.
	case "euc-kr", "euckr", "cp949", "ms949", "uhc", "x-windows-949", "windows-949", "ks_c_5601-1987", "ks_c_5601", "ksc5601", "korean":
		return korean.EUCKR
	case "iso-8859-1", "latin1", "iso8859-1", "iso_8859-1":
		// Mail labelled Latin-1 is in practice Windows-1252 (curly quotes
		// in 0x80-0x9F); WHATWG decodes it so too.
		return charmap.Windows1252
	}
	if e, err := ianaindex.MIME.Encoding(label); err == nil && e != nil {
		return e
	}
	if e, err := htmlindex.Get(label); err == nil {
		return e
	}
	return nil
}

// decodeText converts body bytes declared in charset label to UTF-8. The
// second result says the declared charset was unknown or did not fit the
// bytes, and another was used.
func decodeText(b []byte, label string) (string, bool) {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	if l == "iso-2022-kr" || (l == "" && bytes.Contains(b, iso2022KRDesignator)) {
		if s, ok := decodeISO2022KR(b); ok {
			return s, false
		}
	}
	if isASCII(b) {
		return string(b), false // every charset a mail may name agrees on ASCII
	}
	enc := lookupCharset(l)
	if enc == encoding.Nop || enc == nil {
		if utf8.Valid(b) {
			return string(b), enc == nil && l != ""
		}
		return guess(b), true
	}
	if isLatin(enc) && looksEUCKR(b) {
		// Korean bytes under a Western label: a common mislabel.
		s, _ := decodeWith(korean.EUCKR, b)
		return s, true
	}
	if isLatin(enc) && !isASCII(b) && utf8.Valid(b) {
		// UTF-8 under a Western label: Latin-1 would give mojibake.
		return string(b), true
	}
	s, clean := decodeWith(enc, b)
	if !clean {
		return guess(b), true
	}
	return s, false
}

// guess decodes bytes whose label did not fit: UTF-8 when valid, else
// EUC-KR/CP949 when that decodes cleanly, else Windows-1252, which decodes
// anything.
func guess(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	if s, ok := decodeISO2022KR(b); ok && bytes.Contains(b, iso2022KRDesignator) {
		return s
	}
	if looksEUCKR(b) {
		if s, clean := decodeWith(korean.EUCKR, b); clean {
			return s
		}
	}
	s, _ := decodeWith(charmap.Windows1252, b)
	return s
}

// decodeWith decodes b and reports whether it went without a replacement
// character the input did not already carry.
func decodeWith(e encoding.Encoding, b []byte) (string, bool) {
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD"), false
	}
	return string(out), !bytes.ContainsRune(out, utf8.RuneError) || bytes.Contains(b, []byte("\uFFFD"))
}

func isLatin(e encoding.Encoding) bool {
	return e == charmap.Windows1252 || e == charmap.ISO8859_1
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// looksEUCKR reports whether the bytes at or above 0x80 all pair up as
// CP949 characters (EUC-KR's KS X 1001 pairs, or the Unified Hangul Code's
// extension) and at least two are KS X 1001 Hangul syllables. Latin-1 text
// almost never does: its accented letters stand alone between ASCII ones
// and are not syllable pairs.
func looksEUCKR(b []byte) bool {
	hangul := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x80 {
			continue
		}
		if i+1 >= len(b) || c < 0x81 || c > 0xFE {
			return false
		}
		t := b[i+1]
		if !(t >= 0x41 && t <= 0x5A || t >= 0x61 && t <= 0x7A || t >= 0x81 && t <= 0xFE) {
			return false
		}
		if c >= 0xB0 && c <= 0xC8 && t >= 0xA1 {
			hangul++
		}
		i++
	}
	return hangul >= 2
}

// iso2022KRDesignator is ESC $ ) C, which announces KS X 1001 as the G1 set.
var iso2022KRDesignator = []byte("\x1b$)C")

// decodeISO2022KR decodes RFC 1557 ISO-2022-KR: ASCII, with SO (0x0E)
// switching to KS X 1001 in 7 bits and SI (0x0F) back. Each shifted pair
// plus 0x80 per byte is EUC-KR. It reports false on bytes the encoding
// cannot contain.
func decodeISO2022KR(b []byte) (string, bool) {
	b = bytes.ReplaceAll(b, iso2022KRDesignator, nil)
	var euc []byte
	shifted := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == 0x0E:
			shifted = true
		case c == 0x0F:
			shifted = false
		case c >= 0x80 || c == 0x1B:
			return "", false
		case c == '\n' || c == '\r':
			// A line ends in ASCII (RFC 1557); mailers that forget the SI
			// are forgiven here.
			shifted = false
			euc = append(euc, c)
		case shifted && c > 0x20 && c < 0x7F:
			if i+1 >= len(b) || b[i+1] <= 0x20 || b[i+1] >= 0x7F {
				return "", false
			}
			euc = append(euc, c|0x80, b[i+1]|0x80)
			i++
		default:
			euc = append(euc, c)
		}
	}
	return decodeWith(korean.EUCKR, euc)
}

// charsetReader serves mime.WordDecoder for RFC 2047 words in headers.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, err
	}
	s, _ := decodeText(b, label)
	return strings.NewReader(s), nil
}

// c1AsWindows1252 reads C1 control characters (U+0080-U+009F) as the
// Windows-1252 characters of the same bytes: text holding them was
// Windows-1252 decoded as Latin-1 or sent as such ("€" as U+0080), and no
// one writes C1 controls in a message. Those Windows-1252 leaves undefined
// stay, for vocdesk.CleanText to drop.
func c1AsWindows1252(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 && r <= 0x9f }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < 0x80 || r > 0x9f {
			return r
		}
		if w := charmap.Windows1252.DecodeByte(byte(r)); w != utf8.RuneError {
			return w
		}
		return r
	}, s)
}

// cleanText is decoded text as the desk stores it: C1 controls read as
// Windows-1252, other control characters dropped (vocdesk.CleanText). The
// raw message keeps every byte.
func cleanText(s string) string { return vocdesk.CleanText(c1AsWindows1252(s)) }
