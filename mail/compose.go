package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"mime"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"

	"github.com/vocdesk/vocdesk"
)

// Outgoing is a composed message ready for the relay.
type Outgoing struct {
	From      string // the envelope sender: bounces come back to the desk's intake
	To        string
	MessageID string // without brackets
	Raw       []byte
}

// Compose writes m as the desk sends it from domain: From the developer's
// address (SLUG@DOMAIN, named after the app), Reply-To the inquiry's reply
// address (SLUG+iID@DOMAIN) so the answer threads back, a Message-ID of
// the desk's that the intake recognises, In-Reply-To the customer's last
// mail and References all of it, the subject in RFC 2047 UTF-8 words, and
// the text as text/plain and text/html alternatives.
func Compose(m *vocdesk.Mail, domain string, now time.Time) (*Outgoing, error) {
	if m.To == "" || domain == "" {
		return nil, fmt.Errorf("mail: compose needs a recipient and the mail domain")
	}
	to, err := gomail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	from := "no-reply@" + domain
	if m.DeveloperSlug != "" {
		from = m.DeveloperSlug + "@" + domain
	}
	out := &Outgoing{From: from, To: to.Address, MessageID: messageIDFor(m, domain)}

	var h gomail.Header
	h.SetAddressList("From", []*gomail.Address{{Name: m.FromName, Address: from}})
	if m.DeveloperSlug != "" && m.InquiryID != 0 {
		h.SetAddressList("Reply-To", []*gomail.Address{{Name: m.FromName, Address: ReplyAddress(m.DeveloperSlug, m.InquiryID, domain)}})
	}
	h.SetAddressList("To", []*gomail.Address{to})
	h.Set("Subject", encodeWords(m.Subject))
	h.SetDate(now)
	h.SetMessageID(out.MessageID)
	refs := append([]string{}, m.References...)
	if len(refs) == 0 && m.InquiryID != 0 {
		// A store-channel inquiry has no customer mail: the thread's root
		// is the inquiry itself, so that the customer's mail client
		// still groups the desk's messages.
		refs = []string{fmt.Sprintf("inquiry-%d@%s", m.InquiryID, domain)}
	}
	if len(refs) > 0 {
		h.SetMsgIDList("In-Reply-To", refs[len(refs)-1:])
		h.SetMsgIDList("References", refs)
	}
	if m.Notice {
		h.Set("Auto-Submitted", "auto-generated")
	}
	if m.InquiryID != 0 {
		h.Set("X-Vocdesk-Inquiry", strconv.FormatInt(m.InquiryID, 10))
	}
	h.SetContentType("multipart/alternative", nil)

	var buf bytes.Buffer
	w, err := message.CreateWriter(&buf, h.Header)
	if err != nil {
		return nil, fmt.Errorf("mail: compose: %w", err)
	}
	for _, part := range []struct{ ctype, body string }{
		{"text/plain", m.Text},
		{"text/html", textToHTML(m.Text, m.Notice)},
	} {
		var ph message.Header
		ph.SetContentType(part.ctype, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, fmt.Errorf("mail: compose: %w", err)
		}
		if _, err := io.WriteString(pw, part.body); err != nil {
			return nil, fmt.Errorf("mail: compose: %w", err)
		}
		if err := pw.Close(); err != nil {
			return nil, fmt.Errorf("mail: compose: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("mail: compose: %w", err)
	}
	out.Raw = buf.Bytes()
	return out, nil
}

// messageIDFor is the desk's Message-ID of m: for an answer, the one the
// intake reads the inquiry back from; for a notice, the one it was queued
// with, moved to the mail domain; else a random one on the domain.
func messageIDFor(m *vocdesk.Mail, domain string) string {
	if m.InquiryID != 0 && m.MessageRef != 0 {
		return MessageID(m.InquiryID, m.MessageRef, domain)
	}
	if id := strings.Trim(m.MessageID, "<> "); id != "" {
		local, _, _ := strings.Cut(id, "@")
		return local + "@" + domain
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b) + "@" + domain
}

// encodeWords encodes a header text in RFC 2047 UTF-8 words when it is not
// plain ASCII: B encoding, which is the shorter for Korean.
func encodeWords(s string) string {
	for _, r := range s {
		if r >= 0x80 || r < 0x20 {
			return mime.BEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// textToHTML is the HTML alternative of a text body: escaped, paragraphs
// and line breaks kept, and nothing else. In a notice (mail the desk writes
// itself: at most a staff member's reason quoted in it, never a customer's
// or a developer's answer) a line that is one http(s) URL and nothing else
// becomes a link to it, so the survey's ratings are one click in mail
// clients that show the HTML part.
func textToHTML(text string, notice bool) string {
	var b strings.Builder
	b.WriteString("<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">")
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(p) == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(p, "\n") {
			if i > 0 {
				b.WriteString("<br>")
			}
			esc := html.EscapeString(line)
			if notice && isLinkLine(line) {
				esc = `<a href="` + esc + `">` + esc + `</a>`
			}
			b.WriteString(esc)
		}
		b.WriteString("</p>")
	}
	b.WriteString("</body></html>")
	return b.String()
}

// isLinkLine reports whether line is one absolute http(s) URL and nothing
// else (no spaces, no quotes or angle brackets that could leave the
// attribute even before escaping).
func isLinkLine(line string) bool {
	if !strings.HasPrefix(line, "https://") && !strings.HasPrefix(line, "http://") {
		return false
	}
	return !strings.ContainsAny(line, " \t\"'<>`")
}
