package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// slaWeekdays name the days of business hours in JSON, indexed by time.Weekday.
var slaWeekdays = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// dayHoursJSON is one day's business hours as "HH:MM" in Asia/Seoul; close
// "24:00" is midnight at the end of the day.
type dayHoursJSON struct {
	Open  string `json:"open"`
	Close string `json:"close"`
}

// slaPolicyJSON is a developer's SLA policy. hours names only the open
// days; a day that is absent is closed.
type slaPolicyJSON struct {
	Developer            string                  `json:"developer"`
	FirstResponseMinutes int                     `json:"first_response_minutes"`
	NextResponseMinutes  int                     `json:"next_response_minutes"`
	Hours                map[string]dayHoursJSON `json:"hours"`
	EscalationDays       int                     `json:"escalation_days"`
	IsDefault            bool                    `json:"is_default"`
	UpdatedAt            *string                 `json:"updated_at"`
}

func slaClock(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

func parseSLAClock(field, s string) (int, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, vocdesk.Errorf(vocdesk.EINVALID, "%s must be a time of day such as 09:00", field)
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || h < 0 || m < 0 || m > 59 || h*60+m > 24*60 {
		return 0, vocdesk.Errorf(vocdesk.EINVALID, "%s must be a time of day from 00:00 to 24:00", field)
	}
	return h*60 + m, nil
}

func newSLAPolicyJSON(p *vocdesk.SLAPolicy) slaPolicyJSON {
	out := slaPolicyJSON{Developer: p.DeveloperSlug, FirstResponseMinutes: p.FirstResponseMinutes,
		NextResponseMinutes: p.NextResponseMinutes, Hours: map[string]dayHoursJSON{},
		EscalationDays: p.EscalationDays, IsDefault: p.IsDefault}
	for d, h := range p.Hours {
		if h.Close > h.Open {
			out.Hours[slaWeekdays[d]] = dayHoursJSON{Open: slaClock(h.Open), Close: slaClock(h.Close)}
		}
	}
	if !p.UpdatedAt.IsZero() {
		out.UpdatedAt = timePtrJSON(&p.UpdatedAt)
	}
	return out
}

// slaPolicyRequest sets a policy; operators name the developer.
type slaPolicyRequest struct {
	Developer            string                  `json:"developer"`
	FirstResponseMinutes int                     `json:"first_response_minutes"`
	NextResponseMinutes  int                     `json:"next_response_minutes"`
	Hours                map[string]dayHoursJSON `json:"hours"`
}

func decodeSLAPolicy(w http.ResponseWriter, r *http.Request) (*vocdesk.SLAPolicy, error) {
	var req slaPolicyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return nil, err
	}
	p := &vocdesk.SLAPolicy{DeveloperSlug: req.Developer, FirstResponseMinutes: req.FirstResponseMinutes,
		NextResponseMinutes: req.NextResponseMinutes}
	if req.Hours == nil {
		p.Hours = vocdesk.DefaultBusinessHours()
	}
	for name, h := range req.Hours {
		d := -1
		for k, wd := range slaWeekdays {
			if wd == strings.ToLower(name) {
				d = k
			}
		}
		if d < 0 {
			return nil, vocdesk.Errorf(vocdesk.EINVALID, "hours are keyed by weekday (monday ... sunday), not %q", name)
		}
		open, err := parseSLAClock("hours."+name+".open", h.Open)
		if err != nil {
			return nil, err
		}
		close, err := parseSLAClock("hours."+name+".close", h.Close)
		if err != nil {
			return nil, err
		}
		p.Hours[d] = vocdesk.DayHours{Open: open, Close: close}
	}
	return p, p.Validate()
}

