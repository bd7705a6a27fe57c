package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk/mail"
)

// Config holds every setting of every command. Each command registers the
// flags it uses on its own FlagSet; the rest keep their defaults.
type Config struct {
	DB string // DSN: a path, sqlite:PATH or a postgres:// URL

	Addr                 string
	SMTPAddr             string
	Mail                 MailConfig // the email channel (smtp.go)
	AllowPrivateWebhooks bool
	SecureCookies        bool
	ShutdownTimeout      time.Duration

	LogLevel  string // debug, info, warn, error
	LogFormat string // text or json

	// PublicURL is where people reach the server (https://desk.example.com):
	// links in mail (the satisfaction survey's) are made on it.
	PublicURL string

	Workers WorkersConfig // background jobs and the payment provider (workers.go)
	Recon   ReconConfig   // reconciliation upload limits (config_recon.go)
}

// DefaultConfig returns the settings used when neither a flag nor the
// environment says otherwise.
func DefaultConfig() Config {
	return Config{
		DB:              "vocdesk.db",
		Addr:            "127.0.0.1:8080",
		ShutdownTimeout: 15 * time.Second,
		LogLevel:        "info",
		LogFormat:       "text",
		Workers:         defaultWorkersConfig(),
		Recon:           defaultReconConfig(),
		Mail:            MailConfig{MaxBytes: mail.DefaultMaxBytes, IMAPPollInterval: time.Minute},
	}
}

// registerDB adds --db, which every command that touches the database has.
func (c *Config) registerDB(fs *flag.FlagSet) {
	fs.StringVar(&c.DB, "db", c.DB, "database: a file path or sqlite:PATH (SQLite), or a postgres:// URL")
}

// registerServe adds the flags of vocdesk serve.
func (c *Config) registerServe(fs *flag.FlagSet) {
	c.registerDB(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "`host:port` to serve HTTP on (port 0 picks a free port)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", c.SMTPAddr, "`host:port` to take mail in on (SMTP intake; needs --mail-domain)")
	c.Mail.register(fs)
	fs.BoolVar(&c.AllowPrivateWebhooks, "allow-private-webhooks", c.AllowPrivateWebhooks, "deliver webhooks to loopback and private addresses (tests, private networks)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "send session cookies over HTTPS only (set behind a TLS proxy)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long in-flight requests may run on after SIGTERM/SIGINT")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "the `URL` people reach the server at, for links in mail (default: http://ADDR)")
	c.registerWorkers(fs)
	c.registerRecon(fs)
	c.registerLog(fs)
}

// registerLog adds --log-level and --log-format.
func (c *Config) registerLog(fs *flag.FlagSet) {
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log `level`: debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log `format`: text or json")
}

// Validate checks the settings before anything starts, so a typo is one
// clear message rather than a half-started server.
func (c *Config) Validate() error {
	var errs []error
	if err := validateDSN(c.DB); err != nil {
		errs = append(errs, err)
	}
	if err := validateAddr("addr", c.Addr); err != nil {
		errs = append(errs, err)
	}
	if c.SMTPAddr != "" {
		if err := validateAddr("smtp-addr", c.SMTPAddr); err != nil {
			errs = append(errs, err)
		}
	}
	if err := c.Mail.validate(c.SMTPAddr); err != nil {
		errs = append(errs, err)
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, fmt.Errorf("--public-url must be an http(s) URL such as https://desk.example.com, not %q", c.PublicURL))
		}
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, fmt.Errorf("--shutdown-timeout must be positive, not %s", c.ShutdownTimeout))
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if err := c.Workers.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Recon.validate(); err != nil {
		errs = append(errs, err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat))
	}
	return errors.Join(errs...)
}

// validateDSN accepts what sqlstore.Open accepts: a postgres URL, sqlite:PATH
// or a bare path. A bare word with a colon before any slash looks like a URL
// of some other engine ("mysql://...", "mem:") and is refused rather than
// silently created as an SQLite file of that name.
func validateDSN(dsn string) error {
	switch {
	case dsn == "":
		return errors.New("--db is required")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return nil
	case strings.HasPrefix(dsn, "sqlite:"):
		if strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//") == "" {
			return errors.New("--db sqlite: needs a file path")
		}
		return nil
	}
	if scheme, _, ok := strings.Cut(dsn, ":"); ok && !strings.ContainsAny(scheme, `/\.`) && len(scheme) > 1 {
		return fmt.Errorf("--db %q: unknown scheme %q (use a file path, sqlite:PATH or postgres://...)", dsn, scheme)
	}
	return nil
}

func validateAddr(flagName, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--%s %q is not host:port: %v", flagName, addr, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("--%s %q: port must be a number from 0 to 65535", flagName, addr)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("--%s %q: bad host", flagName, addr)
	}
	return nil
}

// envName is the environment variable that may carry a flag:
// --shutdown-timeout is VOCDESK_SHUTDOWN_TIMEOUT.
func envName(flagName string) string {
	return "VOCDESK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags parses args and then fills every flag not given on the command
// line from its VOCDESK_ variable, so the command line always wins. It
// returns flag.ErrHelp for -h.
func parseFlags(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || getenv == nil {
			return
		}
		v := getenv(envName(f.Name))
		if v == "" {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %v", envName(f.Name), v, err))
		}
	})
	if len(errs) > 0 {
		return envError{errors.Join(errs...)}
	}
	return nil
}

// envError is a bad value in a VOCDESK_ variable; flag.FlagSet has not
// reported it, unlike its own parse errors.
type envError struct{ error }

// newFlagSet returns a FlagSet that reports to w and leaves exiting to the
// caller.
func newFlagSet(name, usage string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: vocdesk %s\n\nFlags (each also from VOCDESK_<FLAG>):\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseOrExit parses flags and reports errors the same way for every
// command: -h is exit 0, anything else wrong is exit 2. ok is false when the
// command must return code.
func parseOrExit(fs *flag.FlagSet, args []string, env *Env) (code int, ok bool) {
	err := parseFlags(fs, args, env.Getenv)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		return 0, false
	default:
		// fs.Parse already printed its own errors and the usage; errors from
		// the environment have not been printed yet.
		var ee envError
		if errors.As(err, &ee) {
			fmt.Fprintf(env.Stderr, "vocdesk %s: %v\n", fs.Name(), ee.error)
		}
		return 2, false
	}
}

// publicURL is --public-url, or the address served on when it is unset (a
// laptop, a demo): good enough for links opened on the same machine.
func (c *Config) publicURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + c.Addr
}
