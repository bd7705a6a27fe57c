package web

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/vocdesk/vocdesk"
)

// ruleConditionsJSON are a rule's conditions as the API takes them: the
// spend is a decimal string in the currency's major unit ("10000" KRW,
// "9.99" USD), as every amount of the API is, and never a JSON number.
type ruleConditionsJSON struct {
	Channels   []vocdesk.Channel  `json:"channels,omitempty"`
	Categories []vocdesk.Category `json:"categories,omitempty"`
	Apps       []string           `json:"apps,omitempty"`
	Words      []string           `json:"words,omitempty"`
	MinSpend   *moneyJSON         `json:"min_spend,omitempty"`
	SLA        []string           `json:"sla,omitempty"`
}

// moneyJSON is an amount with its currency.
type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// ruleJSON is a rule.
type ruleJSON struct {
	ID         int64               `json:"id"`
	Name       string              `json:"name"`
	Enabled    bool                `json:"enabled"`
	Position   int                 `json:"position"`
	Events     []vocdesk.RuleEvent `json:"events"`
	Conditions ruleConditionsJSON  `json:"conditions"`
	Actions    vocdesk.RuleActions `json:"actions"`
	CreatedAt  string              `json:"created_at"`
	UpdatedAt  string              `json:"updated_at"`
}

func newRuleJSON(r *vocdesk.Rule) ruleJSON {
	c := r.Conditions
	j := ruleJSON{ID: r.ID, Name: r.Name, Enabled: r.Enabled, Position: r.Position, Events: r.Events,
		Conditions: ruleConditionsJSON{Channels: c.Channels, Categories: c.Categories, Apps: c.Apps, Words: c.Words, SLA: c.SLA},
		Actions:    r.Actions, CreatedAt: timeJSON(r.CreatedAt), UpdatedAt: timeJSON(r.UpdatedAt)}
	if m := c.MinSpend; m != nil {
		j.Conditions.MinSpend = &moneyJSON{Amount: vocdesk.FormatAmount(m.Amount, m.Currency), Currency: m.Currency}
	}
	if j.Events == nil {
		j.Events = []vocdesk.RuleEvent{}
	}
	return j
}

// ruleRequest is the body of a create, a full update and a dry run.
// enabled defaults to true.
type ruleRequest struct {
	Name       string              `json:"name"`
	Enabled    *bool               `json:"enabled"`
	Position   int                 `json:"position"`
	Events     []vocdesk.RuleEvent `json:"events"`
	Conditions ruleConditionsJSON  `json:"conditions"`
	Actions    vocdesk.RuleActions `json:"actions"`
}

// decodeRule reads and checks a rule's body.
func decodeRule(w http.ResponseWriter, r *http.Request) (*vocdesk.Rule, error) {
	var req ruleRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return nil, err
	}
	return req.rule()
}

// rule turns the request into a rule, parsing the spend into minor units.
func (req *ruleRequest) rule() (*vocdesk.Rule, error) {
	c := req.Conditions
	rl := &vocdesk.Rule{Name: req.Name, Enabled: req.Enabled == nil || *req.Enabled, Position: req.Position, Events: req.Events,
		Conditions: vocdesk.RuleConditions{Channels: c.Channels, Categories: c.Categories, Apps: c.Apps, Words: c.Words, SLA: c.SLA},
		Actions:    req.Actions}
	if m := c.MinSpend; m != nil {
		amount, err := vocdesk.ParseAmount(m.Amount, m.Currency)
		if err != nil {
			return nil, err
		}
		rl.Conditions.MinSpend = &vocdesk.Money{Amount: amount, Currency: m.Currency}
	}
	return rl, rl.Validate()
}

// listRules is GET /rules, in the order they run.
func (s *Server) listRules(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	list, err := svc.FindRules(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, "", newRuleJSON))
	return nil
}

// getRule is GET /rules/{id}.
func (s *Server) getRule(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	id, err := parseID("rule", r.PathValue("id"))
	if err != nil {
		return err
	}
	rl, err := svc.FindRule(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newRuleJSON(rl))
	return nil
}