// getSLAPolicy is GET /sla-policy: the developer's own, or for operators
// the one ?developer= names.
func (s *Server) getSLAPolicy(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	slug := r.URL.Query().Get("developer")
	if actorFrom(r).IsOperator() && slug == "" {
		return vocdesk.Errorf(vocdesk.EINVALID, "developer is required: name the developer whose policy to read")
	}
	p, err := d.FindSLAPolicy(r.Context(), slug)
	if err != nil {
		return err
	}
	if p.DeveloperSlug == "" {
		p.DeveloperSlug = s.developerSlug(r, slug)
	}
	writeJSON(w, http.StatusOK, newSLAPolicyJSON(p))
	return nil
}

// developerSlug names the developer a settings call was about.
func (s *Server) developerSlug(r *http.Request, slug string) string {
	if slug != "" {
		return slug
	}
	if a := actorFrom(r); a.IsDeveloper() {
		if devs, err := s.svc.Developers.FindDevelopers(r.Context()); err == nil {
			for _, d := range devs {
				if d.ID == a.DeveloperID {
					return d.Slug
				}
			}
		}
	}
	return ""
}

// putSLAPolicy is PUT /sla-policy (admins and owners, or operators naming
// the developer). It applies to waits that start later.
func (s *Server) putSLAPolicy(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	p, err := decodeSLAPolicy(w, r)
	if err != nil {
		return err
	}
	if actorFrom(r).IsOperator() && p.DeveloperSlug == "" {
		return vocdesk.Errorf(vocdesk.EINVALID, "developer is required: name the developer whose policy to set")
	}
	if err := d.SetSLAPolicy(r.Context(), p); err != nil {
		return err
	}
	stored, err := d.FindSLAPolicy(r.Context(), p.DeveloperSlug)
	if err != nil {
		return err
	}
	if stored.DeveloperSlug == "" {
		stored.DeveloperSlug = s.developerSlug(r, p.DeveloperSlug)
	}
	writeJSON(w, http.StatusOK, newSLAPolicyJSON(stored))
	return nil
}

// escalationDeadlineRequest sets the store's deadline in business days.
type escalationDeadlineRequest struct {
	Days int `json:"days"`
}

// putEscalationDeadline is PUT /escalations/deadline (operators): inquiries
// unanswered this many store business days are escalated.
func (s *Server) putEscalationDeadline(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	var req escalationDeadlineRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := d.SetEscalationDays(r.Context(), req.Days); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, req)
	return nil
}

// holidayJSON is a day the store is closed.
type holidayJSON struct {
	Date string `json:"date"`
	Name string `json:"name"`
}

func newHolidayJSON(h *vocdesk.Holiday) holidayJSON { return holidayJSON{Date: h.Date, Name: h.Name} }

// listHolidays is GET /holidays?year=: the store's calendar.
func (s *Server) listHolidays(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	year := 0
	if v := r.URL.Query().Get("year"); v != "" {
		if _, err := fmt.Sscanf(v, "%4d", &year); err != nil || len(v) != 4 || year < 1900 {
			return vocdesk.Errorf(vocdesk.EINVALID, "year must be four digits such as 2026")
		}
	}
	list, err := d.FindHolidays(r.Context(), year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, "", newHolidayJSON))
	return nil
}

// createHoliday is POST /holidays (operators): adds or renames a day.
func (s *Server) createHoliday(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	var req holidayJSON
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := requireFields("date", req.Date, "name", req.Name); err != nil {
		return err
	}
	if _, err := time.Parse(time.DateOnly, req.Date); err != nil {
		return vocdesk.Errorf(vocdesk.EINVALID, "date must be a day such as 2026-09-24")
	}
	h := &vocdesk.Holiday{Date: req.Date, Name: req.Name}
	if err := d.AddHoliday(r.Context(), h); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newHolidayJSON(h))
	return nil
}

// deleteHoliday is DELETE /holidays/{date} (operators).
func (s *Server) deleteHoliday(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk()
	if err != nil {
		return err
	}
	date := r.PathValue("date")
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return vocdesk.NotFound("holiday")
	}
	if err := d.DeleteHoliday(r.Context(), date); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
