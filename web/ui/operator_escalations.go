package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// escalationsData is the operator's queue: inquiries left unanswered past
// the store's deadline, how often each developer did so, and the notes on
// developers' records.
type escalationsData struct {
	Counts []*vocdesk.EscalationCount
	Queue  []*vocdesk.Inquiry
	Notes  map[string][]*vocdesk.DeveloperNote
	Days   int
	Ran    string // how many were escalated by "check now", when just run
}

func (h *handler) operatorEscalations(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := &escalationsData{Notes: map[string][]*vocdesk.DeveloperNote{}, Ran: r.URL.Query().Get("ran")}
	var err error
	if d.Counts, err = h.svc.Desk.FindEscalationCounts(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Queue, _, err = h.svc.Inquiries.FindInquiries(ctx, vocdesk.InquiryFilter{Escalated: true, Sort: "waiting", Limit: 100}); err != nil {
		h.fail(w, r, err)
		return
	}
	devs, err := h.svc.Developers.FindDevelopers(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Every developer can carry a note, escalated or not.
	seen := map[string]bool{}
	for _, c := range d.Counts {
		seen[c.DeveloperSlug] = true
	}
	for _, dev := range devs {
		if !seen[dev.Slug] {
			d.Counts = append(d.Counts, &vocdesk.EscalationCount{DeveloperID: dev.ID, DeveloperSlug: dev.Slug, DeveloperName: dev.Name})
		}
		if d.Notes[dev.Slug], err = h.svc.Desk.FindDeveloperNotes(ctx, dev.Slug); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if p, err := h.svc.Desk.FindSLAPolicy(ctx, ""); err == nil {
		d.Days = p.EscalationDays
	} else {
		d.Days = vocdesk.DefaultEscalationDays
	}
	h.render(w, r, http.StatusOK, viewOperatorEscalations, "esc.title", d)
}

// operatorEscalateNow runs the escalation check at once (a job runs it too).
func (h *handler) operatorEscalateNow(w http.ResponseWriter, r *http.Request) {
	n, err := h.svc.Desk.EscalateOverdue(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/operator/escalations?ran="+strconv.Itoa(n), http.StatusSeeOther)
}

// operatorNote adds a note to a developer's record.
func (h *handler) operatorNote(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	body := strings.TrimSpace(r.PostForm.Get("body"))
	if !vocdesk.ValidSlug(slug) || body == "" || len([]rune(body)) > 4000 {
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	if err := h.svc.Desk.AddDeveloperNote(r.Context(), &vocdesk.DeveloperNote{DeveloperSlug: slug, Body: body}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/operator/escalations#dev-"+slug, flash{Key: "flash.dev_note_added"})
}
