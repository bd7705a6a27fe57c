// Package ui serves vocdesk's browser pages: the customer's My Page, the
// developer console and the operator's back office. Pages are rendered on the
// server from html/template; every action is a plain form post, so the pages
// work without JavaScript, and the little script there is only makes them
// nicer.
package ui

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/ratelimit"
)

// Config holds what the pages need beyond the services.
type Config struct {
	Logger        *slog.Logger
	SecureCookies bool             // Secure flag on cookies, for deployments behind TLS
	LoginLimiter  *ratelimit.Guard // sign-in failures per address and account; nil: the default guard
	// MaxReconUploadBytes bounds a server log uploaded on the
	// reconciliation page, as the API's upload is bounded; 0: 1 GiB.
	MaxReconUploadBytes int64
	// CheckWebhookURL refuses a webhook URL whose host is not public
	// (the server's policy); nil accepts any.
	CheckWebhookURL func(ctx context.Context, rawURL string) error
	// NameRoute, when set, is told the pattern of the page each request
	// matched (never the catch-all), before the page runs, for metrics and logs.
	NameRoute func(r *http.Request, pattern string)
	// WebhookTestWait overrides how long "send a test event" waits for the
	// first attempt (4 s); negative: not at all (tests without a worker).
	WebhookTestWait time.Duration
	ReviewLimiter   *ratelimit.Limiter // a customer's review writes, shared with the API; nil: ratelimit.NewWriteLimiter
}

// sessionTTL is how long a browser stays signed in. A working day: long
// enough that an agent answering inquiries is not thrown out mid-shift,
// short enough that a forgotten browser does not stay open for a week.
const sessionTTL = 12 * time.Hour

// handler holds everything the pages share. It is built once by New and
// read-only afterwards, so it is safe for concurrent use.
type handler struct {
	log     *slog.Logger
	svc     vocdesk.Services
	views   *views
	assets  *assets
	cat     *catalog
	zones   zones
	limiter *ratelimit.Guard
	// maxReconUpload bounds a streamed server log upload.
	maxReconUpload int64
	// checkWebhookURL is Config.CheckWebhookURL, never nil.
	checkWebhookURL func(ctx context.Context, rawURL string) error
	secure          bool
	now             func() time.Time
	// testWait bounds the wait for a webhook test event's first attempt.
	testWait time.Duration
	// reviews bounds a customer's review writes (my_reviews.go).
	reviews *ratelimit.Limiter
}

// New returns the handler of the browser pages, to be mounted at "/". It
// parses every template and hashes every asset now, so that a broken
// template stops the server at start rather than failing a page later.
func New(cfg Config, svc vocdesk.Services) (http.Handler, error) {
	if svc.Auth == nil || svc.Developers == nil || svc.Customers == nil || svc.Purchases == nil {
		return nil, errors.New("ui: every service in vocdesk.Services is required")
	}
	h := &handler{
		log:             cfg.Logger,
		svc:             svc,
		limiter:         cfg.LoginLimiter,
		reviews:         cfg.ReviewLimiter,
		maxReconUpload:  cfg.MaxReconUploadBytes,
		checkWebhookURL: cfg.CheckWebhookURL,
		secure:          cfg.SecureCookies,
		now:             time.Now,
		testWait:        webhookTestWait,
	}
	if cfg.WebhookTestWait != 0 {
		h.testWait = max(cfg.WebhookTestWait, 0)
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.checkWebhookURL == nil {
		h.checkWebhookURL = func(context.Context, string) error { return nil }
	}
	if h.maxReconUpload <= 0 {
		h.maxReconUpload = 1 << 30
	}
	if h.limiter == nil {
		// The same budgets the server uses; the server passes its own guard
		// so that the API and these pages share one.
		h.limiter = ratelimit.NewGuard(ratelimit.DefaultGuardConfig())
	}
	if h.reviews == nil {
		h.reviews = ratelimit.NewWriteLimiter()
	}
	var err error
	if h.cat, err = loadCatalog(); err != nil {
		return nil, err
	}
	if h.zones, err = loadZones(); err != nil {
		return nil, err
	}
	if h.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if h.views, err = parseViews(h.assets); err != nil {
		return nil, err
	}
	mux := h.routes()
	return &pages{mux: mux, next: h.middleware(mux), named: cfg.NameRoute}, nil
}
