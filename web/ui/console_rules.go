package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// ruleData is a rule's form: a new rule, or one to change.
type ruleData struct {
	Rule     *vocdesk.Rule
	Apps     []*vocdesk.App
	Members  []*vocdesk.Member
	Canned   []*vocdesk.CannedReply
	Spend    string // the spend condition's amount as typed ("10000", "9.99")
	ErrorMsg string
}

// Has reports whether list holds v, for the form's checkboxes.
func (d *ruleData) Has(list any, v string) bool {
	switch l := list.(type) {
	case []vocdesk.RuleEvent:
		return slices.Contains(l, vocdesk.RuleEvent(v))
	case []vocdesk.Channel:
		return slices.Contains(l, vocdesk.Channel(v))
	case []vocdesk.Category:
		return slices.Contains(l, vocdesk.Category(v))
	case []string:
		return slices.Contains(l, v)
	}
	return false
}

// AssignValue is the assignment select's value: "", "rr" or a member id.
func (d *ruleData) AssignValue() string {
	switch {
	case d.Rule.Actions.AssignRoundRobin:
		return "rr"
	case d.Rule.Actions.AssigneeID != 0:
		return strconv.FormatInt(d.Rule.Actions.AssigneeID, 10)
	}
	return ""
}

func (h *handler) ruleNew(w http.ResponseWriter, r *http.Request) {
	rl := &vocdesk.Rule{Enabled: true, Events: []vocdesk.RuleEvent{vocdesk.RuleOnCreated}}
	h.showRule(w, r, &ruleData{Rule: rl}, http.StatusOK)
}

func (h *handler) ruleEdit(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	rl, err := h.svc.Automation.FindRule(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &ruleData{Rule: rl}
	if m := rl.Conditions.MinSpend; m != nil {
		d.Spend = vocdesk.FormatAmount(m.Amount, m.Currency)
	}
	h.showRule(w, r, d, http.StatusOK)
}

// showRule renders the rule's form with what it offers to pick from.
func (h *handler) showRule(w http.ResponseWriter, r *http.Request, d *ruleData, status int) {
	ctx := r.Context()
	if h.svc.Automation == nil {
		h.notFound(w, r)
		return
	}
	var err error
	if d.Apps, err = h.svc.Developers.FindApps(ctx, vocdesk.AppFilter{Limit: 500}); err != nil {
		h.fail(w, r, err)
		return
	}
	dev, err := h.myDeveloper(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Members, err = h.svc.Developers.FindMembers(ctx, dev.Slug); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Canned, err = h.svc.Desk.FindCannedReplies(ctx, ""); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, viewConsoleRule, "automation.rule_title", d)
}

// ruleFromForm reads a rule's form. The spend is parsed into minor units
// of its currency; a malformed one is an error to show with the form.
func ruleFromForm(f url.Values) (*vocdesk.Rule, string, error) {
	rl := &vocdesk.Rule{Name: strings.TrimSpace(f.Get("name")), Enabled: f.Get("enabled") != ""}
	rl.Position, _ = strconv.Atoi(strings.TrimSpace(f.Get("position")))
	for _, e := range f["event"] {
		rl.Events = append(rl.Events, vocdesk.RuleEvent(e))
	}
	c := &rl.Conditions
	for _, v := range f["channel"] {
		c.Channels = append(c.Channels, vocdesk.Channel(v))
	}
	for _, v := range f["category"] {
		c.Categories = append(c.Categories, vocdesk.Category(v))
	}
	c.Apps, c.SLA, c.Words = f["app"], f["sla"], splitList(f.Get("words"))
	spend := strings.TrimSpace(f.Get("spend_amount"))
	if spend != "" {
		cur := strings.ToUpper(strings.TrimSpace(f.Get("spend_currency")))
		amount, err := vocdesk.ParseAmount(spend, cur)
		if err != nil {
			return rl, spend, err
		}
		c.MinSpend = &vocdesk.Money{Amount: amount, Currency: cur}
	}
	a := &rl.Actions
	switch s := f.Get("assign"); s {
	case "":
	case "rr":
		a.AssignRoundRobin = true
	default:
		a.AssigneeID, _ = strconv.ParseInt(s, 10, 64)
	}
	a.AddTags = splitList(f.Get("tags"))
	a.Priority = vocdesk.Priority(f.Get("priority"))
	a.CannedReplyID, _ = strconv.ParseInt(f.Get("canned"), 10, 64)
	return rl, spend, nil
}

// ruleSave creates a rule, or changes one when the path has an id.
func (h *handler) ruleSave(w http.ResponseWriter, r *http.Request) {
	rl, spend, err := ruleFromForm(r.PostForm)
	if s := r.PathValue("id"); s != "" {
		id, perr := strconv.ParseInt(s, 10, 64)
		if perr != nil || id <= 0 {
			h.notFound(w, r)
			return
		}
		// The rule first: another developer's is not found, whatever
		// the form says.
		if _, ferr := h.svc.Automation.FindRule(r.Context(), id); ferr != nil {
			h.fail(w, r, ferr)
			return
		}
		rl.ID = id
	}
	if err == nil {
		if rl.ID != 0 {
			err = h.svc.Automation.UpdateRule(r.Context(), rl)
		} else {
			err = h.svc.Automation.CreateRule(r.Context(), rl)
		}
	}
	if err != nil {
		if formRefusal(err) {
			h.showRule(w, r, &ruleData{Rule: rl, Spend: spend, ErrorMsg: h.tr(r).Refusal(err)}, http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/settings/automation#rules", flash{Key: "automation.rule_saved", Args: []string{rl.Name}})
}

func (h *handler) ruleDelete(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	if err := h.svc.Automation.DeleteRule(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/settings/automation#rules", flash{Key: "automation.rule_deleted"})
}

// dryRunData is what a rule would do to the last 100 inquiries.
type dryRunData struct {
	Rule     *vocdesk.Rule
	Previews []*vocdesk.RuleRunPreview
	Matched  int
}

// ruleDryRun tries a saved rule on the last 100 inquiries.
func (h *handler) ruleDryRun(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	rl, err := h.svc.Automation.FindRule(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showDryRun(w, r, rl)
}

// ruleDryRunPost tries the rule of the form, saved or not, without saving
// it: the form's "try" button.
func (h *handler) ruleDryRunPost(w http.ResponseWriter, r *http.Request) {
	rl, spend, err := ruleFromForm(r.PostForm)
	if err == nil {
		err = rl.Validate()
	}
	if err != nil {
		if vocdesk.ErrorCode(err) == vocdesk.EINVALID || vocdesk.ErrorCode(err) == vocdesk.EINVALIDTEXT {
			h.showRule(w, r, &ruleData{Rule: rl, Spend: spend, ErrorMsg: h.tr(r).Refusal(err)}, http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	rl.ID, _ = strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
	h.showDryRun(w, r, rl)
}

func (h *handler) showDryRun(w http.ResponseWriter, r *http.Request, rl *vocdesk.Rule) {
	previews, err := h.svc.Automation.DryRunRule(r.Context(), rl)
	if err != nil {
		if vocdesk.ErrorCode(err) == vocdesk.EINVALID {
			h.showRule(w, r, &ruleData{Rule: rl, ErrorMsg: h.tr(r).Refusal(err)}, http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	d := &dryRunData{Rule: rl, Previews: previews}
	for _, p := range previews {
		if p.Matched {
			d.Matched++
		}
	}
	h.render(w, r, http.StatusOK, viewConsoleRuleDryRun, "automation.dryrun_title", d)
}
