package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// The automation's views: macros, rules and who is in on one page, a
// rule's form, and a rule's dry run.
const (
	viewConsoleAutomation view = "console_automation"
	viewConsoleRule       view = "console_rule"
	viewConsoleRuleDryRun view = "console_rule_dryrun"
)

// automationRoutes adds the desk's automation to mux: the settings pages
// (admins and owners change them; the service refuses others), applying a
// macro from an inquiry and from the inbox, and members' in/away.
func (h *handler) automationRoutes(mux *pageMux) {
	dev := func(fn http.HandlerFunc) http.Handler { return h.require(realmDeveloper, fn) }
	mux.Handle("GET /console/settings/automation", dev(h.automationPage))
	mux.Handle("POST /console/settings/macros", dev(h.macroSave))
	mux.Handle("POST /console/settings/macros/{id}", dev(h.macroSave))
	mux.Handle("POST /console/settings/macros/{id}/delete", dev(h.macroDelete))
	mux.Handle("POST /console/settings/availability/{id}", dev(h.availabilitySet))
	mux.Handle("GET /console/settings/rules/new", dev(h.ruleNew))
	mux.Handle("POST /console/settings/rules", dev(h.ruleSave))
	mux.Handle("POST /console/settings/rules/dry-run", dev(h.ruleDryRunPost))
	mux.Handle("GET /console/settings/rules/{id}", dev(h.ruleEdit))
	mux.Handle("POST /console/settings/rules/{id}", dev(h.ruleSave))
	mux.Handle("POST /console/settings/rules/{id}/delete", dev(h.ruleDelete))
	mux.Handle("GET /console/settings/rules/{id}/dry-run", dev(h.ruleDryRun))
	mux.Handle("POST /console/inquiries/{id}/macro", dev(h.inquiryMacro))
	mux.Handle("POST /console/inquiries/{id}/priority", dev(h.inquiryPriority))
	mux.Handle("POST /console/inquiries/bulk-macro", dev(h.inboxBulkMacro))
}

// automationData is the automation settings page.
type automationData struct {
	Macros   []*vocdesk.Macro
	Rules    []*vocdesk.Rule
	Members  []memberAvailability
	Canned   []*vocdesk.CannedReply
	ErrorKey string
	ErrorMsg string
	Draft    *vocdesk.Macro // a refused macro as the member wrote it (ID 0: new)
}

// memberAvailability is a member with whether they are in.
type memberAvailability struct {
	*vocdesk.Member
	Away bool
}

func (h *handler) automationPage(w http.ResponseWriter, r *http.Request) {
	h.showAutomation(w, r, &automationData{}, http.StatusOK)
}

