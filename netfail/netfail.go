// Package netfail tells what kind of failure ended an outgoing delivery (a
// webhook, a social reply, an IMAP poll): the connection was refused, the
// name was not found, it timed out, TLS failed, the peer answered no. The
// server keeps each failure's English text, which the API answers, and its
// kind beside it (a reason and the values its words take), so that a page
// words it in its reader's language (web/ui's "reason.*" catalog). The
// peer's own words (an HTTP status line and body, an IMAP server's reply)
// are values, shown as they are.
package netfail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"unicode"
	"unicode/utf8"

	"github.com/vocdesk/vocdesk"
)

// The kinds of failure, each a reason of the "reason.*" catalog.
const (
	Refused = "net_refused" // the peer's host refused the connection
	NoHost  = "net_no_host" // the host name was not found (DNS); its value is the name
	Timeout = "net_timeout" // no answer in time
	TLS     = "net_tls"     // the secure connection could not be made
	Reset   = "net_reset"   // the connection broke off
	// Unreachable: no route to the host or its network.
	Unreachable = "net_unreachable"
	// Status: an HTTP answer other than 2xx; its value is the status line
	// ("500 Internal Server Error").
	Status = "net_status"
	// StatusBody is Status with the start of the answer's body as its
	// second value.
	StatusBody = "net_status_body"
	// PeerSaid: the peer refused with words of its own, its one value.
	PeerSaid = "net_peer_said"
)

// Error is a failure with its English text (what Error returns, as it was
// kept before kinds were) and its kind. Err is the cause, for errors.Is.
type Error struct {
	Text   string
	Reason string
	Args   []any
	Err    error
}

func (e *Error) Error() string { return e.Text }
func (e *Error) Unwrap() error { return e.Err }

// New returns err worded as text, with the kind Classify finds in err (of
// no kind when it finds none: the text is then shown as it is).
func New(text string, err error) error {
	reason, args := Classify(err)
	return &Error{Text: text, Reason: reason, Args: args, Err: err}
}

// Wrap returns a failure worded as text, of no kind yet (Because).
func Wrap(text string, cause error) *Error {
	return &Error{Text: text, Err: cause}
}

// Because gives e its kind and the values the kind's words take.
func (e *Error) Because(reason string, args ...any) *Error {
	e.Reason, e.Args = reason, args
	return e
}

// Reason returns the kind of the failure in err's chain and its values as
// text, for keeping (vocdesk.ReasonArgs); "" when none is known.
func Reason(err error) (string, []string) {
	var e *Error
	if !errors.As(err, &e) || e.Reason == "" {
		return "", nil
	}
	return e.Reason, vocdesk.ReasonArgs(e.Args)
}

// Classify names the kind of a network error; "" for one it does not know
// (or nil), whose English is then shown as it is.
func Classify(err error) (string, []any) {
	if err == nil {
		return "", nil
	}
	var e *Error
	if errors.As(err, &e) && e.Reason != "" {
		return e.Reason, e.Args
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		if dns.IsTimeout {
			return Timeout, nil
		}
		return NoHost, []any{dns.Name}
	}
	var (
		rec  tls.RecordHeaderError
		alrt tls.AlertError
		cert *tls.CertificateVerificationError
		hn   x509.HostnameError
		ua   x509.UnknownAuthorityError
		ci   x509.CertificateInvalidError
	)
	if errors.As(err, &rec) || errors.As(err, &alrt) || errors.As(err, &cert) || errors.As(err, &hn) ||
		errors.As(err, &ua) || errors.As(err, &ci) || tlsText(err.Error()) {
		return TLS, nil
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return Timeout, nil
	case errors.Is(err, syscall.ECONNREFUSED):
		return Refused, nil
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return Unreachable, nil
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed), closedText(err.Error()):
		return Reset, nil
	}
	return "", nil
}

// closedText tells by its words net/http's own error for a server that
// closed the connection before answering, which it does not export: a peer
// that hangs up at once gives it instead of io.EOF when the close lands
// before the request is written (seen under load in CI).
func closedText(s string) bool {
	return strings.Contains(s, "server closed idle connection")
}

// tlsText tells a TLS failure by its words where it has no type of its
// own: crypto/tls's "tls: ..." errors and net/http's answer to an https
// URL served in plain HTTP.
func tlsText(s string) bool {
	return strings.Contains(s, "tls: ") || strings.Contains(s, "server gave HTTP response to HTTPS client")
}

// Excerpt is the start of a peer's words as a page may show them: one
// line, valid UTF-8, without control characters, at most max bytes cut on
// a character.
func Excerpt(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		n := utf8.RuneLen(r)
		if space {
			n++
		}
		if b.Len()+n > max {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
