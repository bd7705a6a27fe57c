package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
)

// MailConfig is the email channel's settings of vocdesk serve.
type MailConfig struct {
	Domain   string // the desk's mail domain: SLUG@Domain reaches developer SLUG
	MaxBytes int64  // messages over this are refused with 552

	// The relay outgoing mail goes through (mailer.go).
	Relay         string
	RelayUser     string
	RelayPassword string
	RelayStartTLS bool

	// Developers' mailboxes polled over IMAP (mailer.go).
	IMAPPollInterval time.Duration
	IMAPAllowPlain   bool
}

func (c *MailConfig) register(fs *flag.FlagSet) {
	fs.StringVar(&c.Domain, "mail-domain", c.Domain, "the desk's mail `domain`: developer SLUG receives mail at SLUG@DOMAIN")
	fs.Int64Var(&c.MaxBytes, "smtp-max-bytes", c.MaxBytes, "largest message the SMTP intake takes, in `bytes` (larger: 552)")
	fs.StringVar(&c.Relay, "smtp-relay", c.Relay, "send outgoing mail through this SMTP relay (`host:port`; needs --mail-domain)")
	fs.StringVar(&c.RelayUser, "smtp-user", c.RelayUser, "user name for the relay (AUTH PLAIN)")
	fs.StringVar(&c.RelayPassword, "smtp-password", c.RelayPassword, "password for the relay (prefer VOCDESK_SMTP_PASSWORD)")
	fs.BoolVar(&c.RelayStartTLS, "smtp-starttls", c.RelayStartTLS, "upgrade the relay connection with STARTTLS before sending")
	fs.DurationVar(&c.IMAPPollInterval, "imap-poll-interval", c.IMAPPollInterval, "how often developers' IMAP mailboxes are polled for new mail (longer after failures)")
	fs.BoolVar(&c.IMAPAllowPlain, "imap-allow-plaintext", c.IMAPAllowPlain, "let developers poll IMAP servers on other hosts without TLS (security none sends the password in clear)")
}

// validate checks the mail settings; smtpAddr is --smtp-addr, which needs a
// domain to know whose mail it is.
func (c *MailConfig) validate(smtpAddr string) error {
	var errs []error
	if smtpAddr != "" && c.Domain == "" {
		errs = append(errs, errors.New("--smtp-addr needs --mail-domain: the domain whose SLUG@DOMAIN addresses it takes mail for"))
	}
	if c.Domain != "" && !validDomain(c.Domain) {
		errs = append(errs, fmt.Errorf("--mail-domain %q is not a domain name", c.Domain))
	}
	if c.Relay != "" {
		if c.Domain == "" {
			errs = append(errs, errors.New("--smtp-relay needs --mail-domain: the desk's mail is From and Reply-To addresses on it"))
		}
		if err := validateAddr("smtp-relay", c.Relay); err != nil {
			errs = append(errs, err)
		}
	}
	if (c.RelayUser == "") != (c.RelayPassword == "") {
		errs = append(errs, errors.New("--smtp-user and --smtp-password go together"))
	}
	if c.IMAPPollInterval < time.Second || c.IMAPPollInterval > 24*time.Hour {
		errs = append(errs, fmt.Errorf("--imap-poll-interval must be between 1s and 24h, not %s", c.IMAPPollInterval))
	}
	if smtpAddr != "" && c.MaxBytes <= 0 {
		errs = append(errs, fmt.Errorf("--smtp-max-bytes must be positive, not %d", c.MaxBytes))
	}
	return errors.Join(errs...)
}

// validDomain accepts host names such as desk.example.com or localhost.
func validDomain(d string) bool {
	if len(d) > 253 || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// startSMTP starts the intake listener when --smtp-addr is set, counting
// what each message became in vocdesk_mail_received_total{outcome}.
func (m *Main) startSMTP(ctx context.Context, svc vocdesk.MailService, reg prometheus.Registerer) error {
	if m.Config.SMTPAddr == "" {
		return nil
	}
	received := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vocdesk_mail_received_total",
		Help: "Messages taken in over SMTP by outcome (inquiry, reply, duplicate, auto_reply, bounce, unparsed; error: answered 451)."},
		[]string{"outcome"})
	if err := reg.Register(received); err != nil {
		return fmt.Errorf("register mail metrics: %w", err)
	}
	m.smtp = mail.NewServer(ctx, mail.ServerConfig{
		Addr: m.Config.SMTPAddr, Domain: strings.ToLower(m.Config.Mail.Domain), MaxBytes: m.Config.Mail.MaxBytes, Logger: m.Logger,
		Received: func(o string) { received.WithLabelValues(o).Inc() },
	}, svc)
	if err := m.smtp.Listen(ctx); err != nil {
		m.smtp = nil
		return err
	}
	m.Logger.Info("vocdesk takes mail", "smtp", m.smtp.Addr(), "domain", m.Config.Mail.Domain)
	return nil
}

// SMTPAddr is where the SMTP intake listens, with the port it got; "" when off.
func (m *Main) SMTPAddr() string {
	if m.smtp == nil {
		return ""
	}
	return m.smtp.Addr()
}
