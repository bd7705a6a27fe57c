// Package mail is the desk's email channel: reading incoming MIME messages
// in any charset Korean and Western mail uses, the rules that decide what a
// message becomes (inquiry, reply, auto-reply, bounce), the SMTP listener
// that takes mail in, and the mail going out.
//
// Parsing and the rules are pure functions over bytes, tested on real
// messages from real mail clients (testdata/); only smtp.go touches the
// network and only the store (behind vocdesk.MailService) the database.
package mail

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"

	"github.com/vocdesk/vocdesk"
)

// Message is an incoming mail as the desk reads it.
type Message struct {
	MessageID  string // without angle brackets; "" when absent
	From       string // the sender's address, lower case; "" when unreadable
	FromName   string
	To         []string // addresses in To and Cc, lower case
	Subject    string
	Date       time.Time
	InReplyTo  []string
	References []string
	Text       string // what the sender wrote, as plain text
	Files      []File // attachments and inline images
	Kind       Kind
	// Problems name what could not be read and was skipped (a part in an
	// unknown encoding, a broken boundary); the raw message keeps it all.
	Problems []string
	Header   textproto.Header

	// lower is Subject and Text lower-cased, made once by Prepare outside
	// the storing transaction: the TxID, app and category rules all read
	// it, and lower-casing a 20 KB body four times inside the single
	// writer's transaction was a tenth of the intake's CPU (bench/mail).
	lower string
}

// haystack is Subject and Text, lower-cased, for the rules that look for
// words in them.
func (m *Message) haystack() string {
	if m.lower == "" {
		m.lower = vocdesk.LowerText(m.Subject + "\n" + m.Text)
	}
	return m.lower
}

// File is an attachment or inline image of a message.
type File struct {
	Filename    string
	ContentType string // as declared; the store sniffs the bytes itself
	Inline      bool
	Data        []byte
}

// Limits of what one message may make the parser do, so that a hostile
// message costs bounded work: parts walked, nesting, and bytes of one part.
const (
	maxParts    = 100
	maxDepth    = 8
	maxPartSize = 32 << 20
)

// ProblemNoBlankLine is the problem of a header that runs into the body.
const ProblemNoBlankLine = "the header had no blank line before the body"

// ErrNoHeader is returned for bytes that have no readable header at all.
var ErrNoHeader = errors.New("mail: no readable header")

// Parse reads a raw message. It fails only when no header can be read;
// trouble further in (a broken part, an unknown charset) is noted in
// Problems and the rest is read.
func Parse(raw []byte) (*Message, error) {
	h, body, noBreak, err := readHeader(raw)
	if err != nil {
		return nil, err
	}
	m := &Message{Header: h}
	if noBreak {
		m.problem(ProblemNoBlankLine)
	}
	m.readHeader(h)
	m.Kind = classify(h)

	w := &walker{m: m}
	w.walk(h, body, 0, false)
	if w.bounce {
		m.Kind = KindBounce
	}
	m.Text = strings.TrimSpace(w.text())
	return m, nil
}

// readHeader reads the header block. Mail that starts its body without the
// blank line (some list software does) is read up to the first line that is
// no header field, and the rest is the body.
func readHeader(raw []byte) (textproto.Header, io.Reader, bool, error) {
	br := bufio.NewReader(bytes.NewReader(raw))
	h, err := textproto.ReadHeader(br)
	if err == nil && h.Len() > 0 {
		return h, br, false, nil
	}
	end := headerEnd(raw)
	if end == 0 {
		if err == nil {
			err = errors.New("empty header")
		}
		return textproto.Header{}, nil, false, fmt.Errorf("%w: %v", ErrNoHeader, err)
	}
	head := append(append([]byte{}, raw[:end]...), "\r\n"...)
	h, err = textproto.ReadHeader(bufio.NewReader(bytes.NewReader(head)))
	if err != nil || h.Len() == 0 {
		return textproto.Header{}, nil, false, fmt.Errorf("%w: %v", ErrNoHeader, err)
	}
	return h, bytes.NewReader(raw[end:]), true, nil
}

