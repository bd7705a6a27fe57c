package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/vocdesk/vocdesk"
)

//go:embed templates
var templateFS embed.FS

// view names a page template: templates/views/<name>.html, rendered inside
// templates/layout.html. Handlers may render only the constants below.
type view string

const (
	viewHome            view = "home"
	viewLogin           view = "login"
	viewError           view = "error"
	viewMyHome          view = "my_home"
	viewMyPurchases     view = "my_purchases"
	viewMyPurchase      view = "my_purchase"
	viewConsoleHome     view = "console_home"
	viewReconList       view = "recon_list"
	viewReconReport     view = "recon_report"
	viewConsolePurchase view = "console_purchase"
	viewOperatorHome    view = "operator_home"
	viewOperatorKeyNew  view = "operator_key_new"
)

// registeredViews is every view a handler renders. parseViews fails when one
// has no template or a template has no entry here, and a test checks that
// every view constant is listed, so a typo cannot reach a user as a 500.
var registeredViews = []view{
	viewHome, viewLogin, viewError,
	viewMyHome, viewMyPurchases, viewMyPurchase,
	viewConsoleHome, viewReconList, viewReconReport, viewConsolePurchase,
	viewOperatorHome, viewOperatorKeyNew,
	viewConsoleCancel, viewOperatorCancellations,
	viewPurchaseSearch, viewConsoleBatches, viewConsoleBatch,
	viewMyAsk, viewMyInquiries, viewMyInquiry,
	viewConsoleInbox, viewConsoleInquiry, viewConsoleSettings,
	viewOperatorEscalations,
	viewConsoleWebhook,
	viewConsoleTeam, viewConsoleKeyNew,
	viewOperatorImports, viewOperatorImport,
	viewMailLog, viewMailMessage,
	viewSurvey, viewAuditLog,
	viewAppReviews, viewConsoleReviews, viewConsoleReview, viewOperatorReviews,
	viewConsoleIMAP,
	viewConsoleNotifications,
	viewOperatorCall, viewConsoleSocial,
	viewConsoleAutomation, viewConsoleRule, viewConsoleRuleDryRun,
	viewConsoleReports, viewOperatorReports,
}

type views struct {
	m map[view]*template.Template
}

// parseViews parses the layout and partials once, then each view on a clone
// of them, so views can define the same block names without clashing.
func parseViews(a *assets) (*views, error) {
	base, err := template.New("layout.html").Funcs(template.FuncMap{
		"asset": a.url,
	}).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("ui: parse layout: %w", err)
	}
	vs := &views{m: make(map[view]*template.Template)}
	for _, v := range registeredViews {
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFS, "templates/views/"+string(v)+".html")
		}
		if err != nil {
			return nil, fmt.Errorf("ui: parse view %s: %w", v, err)
		}
		vs.m[v] = t
	}
	files, err := fs.Glob(templateFS, "templates/views/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, ok := vs.m[view(strings.TrimSuffix(path.Base(f), ".html"))]; !ok {
			return nil, fmt.Errorf("ui: template %s is not a registered view", f)
		}
	}
	return vs, nil
}

// page is the data of every template: the layout reads the common fields,
// the view reads Data. Its methods (from tr) translate and format.
type page struct {
	tr
	TitleKey string
	Actor    *vocdesk.Actor
	Area     string // "customer", "developer", "operator" or "" for public pages
	CSRF     string
	Path     string // this page's URI, for the language switcher
	Flash    *flash // the answer to the form that led here, shown once
	Data     any
	// Agent is set for a signed-in member of a developer: the bell, the
	// keyboard shortcuts and presence (console_notifications.go).
	Agent *agentBar
}

// IsKo reports whether the page is in Korean (for the switcher's state).
func (p *page) IsKo() bool { return p.Lang == "ko" }

// render executes a view into a buffer first, so a template error becomes a
// clean 500 page rather than half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, v view, titleKey string, data any) {
	st := stateFrom(r)
	p := &page{
		tr:       h.cat.translator(st.lang, st.loc),
		TitleKey: titleKey,
		Actor:    st.actor(),
		CSRF:     h.csrfToken(w, r),
		Path:     r.URL.RequestURI(),
		Flash:    h.takeFlash(w, r),
		Data:     data,
	}
	if p.Actor != nil {
		p.Area = string(p.Actor.Realm)
	}
	p.Agent = h.agentBar(r, p.Actor)
	t, ok := h.views.m[v]
	if !ok {
		h.log.ErrorContext(r.Context(), "ui: unregistered view", "view", v)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		h.log.ErrorContext(r.Context(), "ui: render", "view", v, "err", err)
		if v != viewError {
			h.renderError(w, r, http.StatusInternalServerError, "error.internal")
		} else {
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		}
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	// Pages carry personal data and one-time secrets: never store them.
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Language", st.lang)
	hdr.Add("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// Is reports whether this page is p exactly (for aria-current in the nav).
func (p *page) Is(path string) bool { return p.urlPath() == path }

// Within reports whether this page is p or below it.
func (p *page) Within(path string) bool {
	u := p.urlPath()
	return u == path || strings.HasPrefix(u, path+"/")
}

func (p *page) urlPath() string {
	u, _, _ := strings.Cut(p.Path, "?")
	return u
}

// Sub returns the page with other Data, so a partial can render a part of
// the view (a list, a status) and still translate and format.
func (p *page) Sub(data any) *page {
	q := *p
	q.Data = data
	return &q
}
