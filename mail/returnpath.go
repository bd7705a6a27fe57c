package mail

import (
	"bufio"
	"bytes"
	"net/mail"
	"net/textproto"
	"strings"
)

// ReturnPath is the reverse path of a message fetched from a mailbox: what
// the SMTP session's MAIL FROM is for mail that comes over SMTP. The
// delivering server wrote it as Return-Path; "<>" (a bounce, an
// autoresponder) answers "". A message without one (written into the
// mailbox by a client) falls back on its From header as written, so that
// a person's mail is not taken for machine mail for want of a header only
// servers add. Only the header block is read, and at most 64 KiB of it.
func ReturnPath(raw []byte) string {
	const maxHeader = 64 << 10
	head := raw[:min(len(raw), maxHeader)]
	if i := bytes.Index(head, []byte("\r\n\r\n")); i >= 0 {
		head = head[:i+2]
	} else if i := bytes.Index(head, []byte("\n\n")); i >= 0 {
		head = head[:i+1]
	}
	h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(head, '\r', '\n')))).ReadMIMEHeader()
	if rp, ok := h["Return-Path"]; ok && len(rp) > 0 {
		v := strings.TrimSpace(rp[0])
		if v == "<>" || v == "" {
			return ""
		}
		if a, err := mail.ParseAddress(v); err == nil {
			return strings.ToLower(a.Address)
		}
		return oneLine(strings.Trim(v, "<>"))
	}
	from := strings.TrimSpace(h.Get("From"))
	if a, err := mail.ParseAddress(from); err == nil {
		return strings.ToLower(a.Address)
	}
	return oneLine(from)
}

// oneLine keeps a header value printable on one line and of bounded size.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 320 {
		s = strings.ToValidUTF8(s[:320], "")
	}
	return s
}
