package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/desk"
)

// settingsData is the desk's settings: canned replies and the SLA policy
// (admins and owners change them; everyone else reads them).
type settingsData struct {
	Canned       []*vocdesk.CannedReply
	Placeholders []string
	Policy       *vocdesk.SLAPolicy
	Days         []dayRow
	Holidays     []*vocdesk.Holiday
	Year         int
	ErrorKey     string
	// BadPlaceholder is the unknown placeholder ("{{bogus.field}}") that
	// refused Draft, the canned reply as the member wrote it (ID 0: new).
	BadPlaceholder string
	Draft          *vocdesk.CannedReply
}

// dayRow is one weekday of the business hours, as "HH:MM" for time inputs.
type dayRow struct {
	Day         int
	Open, Close string
	Closed      bool
}

func hhmm(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

func parseHHMM(s string) (int, bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		if strings.TrimSpace(s) == "24:00" {
			return 24 * 60, true
		}
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// Weekday names a weekday in the page's language.
func (p *page) Weekday(d int) string { return p.T("weekday." + strconv.Itoa(d)) }

func (h *handler) consoleSettings(w http.ResponseWriter, r *http.Request) {
	h.showSettings(w, r, "", http.StatusOK)
}

func (h *handler) showSettings(w http.ResponseWriter, r *http.Request, errKey string, status int) {
	h.showSettingsData(w, r, &settingsData{ErrorKey: errKey}, status)
}

// showSettingsData renders the settings page around d's error and draft.
func (h *handler) showSettingsData(w http.ResponseWriter, r *http.Request, d *settingsData, status int) {
	ctx := r.Context()
	d.Placeholders, d.Year = desk.Placeholders, time.Now().In(vocdesk.Seoul).Year()
	var err error
	if d.Canned, err = h.svc.Desk.FindCannedReplies(ctx, ""); err != nil {
		h.fail(w, r, err)
		return
	}
	// A refused edit shows what the member wrote, not what is stored.
	for i, c := range d.Canned {
		if d.Draft != nil && d.Draft.ID == c.ID {
			d.Canned[i] = d.Draft
		}
	}
	if d.Policy, err = h.svc.Desk.FindSLAPolicy(ctx, ""); err != nil {
		h.fail(w, r, err)
		return
	}
	// Monday first, as a Korean (and most) work week reads.
	for i := 1; i <= 7; i++ {
		day := i % 7
		dh := d.Policy.Hours[day]
		d.Days = append(d.Days, dayRow{Day: day, Open: hhmm(dh.Open), Close: hhmm(dh.Close), Closed: dh.Close <= dh.Open})
	}
	if d.Holidays, err = h.svc.Desk.FindHolidays(ctx, d.Year); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, viewConsoleSettings, "settings.title", d)
}

// cannedSave creates a canned reply, or updates one when the path has an id.
func (h *handler) cannedSave(w http.ResponseWriter, r *http.Request) {
	c := &vocdesk.CannedReply{
		Name:   strings.TrimSpace(r.PostForm.Get("name")),
		Locale: r.PostForm.Get("locale"),
		Body:   r.PostForm.Get("body"),
	}
	var err error
	if s := r.PathValue("id"); s != "" {
		if c.ID, err = strconv.ParseInt(s, 10, 64); err != nil || c.ID <= 0 {
			h.notFound(w, r)
			return
		}
	}
	// The service refuses an unknown placeholder too; asking first lets the
	// page name it in the member's language and keep what they wrote.
	if bad := desk.Unknown(c.Body); len(bad) > 0 {
		h.showSettingsData(w, r, &settingsData{BadPlaceholder: "{{" + bad[0] + "}}", Draft: c}, http.StatusUnprocessableEntity)
		return
	}
	if c.ID != 0 {
		err = h.svc.Desk.UpdateCannedReply(r.Context(), c)
	} else {
		err = h.svc.Desk.CreateCannedReply(r.Context(), c)
	}
	if err != nil {
		if vocdesk.ErrorCode(err) == vocdesk.EINVALID {
			h.showSettingsData(w, r, &settingsData{ErrorKey: "settings.err_canned", Draft: c}, http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/settings#canned", flash{Key: "flash.canned_saved", Args: []string{c.Name}})
}

func (h *handler) cannedDelete(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	if err := h.svc.Desk.DeleteCannedReply(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/settings#canned", flash{Key: "flash.canned_deleted"})
}

// slaSave stores the SLA policy: targets in hours and minutes, and the open
// and close time of each weekday (a day marked closed does not open).
func (h *handler) slaSave(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	p := &vocdesk.SLAPolicy{}
	first, ok1 := parseMinutes(f.Get("first_hours"), f.Get("first_minutes"))
	next, ok2 := parseMinutes(f.Get("next_hours"), f.Get("next_minutes"))
	if !ok1 || !ok2 {
		h.showSettings(w, r, "settings.err_sla", http.StatusUnprocessableEntity)
		return
	}
	p.FirstResponseMinutes, p.NextResponseMinutes = first, next
	for d := 0; d < 7; d++ {
		k := strconv.Itoa(d)
		if f.Get("closed_"+k) != "" {
			continue
		}
		open, okO := parseHHMM(f.Get("open_" + k))
		closing, okC := parseHHMM(f.Get("close_" + k))
		if !okO || !okC {
			h.showSettings(w, r, "settings.err_sla", http.StatusUnprocessableEntity)
			return
		}
		p.Hours[d] = vocdesk.DayHours{Open: open, Close: closing}
	}
	if err := h.svc.Desk.SetSLAPolicy(r.Context(), p); err != nil {
		if vocdesk.ErrorCode(err) == vocdesk.EINVALID {
			h.showSettings(w, r, "settings.err_sla", http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/settings#sla", flash{Key: "flash.sla_saved"})
}

func parseMinutes(hours, minutes string) (int, bool) {
	hh, err1 := strconv.Atoi(strings.TrimSpace(hours))
	mm, err2 := strconv.Atoi(strings.TrimSpace(minutes))
	if strings.TrimSpace(minutes) == "" {
		mm, err2 = 0, nil
	}
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24*30 {
		return 0, false
	}
	return hh*60 + mm, true
}

// Hours and Minutes split a target for the form.
func (p *page) Hours(min int) int   { return min / 60 }
func (p *page) Minutes(min int) int { return min % 60 }
