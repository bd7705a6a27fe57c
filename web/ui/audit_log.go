package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/csvsafe"
)

// The audit trail's pages: the back office reads all of it, a developer's
// owners and admins their organisation's (the service decides; agents and
// viewers get the forbidden page).
const viewAuditLog view = "audit_log"

// auditPageSize is one page of the trail; the export reads auditExportMax
// entries at most, a page of the service at a time.
const (
	auditPageSize  = 50
	auditExportMax = 100_000
)

// auditRoutes adds the trail's pages to mux.
func (h *handler) auditRoutes(mux *pageMux) {
	mux.Handle("GET /operator/audit", h.require(realmOperator, h.auditLog))
	mux.Handle("GET /operator/audit.csv", h.require(realmOperator, h.auditExport))
	mux.Handle("GET /console/audit", h.require(realmDeveloper, h.auditLog))
	mux.Handle("GET /console/audit.csv", h.require(realmDeveloper, h.auditExport))
}

// auditForm is the search as the form shows it. Dates are days in the
// viewer's zone; values that do not parse are dropped and named in Invalid.
type auditForm struct {
	Actor, Action, Entity, From, To, Q, Developer string
	Invalid                                       []string
}

// query is the form as a URL query, without the cursor.
func (f *auditForm) query() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"actor": f.Actor, "action": f.Action, "entity": f.Entity, "from": f.From, "to": f.To, "q": f.Q, "developer": f.Developer} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func parseAuditForm(q url.Values, loc *time.Location, operator bool) (auditForm, vocdesk.AuditFilter) {
	clip := func(s string) string { return strings.TrimSpace(s) }
	af := auditForm{Actor: clip(q.Get("actor")), Action: clip(q.Get("action")), Entity: clip(q.Get("entity")), Q: clip(q.Get("q"))}
	if operator {
		af.Developer = clip(q.Get("developer"))
	}
	f := vocdesk.AuditFilter{Actor: af.Actor, Action: af.Action, Entity: af.Entity, Q: af.Q, Developer: af.Developer, Limit: auditPageSize}
	from, okFrom := parseDay(q.Get("from"), loc)
	to, okTo := parseDay(q.Get("to"), loc)
	if !okFrom {
		af.Invalid = append(af.Invalid, "from")
	}
	if !okTo {
		af.Invalid = append(af.Invalid, "to")
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		af.Invalid = append(af.Invalid, "range")
		from, to = time.Time{}, time.Time{}
	}
	if !from.IsZero() {
		af.From, f.From = from.Format(time.DateOnly), from
	}
	if !to.IsZero() {
		af.To, f.To = to.Format(time.DateOnly), to.AddDate(0, 0, 1)
	}
	if c := q.Get("cursor"); c != "" && validCursor(c) {
		f.Cursor = c
	}
	// A field the service would refuse (too long, an actor id that is no
	// number) is dropped and named, like a bad date.
	for _, fld := range []struct {
		name       string
		form, filt *string
	}{{"actor", &af.Actor, &f.Actor}, {"action", &af.Action, &f.Action}, {"entity", &af.Entity, &f.Entity},
		{"q", &af.Q, &f.Q}, {"developer", &af.Developer, &f.Developer}} {
		one := vocdesk.AuditFilter{Q: *fld.filt}
		if fld.name == "actor" {
			one = vocdesk.AuditFilter{Actor: *fld.filt}
		}
		if one.Validate() != nil {
			*fld.form, *fld.filt = "", ""
			af.Invalid = append(af.Invalid, fld.name)
		}
	}
	return af, f
}

// auditLogData is the trail's page.
type auditLogData struct {
	Operator  bool
	Base      string // /operator/audit or /console/audit
	Inquiries string // where an inquiry entity links to
	Form      auditForm
	Items     []*auditRow
	Next      string // the next page's query
	Export    string // the CSV export's URL with the search
	Realms    []vocdesk.Realm
}

// auditRow is an entry with its diff.
type auditRow struct {
	*vocdesk.AuditEntry
	Fields []vocdesk.AuditField
}

func (h *handler) auditBase(a *vocdesk.Actor) (base, inquiries string) {
	if a.IsOperator() {
		return "/operator/audit", "/operator/inquiries"
	}
	return "/console/audit", "/console/inquiries"
}