// createRule is POST /rules (admins and owners).
func (s *Server) createRule(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	rl, err := decodeRule(w, r)
	if err != nil {
		return err
	}
	if err := svc.CreateRule(r.Context(), rl); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newRuleJSON(rl))
	return nil
}

// putRule is PUT /rules/{id}.
func (s *Server) putRule(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	id, err := parseID("rule", r.PathValue("id"))
	if err != nil {
		return err
	}
	rl, err := decodeRule(w, r)
	if err != nil {
		return err
	}
	rl.ID = id
	if err := svc.UpdateRule(r.Context(), rl); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newRuleJSON(rl))
	return nil
}

// deleteRule is DELETE /rules/{id}.
func (s *Server) deleteRule(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	id, err := parseID("rule", r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := svc.DeleteRule(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// dryRunJSON is what a rule would do to one of the last inquiries.
type dryRunJSON struct {
	InquiryID int64    `json:"inquiry_id"`
	Subject   string   `json:"subject"`
	Matched   bool     `json:"matched"`
	Actions   []string `json:"actions"`
}

// dryRunRule is POST /rules/dry-run: the rule in the body, saved or not,
// tried on the developer's last 100 inquiries. Nothing is written.
func (s *Server) dryRunRule(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	rl, err := decodeRule(w, r)
	if err != nil {
		return err
	}
	previews, err := svc.DryRunRule(r.Context(), rl)
	if err != nil {
		return err
	}
	out := struct {
		Matched int          `json:"matched"`
		Items   []dryRunJSON `json:"items"`
	}{Items: make([]dryRunJSON, 0, len(previews))}
	for _, p := range previews {
		if p.Matched {
			out.Matched++
		}
		acts := p.Actions
		if acts == nil {
			acts = []string{}
		}
		out.Items = append(out.Items, dryRunJSON{InquiryID: p.Inquiry.ID, Subject: p.Inquiry.Subject, Matched: p.Matched, Actions: acts})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// availabilityJSON is a member in or away.
type availabilityJSON struct {
	MemberID     int64                `json:"member_id"`
	Availability vocdesk.Availability `json:"availability"`
}

// listAvailability is GET /availability: every member of the developer,
// in or away, by member id.
func (s *Server) listAvailability(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	m, err := svc.FindAvailability(r.Context())
	if err != nil {
		return err
	}
	list := make([]availabilityJSON, 0, len(m))
	for id, av := range m {
		list = append(list, availabilityJSON{MemberID: id, Availability: av})
	}
	sortAvailability(list)
	writeJSON(w, http.StatusOK, listJSON[availabilityJSON]{Items: list})
	return nil
}

// putAvailability is PUT /availability: a member sets themself in or
// away; admins and owners set anyone of theirs.
func (s *Server) putAvailability(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	var req availabilityJSON
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.MemberID <= 0 {
		return vocdesk.Errorf(vocdesk.EINVALID, "member_id is required")
	}
	if err := svc.SetAvailability(r.Context(), req.MemberID, req.Availability); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, req)
	return nil
}

func sortAvailability(list []availabilityJSON) {
	slices.SortFunc(list, func(a, b availabilityJSON) int { return cmp.Compare(a.MemberID, b.MemberID) })
}

// priorityJSON is an inquiry's priority.
type priorityJSON struct {
	Priority vocdesk.Priority `json:"priority"`
}

// getPriority is GET /inquiries/{id}/priority.
func (s *Server) getPriority(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	id, err := parseID("inquiry", r.PathValue("id"))
	if err != nil {
		return err
	}
	p, err := svc.FindPriority(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, priorityJSON{Priority: p})
	return nil
}

// putPriority is PUT /inquiries/{id}/priority (agents and above).
func (s *Server) putPriority(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.automation()
	if err != nil {
		return err
	}
	id, err := parseID("inquiry", r.PathValue("id"))
	if err != nil {
		return err
	}
	var req priorityJSON
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := svc.SetPriority(r.Context(), id, req.Priority); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, req)
	return nil
}
