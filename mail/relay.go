package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/vocdesk/vocdesk"
)

// RelayConfig is where and how the desk sends mail.
type RelayConfig struct {
	Addr     string // host:port of the relay
	User     string // with Password: AUTH PLAIN
	Password string
	StartTLS bool // upgrade with STARTTLS before anything else
	// TLS, when set, configures STARTTLS (tests trust their own relay).
	TLS     *tls.Config
	Domain  string // the desk's mail domain: From, Reply-To and Message-IDs
	HELO    string // the name the desk greets with; Domain when empty
	Timeout time.Duration
}

// Relay sends the desk's mail through an SMTP relay. It implements
// vocdesk.Mailer.
type Relay struct {
	cfg RelayConfig
	Now func() time.Time
}

// NewRelay returns a relay client for cfg.
func NewRelay(cfg RelayConfig) *Relay {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.HELO == "" {
		cfg.HELO = cfg.Domain
	}
	return &Relay{cfg: cfg, Now: time.Now}
}

// PermanentError is a refusal that trying again cannot change (a 5xx
// reply, a mail that cannot be composed).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// Send composes m and hands it to the relay, returning the Message-ID it
// went out with. 5xx replies are permanent; anything else (4xx, network,
// timeouts) is worth another try later.
func (r *Relay) Send(ctx context.Context, m *vocdesk.Mail) error {
	_, err := r.SendID(ctx, m)
	return err
}

// SendID is Send that also returns the Message-ID.
func (r *Relay) SendID(ctx context.Context, m *vocdesk.Mail) (string, error) {
	out, err := Compose(m, r.cfg.Domain, r.Now())
	if err != nil {
		return "", &PermanentError{err}
	}
	if err := r.deliver(ctx, out); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) && se.Code >= 500 {
			return out.MessageID, &PermanentError{err}
		}
		return out.MessageID, err
	}
	return out.MessageID, nil
}

func (r *Relay) deliver(ctx context.Context, out *Outgoing) error {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", r.cfg.Addr)
	if err != nil {
		return fmt.Errorf("mail: relay %s: %w", r.cfg.Addr, err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	var c *smtp.Client
	if r.cfg.StartTLS {
		// go-smtp greets as "localhost" before STARTTLS and offers no way to
		// name the desk there; relays that check the name check it after
		// TLS, when it is the same session's second EHLO.
		tc := r.cfg.TLS
		if tc == nil {
			host, _, _ := net.SplitHostPort(r.cfg.Addr)
			tc = &tls.Config{ServerName: host}
		}
		if c, err = smtp.NewClientStartTLS(conn, tc); err != nil {
			conn.Close()
			return fmt.Errorf("mail: relay starttls: %w", err)
		}
	} else {
		c = smtp.NewClient(conn)
		if err := c.Hello(r.cfg.HELO); err != nil {
			c.Close()
			return fmt.Errorf("mail: relay hello: %w", err)
		}
	}
	defer c.Close()
	// go-smtp sets its own deadline on every command (5 and 12 minutes by
	// default): bound them by the relay's timeout, so a relay that stops
	// answering costs an attempt, not a worker for minutes.
	c.CommandTimeout, c.SubmissionTimeout = r.cfg.Timeout, r.cfg.Timeout
	if r.cfg.User != "" {
		if err := c.Auth(sasl.NewPlainClient("", r.cfg.User, r.cfg.Password)); err != nil {
			return fmt.Errorf("mail: relay auth: %w", err)
		}
	}
	if err := c.SendMail(out.From, []string{out.To}, bytesReader(out.Raw)); err != nil {
		return fmt.Errorf("mail: relay send: %w", err)
	}
	return c.Quit()
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
