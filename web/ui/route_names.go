package ui

import (
	"net/http"
	"strings"
)

// pageMux is the page router: a ServeMux that also remembers every pattern
// registered on it, so that each page request can be named by its pattern
// for metrics and logs, and a test can walk every page.
type pageMux struct {
	*http.ServeMux
	patterns []string
}

func newPageMux() *pageMux { return &pageMux{ServeMux: http.NewServeMux()} }

// Handle registers h for pattern and records the pattern.
func (m *pageMux) Handle(pattern string, h http.Handler) {
	m.ServeMux.Handle(pattern, h)
	m.patterns = append(m.patterns, pattern)
}

// HandleFunc registers fn for pattern and records the pattern.
func (m *pageMux) HandleFunc(pattern string, fn func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(fn))
}

// catchAll is the pattern of the "no such page" answer; a request that only
// it matches keeps no name, so that the server counts it as unmatched.
const catchAll = "/"

// pages is the handler New returns: the pages behind their middleware, with
// the router beside them to name each request before anything else runs (a
// request refused by the CSRF check is still counted under its page).
type pages struct {
	mux   *pageMux
	next  http.Handler
	named func(*http.Request, string)
}

func (p *pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.named != nil {
		if _, pattern := p.mux.Handler(r); pattern != "" && pattern != catchAll {
			p.named(r, pattern)
		}
	}
	p.next.ServeHTTP(w, r)
}

// Patterns lists every page pattern but the catch-all, in the order they
// were registered.
func (p *pages) Patterns() []string {
	out := make([]string, 0, len(p.mux.patterns))
	for _, pt := range p.mux.patterns {
		if pt != catchAll && strings.Contains(pt, " ") {
			out = append(out, pt)
		}
	}
	return out
}