// headerEnd is the offset of the first line that is neither a header field
// ("Name: value") nor its continuation; 0 when the first line is not one.
func headerEnd(raw []byte) int {
	off := 0
	for off < len(raw) {
		line := raw[off:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1]
		}
		t := bytes.TrimRight(line, "\r\n")
		switch {
		case len(t) == 0:
			return off
		case (t[0] == ' ' || t[0] == '\t') && off > 0:
		case isFieldLine(t):
		default:
			return off
		}
		off += len(line)
	}
	return off
}

func isFieldLine(t []byte) bool {
	i := bytes.IndexByte(t, ':')
	if i <= 0 {
		return false
	}
	for _, c := range t[:i] {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

func (m *Message) problem(format string, args ...any) {
	if len(m.Problems) < 10 {
		m.Problems = append(m.Problems, fmt.Sprintf(format, args...))
	}
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

// decodeHeader decodes RFC 2047 encoded words and raw 8-bit bytes (which
// Korean mailers send unencoded, in EUC-KR as often as in UTF-8).
func decodeHeader(v string) string {
	if s, err := wordDecoder.DecodeHeader(v); err == nil {
		v = s
	}
	s, _ := decodeText([]byte(v), "")
	return cleanText(strings.Join(strings.Fields(s), " "))
}

func (m *Message) readHeader(h textproto.Header) {
	m.MessageID = firstID(h.Get("Message-Id"))
	m.Subject = decodeHeader(h.Get("Subject"))
	m.InReplyTo = msgIDs(h.Get("In-Reply-To"))
	m.References = msgIDs(h.Get("References"))
	if d, err := mail.ParseDate(h.Get("Date")); err == nil {
		m.Date = d
	}
	if a := parseAddresses(h.Get("From")); len(a) > 0 {
		m.From, m.FromName = a[0].Address, a[0].Name
	}
	for _, k := range []string{"To", "Cc"} {
		for _, a := range parseAddresses(h.Get(k)) {
			m.To = append(m.To, a.Address)
		}
	}
}

var addrParser = &mail.AddressParser{WordDecoder: wordDecoder}

// parseAddresses reads an address list, falling back to the first
// <addr> or bare addr@domain when the list as a whole is malformed (real
// mail has "Name <a@b> Other <c@d>" without commas).
func parseAddresses(v string) []*mail.Address {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	list, err := addrParser.ParseList(v)
	if err != nil {
		list = nil
		if a := looseAddress(v); a != "" {
			list = []*mail.Address{{Address: a}}
		}
	}
	for _, a := range list {
		a.Address = strings.ToLower(a.Address)
		a.Name = decodeHeader(a.Name)
	}
	return list
}

func looseAddress(v string) string {
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			if a := strings.TrimSpace(v[i+1 : i+j]); strings.Contains(a, "@") && !strings.ContainsAny(a, " \t<>") {
				return a
			}
		}
	}
	for _, f := range strings.Fields(v) {
		f = strings.Trim(f, "<>,;\"'")
		if strings.Count(f, "@") == 1 && !strings.HasPrefix(f, "@") && !strings.HasSuffix(f, "@") {
			return f
		}
	}
	return ""
}

// msgIDs reads a list of <message-id>s; ids written without brackets (old
// mailers) are taken as words.
func msgIDs(v string) []string {
	var out []string
	for len(v) > 0 && len(out) < 50 {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(v[i+1 : i+j]); id != "" {
			out = append(out, id)
		}
		v = v[i+j+1:]
	}
	if len(out) == 0 {
		for _, f := range strings.Fields(v) {
			if strings.Contains(f, "@") && len(out) < 50 {
				out = append(out, strings.Trim(f, "<>,"))
			}
		}
	}
	return out
}

func firstID(v string) string {
	if ids := msgIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// walker collects the text and files of a message's parts.
type walker struct {
	m           *Message
	parts       int
	plain, html []string
	bounce      bool
}

// text is what the sender wrote: the plain parts when there are any, else
// the HTML parts turned into text. Control characters a mailer left in it
// are dropped (cleanText): the desk stores only text, and the raw
// message keeps every byte.
func (w *walker) text() string {
	if len(w.plain) > 0 {
		return cleanText(strings.Join(w.plain, "\n\n"))
	}
	var out []string
	for _, h := range w.html {
		out = append(out, HTMLToText(h))
	}
	return cleanText(strings.Join(out, "\n\n"))
}

func (w *walker) walk(h textproto.Header, body io.Reader, depth int, inReport bool) {
	w.parts++
	if w.parts > maxParts {
		if w.parts == maxParts+1 {
			w.m.problem("more than %d parts; the rest is only in the raw message", maxParts)
		}
		return
	}
	ct, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		ct, params = guessType(h.Get("Content-Type"))
	}
	ct = strings.ToLower(ct)
	if strings.HasPrefix(ct, "multipart/") {
		w.multipart(ct, params, body, depth, inReport)
		return
	}
	if ct == "message/delivery-status" || ct == "message/global-delivery-status" {
		w.bounce = true
		return
	}
	raw, err := io.ReadAll(io.LimitReader(body, maxPartSize+1))
	if err != nil {
		w.m.problem("a %s part was cut short: %v", ct, err)
	}
	if len(raw) > maxPartSize {
		w.m.problem("a %s part over %d MiB was skipped", ct, maxPartSize>>20)
		return
	}
	isText := ct == "" || strings.HasPrefix(ct, "text/")
	data, ok := decodeTransfer(h.Get("Content-Transfer-Encoding"), raw, isText)
	if !ok {
		w.m.problem("a %s part in a broken or unknown transfer encoding (%s) was read as far as possible", ct, h.Get("Content-Transfer-Encoding"))
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	disp = strings.ToLower(disp)
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	filename = decodeHeader(filename)
	switch {
	case inReport && (ct == "message/rfc822" || ct == "text/rfc822-headers"):
		// The returned message of a bounce is not the bouncer's words.
	case isText && base64Text(h, params["charset"], raw, data):
		// Text labelled base64 that was never encoded (it happens: the
		// alphabet covers plain words) decodes to bytes that are not text.
		w.m.problem("a %s part labelled base64 was not encoded; it is read as sent", ct)
		w.add(ct, disp, filename, params, raw)
	default:
		w.add(ct, disp, filename, params, data)
	}
}

// base64Text reports a text part declared base64 in UTF-8 (or ASCII) whose
// decoded bytes are not UTF-8 while the bytes as sent are.
func base64Text(h textproto.Header, charset string, raw, data []byte) bool {
	if !strings.EqualFold(strings.TrimSpace(h.Get("Content-Transfer-Encoding")), "base64") {
		return false
	}
	switch strings.ToLower(strings.Trim(charset, `" `)) {
	case "", "utf-8", "utf8", "us-ascii":
		return !utf8.Valid(data) && utf8.Valid(raw)
	}
	return false
}

// add files a leaf part's decoded bytes as text, HTML or a file. Text
// keeps its lines with LF alone, as the desk stores every message.
func (w *walker) add(ct, disp, filename string, params map[string]string, data []byte) {
	switch {
	case (ct == "text/plain" || ct == "") && disp != "attachment" && filename == "":
		s, guessed := decodeText(data, params["charset"])
		if guessed {
			w.m.problem("text declared as %q was read as another charset", params["charset"])
		}
		w.plain = append(w.plain, strings.ReplaceAll(s, "\r\n", "\n"))
	case ct == "text/html" && disp != "attachment" && filename == "":
		s, guessed := decodeText(data, params["charset"])
		if guessed {
			w.m.problem("HTML declared as %q was read as another charset", params["charset"])
		}
		w.html = append(w.html, s)
	case len(data) == 0:
	default:
		if filename == "" {
			filename = "attachment"
		}
		w.m.Files = append(w.m.Files, File{Filename: filename, ContentType: ct, Inline: disp != "attachment", Data: data})
	}
}

// multipart walks the parts of a multipart entity. Of multipart/alternative
// it keeps one version of the text: the plain one when there is one (the
// last, as RFC 2046 orders them plainest first), else the last HTML one;
// files of every version are kept.
func (w *walker) multipart(ct string, params map[string]string, body io.Reader, depth int, inReport bool) {
	if depth >= maxDepth {
		w.m.problem("parts nested deeper than %d were skipped", maxDepth)
		return
	}
	boundary := params["boundary"]
	if boundary == "" {
		w.m.problem("a %s part has no boundary; it is only in the raw message", ct)
		return
	}
	report := ct == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status")
	if report {
		w.bounce = true
	}
	alt := ct == "multipart/alternative"
	var plain, html []string
	mr := textproto.NewMultipartReader(body, boundary)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			w.m.problem("a part could not be read: %v", err)
			break
		}
		if !alt {
			w.walk(p.Header, p, depth+1, inReport || report)
			continue
		}
		sub := &walker{m: w.m, parts: w.parts}
		sub.walk(p.Header, p, depth+1, inReport || report)
		w.parts, w.bounce = sub.parts, w.bounce || sub.bounce
		if len(sub.plain) > 0 {
			plain = sub.plain
		} else if len(sub.html) > 0 {
			html = sub.html
		}
	}
	switch {
	case len(plain) > 0:
		w.plain = append(w.plain, plain...)
	case len(html) > 0:
		w.html = append(w.html, html...)
	}
}

