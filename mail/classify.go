package mail

import (
	"strings"

	"github.com/emersion/go-message/textproto"
)

// Kind is what sort of sender a message has: a person, or a machine
// answering mail (which must never become an inquiry, or two desks would
// answer each other for ever).
type Kind string

const (
	KindPersonal  Kind = ""
	KindAutoReply Kind = "auto_reply"
	KindBounce    Kind = "bounce"
)

// classify reads the header's signs of machine mail: RFC 3834's
// Auto-Submitted, the X-Autoreply family, Precedence bulk/junk/auto_reply,
// and DSNs (multipart/report; report-type=delivery-status, or a
// mailer-daemon sender). The body is checked by the walker for DSN parts.
func classify(h textproto.Header) Kind {
	ct := strings.ToLower(h.Get("Content-Type"))
	if strings.HasPrefix(ct, "multipart/report") && strings.Contains(ct, "delivery-status") {
		return KindBounce
	}
	from := strings.ToLower(h.Get("From"))
	if strings.Contains(from, "mailer-daemon@") || strings.Contains(from, "<postmaster@") || strings.HasPrefix(from, "postmaster@") {
		return KindBounce
	}
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && !strings.HasPrefix(v, "no") {
		return KindAutoReply
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Vacation"} {
		if h.Has(k) {
			return KindAutoReply
		}
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "auto_reply", "bulk", "junk":
		return KindAutoReply
	}
	if isOutOfOffice(decodeHeader(h.Get("Subject"))) {
		return KindAutoReply
	}
	return KindPersonal
}

// outOfOffice are subject prefixes of vacation notices from servers that
// set none of the headers (Exchange's "Automatic reply:", Korean portals').
var outOfOffice = []string{"automatic reply:", "auto-reply:", "autoreply:", "out of office:", "out of office reply", "자동 회신:", "자동회신:", "[자동응답]", "부재중 자동 응답"}

func isOutOfOffice(subject string) bool {
	s := strings.ToLower(strings.TrimSpace(subject))
	for _, p := range outOfOffice {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
