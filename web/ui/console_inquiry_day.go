package ui

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
)

// dayData is the inquiry page's merge and snooze panels (issue 22).
type dayData struct {
	Now        time.Time
	MergedInto *vocdesk.InquiryMerge   // this inquiry's pointer, if merged
	MergedIn   []*vocdesk.InquiryMerge // inquiries merged into this one
	Candidates []*vocdesk.Inquiry      // what this one could be merged into
	// ContactLink offers to link an email contact to its store account.
	ContactLink bool
	Snooze      *vocdesk.Snooze
	Presets     []vocdesk.SnoozePreset
	MinLocal    string // the date-time picker's earliest value, in the viewer's zone
}

// Undoable reports whether merge g may still be undone.
func (d *dayData) Undoable(g *vocdesk.InquiryMerge) bool { return g.Undoable(d.Now) }

// loadDay fills the panels for an agent (and above) of the inquiry's
// developer; others see the pointer alone.
func (h *handler) loadDay(ctx context.Context, r *http.Request, a *vocdesk.Actor, d *inquiryData) error {
	if h.svc.Merges == nil || h.svc.Snoozes == nil {
		return nil
	}
	in := d.Inquiry
	day := &dayData{Now: h.now()}
	var err error
	if day.MergedInto, day.MergedIn, err = h.svc.Merges.FindMerges(ctx, in.ID); err != nil {
		return err
	}
	d.Day = day
	if !a.IsDeveloper() || !a.Role.AtLeast(vocdesk.RoleAgent) {
		return nil
	}
	if day.MergedInto == nil {
		if day.Candidates, err = h.svc.Merges.MergeCandidates(ctx, in.ID); err != nil {
			return err
		}
	}
	day.ContactLink = in.CustomerID == 0 && in.ContactEmail != ""
	if day.Snooze, err = h.svc.Snoozes.FindSnooze(ctx, in.ID); err != nil {
		return err
	}
	loc := stateFrom(r).loc
	day.Presets = snoozeMenu(vocdesk.SnoozePresets(day.Now, loc))
	day.MinLocal = day.Now.In(loc).Add(time.Minute).Format(localMinute)
	return nil
}

// snoozeMenu is the presets the snooze panel offers: one whose time is the
// next one's is left out. From 18:00 "later today" falls on tomorrow 9:00,
// and a menu offering "Later today" and "Tomorrow 9:00" at the same
// tomorrow morning reads as a mistake. A form posted with it still works
// (snoozeUntil reads every preset).
func snoozeMenu(all []vocdesk.SnoozePreset) []vocdesk.SnoozePreset {
	menu := make([]vocdesk.SnoozePreset, 0, len(all))
	for i, p := range all {
		if i+1 < len(all) && p.Until.Equal(all[i+1].Until) {
			continue
		}
		menu = append(menu, p)
	}
	return menu
}

// Merged reports whether the inquiry is a merged one's pointer: its page
// offers no reply box, the conversation going on in the survivor.
func (d *inquiryData) Merged() bool { return d.Day != nil && d.Day.MergedInto != nil }

// localMinute is the value format of <input type="datetime-local">.
const localMinute = "2006-01-02T15:04"

func (h *handler) backToInquiry(w http.ResponseWriter, r *http.Request, id int64, f flash) {
	h.redirect(w, r, "/console/inquiries/"+strconv.FormatInt(id, 10), f)
}

