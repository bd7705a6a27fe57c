package vocdesk

import (
	"context"
	"net"
	"strconv"
	"strings"
	"time"
)

// JobIMAPPoll polls one developer's IMAP mailbox; its payload is
// {"developer_id": N}.
const JobIMAPPoll = "mail.imap_poll"

// IMAPSecurity is how the connection to an IMAP server is protected.
type IMAPSecurity string

const (
	IMAPTLS      IMAPSecurity = "tls"      // implicit TLS from the first byte (port 993)
	IMAPStartTLS IMAPSecurity = "starttls" // plain connection upgraded before the login (port 143)
	// IMAPPlain sends the password in clear: only to a loopback address
	// (tests, a local proxy) or when the operator allowed it at start.
	IMAPPlain IMAPSecurity = "none"
)

// IMAPSettings are what a developer sets for the mailbox the desk polls:
// a support mailbox hosted elsewhere whose new mail becomes inquiries as if
// it had arrived over SMTP.
type IMAPSettings struct {
	Addr     string // host:port
	Security IMAPSecurity
	Username string
	// Password is write-only: "" keeps the stored one. It is never shown
	// back, never written to the audit trail.
	Password string
	Mailbox  string // "" means INBOX
	Enabled  bool
}

// Validate checks the settings' form. Whether a plain connection may go to
// this host is the server's setting, checked when it is saved and dialled.
func (s *IMAPSettings) Validate() error {
	s.Addr, s.Username, s.Mailbox = strings.TrimSpace(s.Addr), strings.TrimSpace(s.Username), strings.TrimSpace(s.Mailbox)
	if s.Mailbox == "" {
		s.Mailbox = "INBOX"
	}
	if s.Security == "" {
		s.Security = IMAPTLS
	}
	if _, _, err := ParseIMAPAddr(s.Addr); err != nil {
		return err
	}
	switch {
	case s.Security != IMAPTLS && s.Security != IMAPStartTLS && s.Security != IMAPPlain:
		return Errorf(EINVALID, "security must be one of tls, starttls, none").Because("imap_security")
	case s.Username == "" || len(s.Username) > 320 || strings.ContainsAny(s.Username, "\r\n\x00"):
		return Errorf(EINVALID, "username is required (at most 320 characters, one line)").Because("imap_username")
	case len(s.Password) > 1000 || strings.ContainsAny(s.Password, "\r\n\x00"):
		return Errorf(EINVALID, "password must be one line of at most 1000 characters").Because("imap_password_form")
	case len(s.Mailbox) > 200 || strings.ContainsAny(s.Mailbox, "\r\n\x00\"\\*%"):
		return Errorf(EINVALID, "mailbox must be a mailbox name of at most 200 characters").Because("imap_mailbox")
	}
	return nil
}

// ParseIMAPAddr reads host:port as a developer typed it. The port is
// required: guessing 993 or 143 would hide a wrong security choice.
func ParseIMAPAddr(addr string) (host string, port int, err error) {
	bad := Errorf(EINVALID, "address must be host:port, e.g. imap.example.com:993").Because("imap_addr")
	if addr == "" || len(addr) > 300 || strings.ContainsAny(addr, " \t\r\n\x00/@") {
		return "", 0, bad
	}
	host, p, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return "", 0, bad
	}
	port, err = strconv.Atoi(p)
	if err != nil || port < 1 || port > 65535 {
		return "", 0, bad
	}
	return host, port, nil
}

// IsLoopbackHost reports whether host names this machine: the only place a
// plain IMAP connection may go without the operator's leave.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IMAPMailbox is a developer's polled mailbox: its settings (without the
// password) and where polling stands.
type IMAPMailbox struct {
	DeveloperID   int64
	DeveloperSlug string
	IMAPSettings
	HasPassword bool

	// UIDValidity and LastUID are the poller's place in the mailbox: every
	// message with a UID up to LastUID under this UIDVALIDITY is stored.
	UIDValidity uint32
	LastUID     uint32
	Fetched     int64 // messages taken in since the settings were saved

	LastPollAt *time.Time // the last attempt, whatever its outcome
	LastOKAt   *time.Time // the last attempt that succeeded
	LastError  string     // why the last attempt failed; "" after a success
	// LastReason and LastArgs are LastError's kind and values (netfail),
	// for the settings page; "" when unknown or kept before kinds were.
	LastReason string
	LastArgs   []string
	Failures   int // attempts failed in a row (for the backoff)
	NextPollAt time.Time
	UpdatedAt  time.Time
}

// IMAPPoll is the outcome of one poll, recorded on the mailbox.
type IMAPPoll struct {
	Err string // "" on success
	// Reason and Args are Err's kind and values (netfail.Reason).
	Reason string
	Args   []string
	Next   time.Duration // when to poll again
}

// IMAPService keeps developers' mailbox settings and the poller's place in
// each mailbox.
type IMAPService interface {
	// IMAPMailbox returns developer slug's mailbox, without the password,
	// to its members and to operators; ENOTFOUND when none is set (or the
	// developer is another's).
	IMAPMailbox(ctx context.Context, slug string) (*IMAPMailbox, error)
	// SetIMAPMailbox saves the settings (owners, admins, operators). A
	// changed server, user or mailbox starts the mailbox afresh (UIDs of
	// another mailbox mean nothing); enabling it polls at once.
	SetIMAPMailbox(ctx context.Context, slug string, s *IMAPSettings) (*IMAPMailbox, error)
	// DeleteIMAPMailbox forgets the settings and the password.
	DeleteIMAPMailbox(ctx context.Context, slug string) error

	// The poller's side (system actor).

	// IMAPForPolling returns the mailbox with its password.
	IMAPForPolling(ctx context.Context, developerID int64) (*IMAPMailbox, error)
	// ResetIMAPValidity records the mailbox's UIDVALIDITY; when it differs
	// from the stored one, the place starts again at UID 0 (the intake
	// recognises what it has by Message-ID).
	ResetIMAPValidity(ctx context.Context, developerID int64, uidValidity uint32) error
	// ReceiveIMAPMail stores one fetched message like ReceiveMail and moves
	// the place past uid in the same transaction, so that a message is
	// neither stored twice nor skipped across crashes. It answers nil, nil
	// when uid is already behind the place (another poll took it).
	ReceiveIMAPMail(ctx context.Context, developerID int64, uidValidity, uid uint32, m *InboundMail, decide MailDecider) (*MailMessage, error)
	// RecordIMAPPoll notes a poll's outcome and queues the next poll.
	RecordIMAPPoll(ctx context.Context, developerID int64, p IMAPPoll) error
	// ScheduleIMAPPolls makes sure every enabled mailbox has its next poll
	// queued (after a crash, or a poll job that failed for good).
	ScheduleIMAPPolls(ctx context.Context) error
}
