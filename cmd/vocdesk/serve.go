package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/ratelimit"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/web"
)

// Main is a running vocdesk server: the database, the HTTP server and its
// listener. runServe drives it from flags and signals; tests drive it
// directly with port 0 and a temp database.
type Main struct {
	Config Config
	Logger *slog.Logger

	db       *sqlstore.DB
	server   *http.Server
	listener net.Listener
	done     chan error   // the result of http.Server.Serve
	workers  *workers     // background jobs (workers.go)
	smtp     *mail.Server // SMTP intake, when --smtp-addr is set (smtp.go)
	sweep    *sweeper     // continuous reconciliation and escalation (sweeps.go)
}

// NewMain returns a server with cfg, logging to w.
func NewMain(cfg Config, w io.Writer) *Main {
	return &Main{Config: cfg, Logger: newLogger(cfg, w)}
}

// Run opens and migrates the database, builds the HTTP surface, starts
// listening and serves in the background. It returns once requests are
// being accepted; call Close to stop.
func (m *Main) Run(ctx context.Context) (err error) {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	if m.db, err = openDatabase(ctx, m.Config.DB); err != nil {
		return err
	}
	svc := sqlstore.Services(m.db)
	configureServices(m.Config, svc)
	guard, err := loginGuard(ctx, m.db)
	if err != nil {
		return err
	}
	h, err := web.NewServer(web.Config{
		Logger:               m.Logger,
		LoginLimiter:         guard,
		SecureCookies:        m.Config.SecureCookies,
		AllowPrivateWebhooks: m.Config.AllowPrivateWebhooks,
		Ready:                m.db.Ping,
		MaxUploadBytes:       m.Config.Recon.MaxUploadBytes,
	}, svc)
	if err != nil {
		return fmt.Errorf("build web server: %w", err)
	}
	if m.workers, err = startWorkers(m.Config, m.db, svc, m.Logger, h.Registry()); err != nil {
		return err
	}
	m.sweep = startSweeps(m.Logger, serveSweeps(m.db))
	if err := m.startSMTP(ctx, svc.Mail, h.Registry()); err != nil {
		return err
	}
	m.server = &http.Server{
		Handler: h,
		// A client gets 10 s for its headers (slowloris) and a minute for a
		// body; uploads have their own limits in the handlers. Responses may
		// take up to two minutes (large CSV exports); idle keep-alive
		// connections are dropped after two.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	var lc net.ListenConfig
	if m.listener, err = lc.Listen(ctx, "tcp", m.Config.Addr); err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(m.listener) }()
	m.Logger.Info("vocdesk is serving", "url", m.URL(), "db", redactDSN(m.Config.DB), "dialect", m.db.Dialect())
	return nil
}

// URL is where the server answers, with the port the listener got.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	return "http://" + m.listener.Addr().String()
}

// Done is closed with the server's error if it stops serving by itself.
func (m *Main) Done() <-chan error { return m.done }

// Close shuts down gracefully: the listener closes at once, requests in
// flight get Config.ShutdownTimeout to finish, then the database closes.
func (m *Main) Close() error {
	var errs []error
	// Mail stops first: deliveries in flight finish (and answer 250) while
	// the database is still open.
	if m.smtp != nil {
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
		errs = append(errs, m.smtp.Shutdown(ctx))
		cancel()
		m.smtp = nil
	}
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
		defer cancel()
		if err := m.server.Shutdown(ctx); err != nil {
			// The timeout passed with requests still running: cut them off.
			errs = append(errs, fmt.Errorf("graceful shutdown: %w", err), m.server.Close())
		}
		m.server = nil
	} else if m.listener != nil {
		errs = append(errs, m.listener.Close())
	}
	// Jobs stop after the last request (which may have queued some) and
	// before the database closes under them.
	if m.workers != nil {
		m.workers.stop()
		m.workers = nil
	}
	if m.sweep != nil {
		m.sweep.stop()
		m.sweep = nil
	}
	if m.db != nil {
		errs = append(errs, m.db.Close())
		m.db = nil
	}
	return errors.Join(errs...)
}

// runServe serves until ctx ends (SIGTERM or SIGINT), then shuts down
// gracefully.
// serveGCPercent is the server's GOGC. Its live heap is small (tens of
// MB) and busy with short-lived rows and JSON, so at Go's default (100) it
// was collected dozens of times a second, about a sixth of its CPU. Over the API
// at 64 clients on 2 cores, collecting at three times the live heap (200)
// answered 1.1-1.3 times as many inbox pages, inquiry views and searches,
// with no longer a tail; at 400 it answered more, but the inbox's p99
// grew by a third.
const serveGCPercent = 200

// tuneGC sets the server's GOGC, unless the operator set GOGC, which the
// Go runtime has applied already.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
}

func runServe(ctx context.Context, env *Env, args []string) int {
	cfg := DefaultConfig()
	fs := newFlagSet("serve", "serve [--addr HOST:PORT] [--db DSN] [flags]", env.Stderr)
	cfg.registerServe(fs)
	if code, ok := parseOrExit(fs, args, env); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "vocdesk serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk serve: %v\n", err)
		return 2
	}
	tuneGC(env.Getenv)
	m := NewMain(cfg, env.Stderr)
	if err := m.Run(ctx); err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk serve: %v\n", err)
		return 1
	}
	select {
	case <-ctx.Done():
		m.Logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	case err := <-m.Done():
		m.Logger.Error("server stopped", "err", err)
		m.Close()
		return 1
	}
	if err := m.Close(); err != nil {
		m.Logger.Error("shutdown", "err", err)
		return 1
	}
	m.Logger.Info("stopped")
	return 0
}

// loginGuard is the sign-in guard of the API and the pages. Its counters
// are the database's and its key is the database's (sqlstore.ServerKey),
// so every process behind a load balancer counts one budget per address
// and per account, and the browser an owner signed in with keeps skipping
// strangers' limits after a restart and on every process.
func loginGuard(ctx context.Context, db *sqlstore.DB) (*ratelimit.Guard, error) {
	key, err := db.ServerKey(ctx, "signin-device")
	if err != nil {
		return nil, err
	}
	cfg := ratelimit.DefaultGuardConfig()
	cfg.Key = key
	cfg.Counters = sqlstore.NewSignInCounters(db)
	return ratelimit.NewGuard(cfg), nil
}