func (h *handler) auditLog(w http.ResponseWriter, r *http.Request) {
	if h.svc.Audit == nil {
		h.notFound(w, r)
		return
	}
	a := stateFrom(r).actor()
	form, f := parseAuditForm(r.URL.Query(), h.pageZone(r), a.IsOperator())
	list, next, err := h.svc.Audit.FindAudit(r.Context(), f)
	if vocdesk.ErrorCode(err) == vocdesk.EINVALID && f.Cursor != "" {
		form.Invalid = append(form.Invalid, "cursor")
		f.Cursor = ""
		list, next, err = h.svc.Audit.FindAudit(r.Context(), f)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &auditLogData{Operator: a.IsOperator(), Form: form,
		Realms: []vocdesk.Realm{vocdesk.RealmOperator, vocdesk.RealmDeveloper, vocdesk.RealmCustomer}}
	d.Base, d.Inquiries = h.auditBase(a)
	for _, e := range list {
		d.Items = append(d.Items, &auditRow{AuditEntry: e, Fields: vocdesk.AuditDiff(e.Before, e.After)})
	}
	q := form.query()
	if next != "" {
		nq := form.query()
		nq.Set("cursor", next)
		d.Next = "?" + nq.Encode()
	}
	d.Export = d.Base + ".csv"
	if len(q) > 0 {
		d.Export += "?" + q.Encode()
	}
	h.render(w, r, http.StatusOK, viewAuditLog, "audit.title", d)
}

// auditExport downloads the search's entries as CSV, newest first, through
// csvsafe (a before/after value is text the actor typed).
func (h *handler) auditExport(w http.ResponseWriter, r *http.Request) {
	if h.svc.Audit == nil {
		h.notFound(w, r)
		return
	}
	a := stateFrom(r).actor()
	_, f := parseAuditForm(r.URL.Query(), h.pageZone(r), a.IsOperator())
	f.Cursor, f.Limit = "", 200
	// The first page is read before anything is written, so a refusal (an
	// agent) is its page, not a broken download.
	list, next, err := h.svc.Audit.FindAudit(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/csv; charset=utf-8")
	hdr.Set("Content-Disposition", `attachment; filename="audit.csv"`)
	hdr.Set("Cache-Control", "no-store")
	cw := csvsafe.NewWriter(w)
	_ = cw.Write([]string{"id", "at", "actor_kind", "actor_id", "actor_key_id", "actor_name", "developer", "action", "entity", "entity_id", "before", "after"})
	n := 0
	for {
		for _, e := range list {
			_ = cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), string(e.ActorRealm),
				strconv.FormatInt(e.ActorID, 10), strconv.FormatInt(e.ActorKeyID, 10), e.ActorName, e.DeveloperSlug,
				e.Action, e.Entity, e.EntityID, e.Before, e.After})
			n++
		}
		if next == "" || n >= auditExportMax {
			break
		}
		f.Cursor = next
		if list, next, err = h.svc.Audit.FindAudit(r.Context(), f); err != nil {
			// The header row is out: cut the connection so the file is
			// seen to be incomplete rather than silently short.
			h.log.ErrorContext(r.Context(), "ui: export audit", "err", err)
			panic(http.ErrAbortHandler)
		}
	}
	cw.Flush()
}

// ActorKind is an actor's realm in the page's language.
func (p *page) ActorKind(r vocdesk.Realm) string { return p.T("audit.kind." + string(r)) }

// AuditActor names who made a change: the system (jobs, sign-ups, the
// store's own runs) in the page's language, anyone else by the name stored.
func (p *page) AuditActor(e *vocdesk.AuditEntry) string {
	if e.ActorRealm == vocdesk.RealmOperator && e.ActorID == 0 && e.ActorKeyID == 0 && e.ActorName == vocdesk.SystemActor().Name {
		return p.T("audit.system")
	}
	return e.ActorName
}

// AuditAction names an action ("inquiry.rated") in the page's language. The
// page shows the code beside it, which is what the search's "what" takes;
// an action with no words of its own yet is its code alone ("").
func (p *page) AuditAction(action string) string { return p.msgs["audit.act."+action] }

// AuditEntity names an entity ("inquiry") in the page's language, or by
// its code when it has no words of its own yet.
func (p *page) AuditEntity(entity string) string {
	if s, ok := p.msgs["audit.entity."+entity]; ok {
		return s
	}
	return entity
}

// AuditValue is a before or after value for people: an instant (stored as
// RFC 3339 in UTC) in the page's zone, anything else as stored.
func (p *page) AuditValue(v string) string {
	if len(v) < len("2006-01-02T15:04:05Z") || v[10] != 'T' {
		return v
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return v
	}
	return p.Time(t)
}