// showAutomation renders the settings page around d's error and draft.
func (h *handler) showAutomation(w http.ResponseWriter, r *http.Request, d *automationData, status int) {
	ctx := r.Context()
	auto := h.svc.Automation
	if auto == nil {
		h.notFound(w, r)
		return
	}
	var err error
	if d.Macros, err = auto.FindMacros(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	for i, m := range d.Macros {
		if d.Draft != nil && d.Draft.ID == m.ID {
			d.Macros[i] = d.Draft
		}
	}
	if d.Rules, err = auto.FindRules(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Canned, err = h.svc.Desk.FindCannedReplies(ctx, ""); err != nil {
		h.fail(w, r, err)
		return
	}
	dev, err := h.myDeveloper(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	members, err := h.svc.Developers.FindMembers(ctx, dev.Slug)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	av, err := auto.FindAvailability(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, m := range members {
		d.Members = append(d.Members, memberAvailability{Member: m, Away: av[m.ID] == vocdesk.AvailabilityAway})
	}
	h.render(w, r, status, viewConsoleAutomation, "automation.title", d)
}

// macroSave creates a macro, or changes one when the path has an id.
func (h *handler) macroSave(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	m := &vocdesk.Macro{Name: strings.TrimSpace(f.Get("name"))}
	if s := r.PathValue("id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			h.notFound(w, r)
			return
		}
		if _, err := h.svc.Automation.FindMacro(r.Context(), id); err != nil {
			h.fail(w, r, err)
			return
		}
		m.ID = id
	}
	a := &m.Actions
	a.CannedReplyID, _ = strconv.ParseInt(f.Get("canned"), 10, 64)
	a.Note = strings.TrimSpace(f.Get("note"))
	a.AddTags, a.RemoveTags = splitList(f.Get("add_tags")), splitList(f.Get("remove_tags"))
	switch s := f.Get("assign"); s {
	case "":
	case "me":
		a.AssignToMe = true
	default:
		a.AssigneeID, _ = strconv.ParseInt(s, 10, 64)
	}
	a.Status = vocdesk.InquiryStatus(f.Get("status"))
	var err error
	if m.ID != 0 {
		err = h.svc.Automation.UpdateMacro(r.Context(), m)
	} else {
		err = h.svc.Automation.CreateMacro(r.Context(), m)
	}
	if err != nil {
		if formRefusal(err) {
			h.showAutomation(w, r, &automationData{ErrorKey: "automation.err_macro", ErrorMsg: h.tr(r).Refusal(err), Draft: m},
				http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/settings/automation#macros", flash{Key: "automation.macro_saved", Args: []string{m.Name}})
}

func (h *handler) macroDelete(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	if err := h.svc.Automation.DeleteMacro(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/settings/automation#macros", flash{Key: "automation.macro_deleted"})
}

// availabilitySet sets a member in or away.
func (h *handler) availabilitySet(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	av := vocdesk.Availability(r.PostForm.Get("availability"))
	if err := h.svc.Automation.SetAvailability(r.Context(), id, av); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/settings/automation#team", flash{Key: "automation.availability_saved"})
}

// macroFormData is one macro's form: m is nil for a new one.
type macroFormData struct {
	M *vocdesk.Macro
	D *automationData
}

// MacroForm is the page for the form of macro m.
func (p *page) MacroForm(m *vocdesk.Macro, d *automationData) *page {
	return p.Sub(macroFormData{M: m, D: d})
}

// NewMacroForm is the page for the new macro's form: empty, or the refused
// new macro as the member wrote it.
func (p *page) NewMacroForm(d *automationData) *page {
	if d.Draft != nil && d.Draft.ID == 0 {
		return p.MacroForm(d.Draft, d)
	}
	return p.MacroForm(nil, d)
}

// splitList reads a comma- or line-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// JoinList shows a list in a form field the way splitList reads it.
func (p *page) JoinList(list []string) string { return strings.Join(list, ", ") }

// Priority names a priority in the page's language.
func (p *page) Priority(pr vocdesk.Priority) string { return p.T("automation.priority." + string(pr)) }

// Priorities lists the priorities for a form.
func (p *page) Priorities() []vocdesk.Priority { return vocdesk.Priorities() }

// RuleEvent names an event a rule runs on.
func (p *page) RuleEvent(e vocdesk.RuleEvent) string { return p.T("automation.event." + string(e)) }

// RuleEvents lists the events for a form.
func (p *page) RuleEvents() []vocdesk.RuleEvent { return vocdesk.RuleEvents() }

// SLAStates lists the SLA states a rule may test.
func (p *page) SLAStates() []string {
	return []string{vocdesk.SLANone, vocdesk.SLAOK, vocdesk.SLADueSoon, vocdesk.SLABreached}
}

// RuleAction says in the page's language one line of what a rule did or
// would do ("tag: vip"): the service says it in English, with the kind of
// action before the colon.
func (p *page) RuleAction(s string) string {
	kind, value, _ := strings.Cut(s, ": ")
	key := map[string]string{"assign (round-robin)": "automation.act.rr", "assign": "automation.act.assign",
		"tag": "automation.act.tag", "priority": "automation.act.priority", "reply": "automation.act.reply"}[kind]
	if key == "" {
		return s
	}
	switch {
	case value == "skipped (no agent is in)":
		value = p.T("automation.act.skipped")
	case strings.HasPrefix(value, "skipped"):
		// Another reason (a member removed, a tag too many), in the
		// service's English: said without it.
		value = p.T("automation.act.skipped_other")
	case kind == "priority":
		value = p.Priority(vocdesk.Priority(value))
	}
	return p.T(key) + ": " + value
}

// formRefusal reports whether err is the person's to correct (invalid,
// conflicting or unprocessable input): the form shows again with the
// message and the draft, instead of an error page.
func formRefusal(err error) bool {
	switch vocdesk.ErrorCode(err) {
	case vocdesk.EINVALID, vocdesk.ECONFLICT, vocdesk.EINVALIDTEXT, vocdesk.EUNPROCESSABLE:
		return true
	}
	return false
}