// decodeTransfer undoes a Content-Transfer-Encoding. Broken encodings are
// common: text declared base64 that is not (it is kept as it is), base64
// cut short or with stray characters (decoded as far as it goes), and names
// nobody knows (kept as sent). ok is false when it had to make do.
func decodeTransfer(enc string, raw []byte, isText bool) ([]byte, bool) {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "", "7bit", "8bit", "binary":
		return raw, true
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
		return out, err == nil
	case "base64":
		clean := make([]byte, len(raw))
		n, stray := 0, 0
		for _, c := range raw {
			switch base64Class[c] {
			case b64Data:
				clean[n] = c
				n++
			case b64Stray:
				stray++
			}
		}
		clean = clean[:n]
		if isText && stray > 0 {
			return raw, false // text that was never encoded
		}
		clean = bytes.TrimRight(clean, "=")
		out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
		n, err := base64.RawStdEncoding.Decode(out, clean)
		if err != nil && isText && n == 0 {
			return raw, false
		}
		return out[:n], err == nil && stray == 0
	}
	return raw, false
}

// base64Class sorts the bytes of a base64 body: the alphabet and padding
// are kept, line breaks and blanks dropped, anything else counted as stray.
// A table, because an attachment is 100 KB of this, byte by byte.
var base64Class = func() (t [256]uint8) {
	for i := range t {
		c := byte(i)
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/', c == '=':
			t[i] = b64Data
		case c == '\r' || c == '\n' || c == ' ' || c == '\t':
			t[i] = b64Blank
		default:
			t[i] = b64Stray
		}
	}
	return t
}()

const (
	b64Stray uint8 = iota
	b64Data
	b64Blank
)

// guessType reads a Content-Type that mime.ParseMediaType refused (a
// duplicate parameter, an unquoted special): the media type before the
// first ';' and whatever parameters read cleanly one by one.
func guessType(v string) (string, map[string]string) {
	parts := strings.Split(v, ";")
	params := map[string]string{}
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, dup := params[k]; !dup {
			params[k] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return strings.ToLower(strings.TrimSpace(parts[0])), params
}

// maxSource is how much of a raw message a page shows; the download has
// it all.
const maxSource = 256 << 10

// Source is a raw message made readable for a page: its bytes as text, with
// 8-bit parts in the charset they most likely are (EUC-KR is common in
// Korean mail's headers and bodies), cut at maxSource. It is the source, not
// a rendering: nothing in it is interpreted.
func Source(raw []byte) (text string, cut bool) {
	if len(raw) > maxSource {
		raw, cut = raw[:maxSource], true
	}
	s, _ := decodeText(raw, "")
	return s, cut
}
