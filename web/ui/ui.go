// Package ui serves vocdesk's browser pages: the customer's My Page, the
// developer console and the operator's back office. Pages are rendered on the
// server from html/template; every action is a plain form post, so the pages
// work without JavaScript, and the little script there is only makes them
// nicer.
package ui

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/ratelimit"
)

// Config holds what the pages need beyond the services.
type Config struct {
	Logger        *slog.Logger
	SecureCookies bool               // Secure flag on cookies, for deployments behind TLS
	LoginLimiter  *ratelimit.Limiter // sign-in attempts per IP and email; nil: a default limiter
	ReviewLimiter *ratelimit.Limiter // a customer's review writes, shared with the API; nil: a default limiter
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
	limiter *ratelimit.Limiter
	// reviews bounds a customer's review writes (my_reviews.go).
	reviews *ratelimit.Limiter
	secure  bool
	now     func() time.Time
}

// New returns the handler of the browser pages, to be mounted at "/". It
// parses every template and hashes every asset now, so that a broken
// template stops the server at start rather than failing a page later.
func New(cfg Config, svc vocdesk.Services) (http.Handler, error) {
	if svc.Auth == nil || svc.Developers == nil || svc.Customers == nil || svc.Purchases == nil {
		return nil, errors.New("ui: every service in vocdesk.Services is required")
	}
	h := &handler{
		log:     cfg.Logger,
		svc:     svc,
		limiter: cfg.LoginLimiter,
		reviews: cfg.ReviewLimiter,
		secure:  cfg.SecureCookies,
		now:     time.Now,
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.limiter == nil {
		// The same allowance the server uses: a few tries in a row, then one
		// every six seconds.
		h.limiter = ratelimit.New(rate.Limit(1.0/6), 5)
	}
	if h.reviews == nil {
		// The server's allowance: ten in a row, then one a minute.
		h.reviews = ratelimit.New(rate.Limit(1.0/60), 10)
	}
	var err error
	if h.cat, err = loadCatalog(); err != nil {
		return nil, err
	}
	if h.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if h.views, err = parseViews(h.assets); err != nil {
		return nil, err
	}
	return h.middleware(h.routes()), nil
}
