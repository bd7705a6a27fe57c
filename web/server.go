// Package web serves vocdesk over HTTP: the JSON API under /api/v1, the
// browser UI (package web/ui) at /, health and readiness checks and metrics.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/ratelimit"
	"github.com/vocdesk/vocdesk/web/ui"
	"github.com/vocdesk/vocdesk/webhooks"
)

// Config holds what the server needs beyond the services.
type Config struct {
	Logger               *slog.Logger
	SecureCookies        bool                            // passed on to ui: cookies only over HTTPS
	AllowPrivateWebhooks bool                            // accept and deliver to loopback/private webhook addresses
	Ready                func(ctx context.Context) error // /readyz: typically a database ping
	// LoginLimiter overrides the sign-in guard (ratelimit.DefaultGuardConfig);
	// tests pass one whose budgets never refill, so that slow password
	// hashing cannot make them flaky.
	LoginLimiter *ratelimit.Guard
	// WebhookResolver resolves webhook hosts when they are set (the check
	// of webhooks.CheckURL); nil: the system's resolver.
	WebhookResolver webhooks.Resolver
	// MaxUploadBytes bounds a reconciliation upload; 0: DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// ReviewLimiter overrides the limit on a customer's review writes
	// (ratelimits.go).
	ReviewLimiter *ratelimit.Limiter
	// SocialLimiter overrides the limit on each social connector's posts
	// to the intake (ratelimit.NewSocialIntakeLimiter).
	SocialLimiter *ratelimit.Limiter
}

// Server is the whole HTTP surface of vocdesk. It is an http.Handler.
type Server struct {
	cfg      Config
	svc      vocdesk.Services
	log      *slog.Logger
	mux      *http.ServeMux
	registry *prometheus.Registry
	metrics  *metrics
	handler  http.Handler

	metricsHandler http.Handler
	pages          http.Handler // the browser pages, mounted at "/"
	// loginLimiter is shared by the API and the sign-in form, so that
	// switching between them buys a password guesser nothing.
	loginLimiter *ratelimit.Guard
	// queryParams is what each API route takes in its query string.
	queryParams queryParams
	// reviewLimiter bounds each customer's review writes, shared with the
	// pages like loginLimiter.
	reviewLimiter *ratelimit.Limiter
	// socialLimiter bounds each social connector's posts (api_social.go).
	socialLimiter *ratelimit.Limiter
}

// NewServer builds the routes and middleware around svc.
func NewServer(cfg Config, svc vocdesk.Services) (*Server, error) {
	if svc.Auth == nil || svc.Developers == nil || svc.Customers == nil || svc.Purchases == nil {
		return nil, errors.New("web: every service in vocdesk.Services is required")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:          cfg,
		svc:          svc,
		log:          log,
		mux:          http.NewServeMux(),
		registry:     prometheus.NewRegistry(),
		loginLimiter: cfg.LoginLimiter,

		reviewLimiter: cfg.ReviewLimiter,
		socialLimiter: cfg.SocialLimiter,
	}
	if s.loginLimiter == nil {
		s.loginLimiter = ratelimit.NewGuard(ratelimit.DefaultGuardConfig())
	}
	if s.reviewLimiter == nil {
		s.reviewLimiter = ratelimit.NewWriteLimiter()
	}
	if s.socialLimiter == nil {
		s.socialLimiter = ratelimit.NewSocialIntakeLimiter()
	}
	var err error
	if s.metrics, err = newMetrics(s.registry); err != nil {
		return nil, err
	}
	s.metricsHandler = promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry})
	uiHandler, err := ui.New(ui.Config{
		Logger:              log,
		SecureCookies:       cfg.SecureCookies,
		LoginLimiter:        s.loginLimiter,
		ReviewLimiter:       s.reviewLimiter,
		MaxReconUploadBytes: s.maxUpload(),
		CheckWebhookURL:     s.checkWebhookURL,
		NameRoute:           nameRoute,
	}, svc)
	if err != nil {
		return nil, err
	}
	if s.queryParams, err = declaredQueryParams(openAPIDoc); err != nil {
		return nil, err
	}
	s.mount()
	s.pages = uiHandler
	s.mux.Handle("/", uiHandler)
	// observe is outside recoverPanics, so that a panic's 500 is logged and
	// counted like any other answer.
	s.handler = s.observe(recoverPanics(s.mux))
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Registry is the server's own Prometheus registry; the command may register
// more collectors on it.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// checkWebhookURL refuses, when a webhook is set, an address deliveries
// would refuse (webhooks.CheckURL), unless private addresses are allowed.
func (s *Server) checkWebhookURL(ctx context.Context, rawURL string) error {
	if s.cfg.AllowPrivateWebhooks {
		return nil
	}
	r := s.cfg.WebhookResolver
	if r == nil {
		r = webhooks.DefaultResolver
	}
	return webhooks.CheckURL(ctx, r, rawURL)
}
