package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/vocdesk/vocdesk"
)

// ServerConfig is the SMTP listener's settings.
type ServerConfig struct {
	Addr          string // where to listen, e.g. 127.0.0.1:2525
	Domain        string // the desk's mail domain: SLUG@Domain reaches developer SLUG
	MaxBytes      int64  // a message over this is refused with 552
	MaxRecipients int    // recipients per message; more answer 452
	// MaxLineLength bounds one line of the dialogue (500 past it). RFC 5321
	// allows 1000 octets; real mailers exceed it, so the default doubles it.
	MaxLineLength int
	Timeout       time.Duration // idle read or write on a connection
	Logger        *slog.Logger
	// Received, when set, is told each stored message's outcome ("error"
	// for one answered 451), for metrics.
	Received func(outcome string)
}

// Defaults of the listener's limits.
const (
	DefaultMaxBytes      = 25 << 20
	DefaultMaxRecipients = 50
	DefaultMaxLineLength = 2000
	defaultTimeout       = 5 * time.Minute
	// storeTimeout bounds how long a delivery waits for the database before
	// the client hears 451 and tries again later.
	storeTimeout = 30 * time.Second
)

// Server is the SMTP intake: it accepts mail for the desk's developers and
// answers 250 only once the message is stored (vocdesk.MailService).
type Server struct {
	cfg   ServerConfig
	store vocdesk.MailService
	smtp  *smtp.Server
	ln    net.Listener
	ctx   context.Context // the system actor's, for every delivery
	once  sync.Once
}

// NewServer returns a listener for cfg that stores into store. ctx carries
// the deliveries' actor and lives as long as the server.
func NewServer(ctx context.Context, cfg ServerConfig, store vocdesk.MailService) *Server {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxRecipients <= 0 {
		cfg.MaxRecipients = DefaultMaxRecipients
	}
	if cfg.MaxLineLength <= 0 {
		cfg.MaxLineLength = DefaultMaxLineLength
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Received == nil {
		cfg.Received = func(string) {}
	}
	s := &Server{cfg: cfg, store: store, ctx: vocdesk.NewContextWithActor(context.WithoutCancel(ctx), vocdesk.SystemActor())}
	srv := smtp.NewServer(s)
	srv.Domain = cfg.Domain
	srv.MaxMessageBytes = cfg.MaxBytes
	srv.MaxRecipients = cfg.MaxRecipients
	srv.MaxLineLength = cfg.MaxLineLength
	srv.ReadTimeout, srv.WriteTimeout = cfg.Timeout, cfg.Timeout
	srv.ErrorLog = slogAdapter{cfg.Logger}
	s.smtp = srv
	return s
}

// Listen binds the address and serves in the background.
func (s *Server) Listen(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("smtp: listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	go func() {
		if err := s.smtp.Serve(ln); err != nil {
			s.cfg.Logger.Error("smtp: serve", "err", err)
		}
	}()
	return nil
}

// Addr is where the server listens, with the port it got.
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Shutdown stops accepting and waits (up to ctx) for deliveries in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.once.Do(func() {
		if err = s.smtp.Shutdown(ctx); err != nil {
			err = errors.Join(err, s.smtp.Close())
		}
	})
	return err
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: s, remote: c.Conn().RemoteAddr().String()}, nil
}

// session is one SMTP connection's transaction state.
type session struct {
	s      *Server
	remote string
	from   string
	rcpts  []string
	// data holds the message being received, kept for the connection's
	// next one (Data).
	data bytes.Buffer
}

// maxKeptData is the largest message buffer a connection keeps between
// messages; a larger one (a 20 MB message) goes to the collector.
const maxKeptData = 1 << 20

var (
	errNoSuchUser = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such recipient here"}
	errNoRelay    = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relaying denied: this server takes mail for its own domain only"}
	errTryLater   = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure storing the message; try again later"}
	errLineLong   = &smtp.SMTPError{Code: 500, EnhancedCode: smtp.EnhancedCode{5, 5, 6}, Message: "Line too long"}
)

func (ss *session) Reset()        { ss.from, ss.rcpts = "", nil }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from, ss.rcpts = strings.ToLower(from), nil
	return nil
}

// Rcpt accepts SLUG@DOMAIN (and SLUG+anything@DOMAIN) of an existing
// developer; anything else is refused here, before any data is sent.
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	slug, _, ok := Recipient(to, ss.s.cfg.Domain)
	if !ok {
		return errNoRelay
	}
	ctx, cancel := context.WithTimeout(ss.s.ctx, storeTimeout)
	defer cancel()
	exists, err := ss.s.store.DeveloperReceives(ctx, slug)
	if err != nil {
		ss.s.cfg.Logger.Error("smtp: recipient lookup", "err", err)
		return errTryLater
	}
	if !exists {
		return errNoSuchUser
	}
	ss.rcpts = append(ss.rcpts, strings.ToLower(to))
	return nil
}

// Data reads the message and stores one copy per recipient; only when all
// are stored does the client hear 250. A failure answers 451, and the
// client's retry is recognised by its Message-ID.
//
// The message is read into the connection's buffer, reused from message to
// message: io.ReadAll grew a new one each time, and allocating and clearing
// it was 3% of bench/mail's CPU. Nothing keeps raw once the message is
// stored (the parser and the store copy what they keep).
func (ss *session) Data(r io.Reader) error {
	ss.data.Reset()
	defer func() {
		if ss.data.Cap() > maxKeptData {
			ss.data = bytes.Buffer{}
		}
	}()
	_, err := ss.data.ReadFrom(r)
	raw := ss.data.Bytes()
	if err != nil {
		var se *smtp.SMTPError
		switch {
		case errors.As(err, &se):
			return se // 552 over the size limit
		case errors.Is(err, smtp.ErrTooLongLine):
			return errLineLong
		}
		return err
	}
	ctx, cancel := context.WithTimeout(ss.s.ctx, storeTimeout)
	defer cancel()
	for _, rcpt := range ss.rcpts {
		in, decide := Prepare(raw, Envelope{From: ss.from, Recipient: rcpt, Domain: ss.s.cfg.Domain})
		rec, err := ss.s.store.ReceiveMail(ctx, in, decide)
		if err != nil {
			ss.s.cfg.Logger.Error("smtp: store message", "err", err, "remote", ss.remote, "to", rcpt)
			ss.s.cfg.Received("error")
			return errTryLater
		}
		ss.s.cfg.Received(string(rec.Outcome))
		ss.s.cfg.Logger.Info("mail received", "id", rec.ID, "outcome", rec.Outcome, "inquiry", rec.InquiryID,
			"to", rcpt, "from", vocdesk.MaskEmail(rec.From), "bytes", rec.Size)
	}
	return nil
}

// slogAdapter routes go-smtp's own error log (broken connections, accept
// errors) to the server's logger.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Printf(format string, v ...any) { a.l.Warn("smtp: " + fmt.Sprintf(format, v...)) }
func (a slogAdapter) Println(v ...any)               { a.l.Warn("smtp: " + fmt.Sprintln(v...)) }