// consoleMerge merges this inquiry into the one picked from the list of
// the same customer's.
func (h *handler) consoleMerge(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	into, err := strconv.ParseInt(r.PostForm.Get("into"), 10, 64)
	if !ok || h.svc.Merges == nil {
		h.notFound(w, r)
		return
	}
	if err != nil || into <= 0 {
		// Someone else's inquiry is not found before the form is judged.
		if _, ferr := h.svc.Inquiries.FindInquiryByID(r.Context(), id); ferr != nil {
			h.fail(w, r, ferr)
			return
		}
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	g, err := h.svc.Merges.MergeInquiry(r.Context(), id, into)
	if vocdesk.ErrorCode(err) == vocdesk.ECONFLICT {
		h.backToInquiry(w, r, id, flash{Kind: "error", Key: "day.merge_conflict"})
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	h.backToInquiry(w, r, g.SurvivorID, flash{Key: "day.merged", Args: []string{strconv.FormatInt(id, 10)}})
}

// consoleMergeUndo undoes the merge of inquiry {id} (the merged one).
func (h *handler) consoleMergeUndo(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok || h.svc.Merges == nil {
		h.notFound(w, r)
		return
	}
	err := h.svc.Merges.UndoMerge(r.Context(), id)
	switch vocdesk.ErrorCode(err) {
	case "":
		h.backToInquiry(w, r, id, flash{Key: "day.unmerged"})
	case vocdesk.ECONFLICT, vocdesk.EUNPROCESSABLE:
		h.backToInquiry(w, r, id, flash{Kind: "error", Key: "day.undo_refused"})
	default:
		h.fail(w, r, err)
	}
}

// consoleContactMerge links this inquiry's email contact to its store
// account.
func (h *handler) consoleContactMerge(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok || h.svc.Merges == nil {
		h.notFound(w, r)
		return
	}
	cm, err := h.svc.Merges.MergeContact(r.Context(), id)
	switch vocdesk.ErrorCode(err) {
	case "":
		h.backToInquiry(w, r, id, flash{Key: "day.contact_linked", Args: []string{cm.CustomerName, strconv.Itoa(len(cm.InquiryIDs))}})
	case vocdesk.ENOTFOUND, vocdesk.EUNPROCESSABLE:
		// No account with that address (or none this developer knows):
		// said on the page, the inquiry being the caller's own.
		if _, ferr := h.svc.Inquiries.FindInquiryByID(r.Context(), id); ferr != nil {
			h.fail(w, r, ferr)
			return
		}
		h.backToInquiry(w, r, id, flash{Kind: "error", Key: "day.contact_none"})
	default:
		h.fail(w, r, err)
	}
}

// snoozeUntil reads the snooze form: a preset, "reply", or "custom" with a
// date-time in the viewer's zone. nil with ok means until the reply.
func snoozeUntil(preset, at string, now time.Time, loc *time.Location) (*time.Time, bool) {
	switch preset {
	case "reply":
		return nil, true
	case "custom":
		t, err := time.ParseInLocation(localMinute, at, loc)
		if err != nil {
			return nil, false
		}
		return &t, true
	}
	for _, p := range vocdesk.SnoozePresets(now, loc) {
		if p.Name == preset {
			return &p.Until, true
		}
	}
	return nil, false
}

// consoleSnooze snoozes the inquiry and goes back to the inbox, which no
// longer lists it.
func (h *handler) consoleSnooze(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok || h.svc.Snoozes == nil {
		h.notFound(w, r)
		return
	}
	until, ok := snoozeUntil(r.PostForm.Get("preset"), r.PostForm.Get("at"), h.now(), stateFrom(r).loc)
	if !ok {
		if _, ferr := h.svc.Inquiries.FindInquiryByID(r.Context(), id); ferr != nil {
			h.fail(w, r, ferr)
			return
		}
		h.backToInquiry(w, r, id, flash{Kind: "error", Key: "day.snooze_invalid"})
		return
	}
	_, err := h.svc.Snoozes.SnoozeInquiry(r.Context(), id, until)
	if vocdesk.ErrorCode(err) == vocdesk.EINVALID {
		h.backToInquiry(w, r, id, flash{Kind: "error", Key: "day.snooze_invalid"})
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	h.backToInquiry(w, r, id, flash{Key: "day.snoozed_flash"})
}

// consoleWake ends the snooze now.
func (h *handler) consoleWake(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok || h.svc.Snoozes == nil {
		h.notFound(w, r)
		return
	}
	if err := h.svc.Snoozes.UnsnoozeInquiry(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.backToInquiry(w, r, id, flash{Key: "day.woken_flash"})
}
