package ui

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// inboxData is Manage Customer Inquiries: the developer's one inbox, or the
// operator's read-only view of every developer's.
type inboxData struct {
	Base     string // "/console/inquiries" or "/operator/inquiries"
	Operator bool
	Filter   inboxFilter
	Rows     []inboxRow
	Tabs     []inboxTab
	Apps     []*vocdesk.App
	Members  []*vocdesk.Member
	Tags     []*vocdesk.TagCount
	Views    []viewLink
	NextURL  string
	FirstURL string
	Stamp    string           // what the live updates compare against
	Back     string           // this page, for forms that come back to it
	Macros   []*vocdesk.Macro // to apply to the checked inquiries (console_macro_apply.go)
}

// viewLink is a saved view with its link, read back through the filter so
// the link holds only what the inbox understands.
type viewLink struct {
	ID   int64
	Name string
	URL  string
}

type inboxRow struct {
	*vocdesk.Inquiry
	Snippet string          // search hits only: text with highlight markers
	Snooze  *vocdesk.Snooze // the snoozed filter only: when it wakes
}

type inboxTab struct {
	Status vocdesk.InquiryStatus // "" for all
	Count  int
	Query  string
	Active bool
}

// inboxBase is where the inbox of the actor's realm lives.
func inboxBase(a *vocdesk.Actor) string {
	if a.IsOperator() {
		return "/operator/inquiries"
	}
	return "/console/inquiries"
}

// loadInbox reads one page of the inbox and the counts of its tabs. The
// inbox's live updates call it too, so the page and its watcher see the
// same thing.
func (h *handler) loadInbox(ctx context.Context, vf vocdesk.InquiryFilter) ([]inboxRow, map[vocdesk.InquiryStatus]int, string, error) {
	var rows []inboxRow
	var next string
	if vf.Q != "" {
		hits, n, err := h.svc.Inquiries.SearchInquiries(ctx, vf)
		if err != nil {
			return nil, nil, "", err
		}
		for _, hit := range hits {
			rows = append(rows, inboxRow{Inquiry: hit.Inquiry, Snippet: hit.Snippet})
		}
		next = n
	} else {
		ins, n, err := h.svc.Inquiries.FindInquiries(ctx, vf)
		if err != nil {
			return nil, nil, "", err
		}
		for _, in := range ins {
			rows = append(rows, inboxRow{Inquiry: in})
		}
		next = n
	}
	// The tabs count the filter without the search: counts of matches
	// would cost the search again for every status.
	cf := vf
	cf.Q = ""
	counts, err := h.svc.Inquiries.CountInquiries(ctx, cf)
	if err != nil {
		return nil, nil, "", err
	}
	return rows, counts, next, nil
}

// inboxStamp sums up what the inbox shows: the counts and, per row, its id,
// status, unread marker and last change. A new inquiry or a customer's reply
// changes it.
func inboxStamp(rows []inboxRow, counts map[vocdesk.InquiryStatus]int) string {
	f := fnv.New64a()
	for _, s := range vocdesk.InquiryStatuses() {
		fmt.Fprintf(f, "%s=%d;", s, counts[s])
	}
	for _, r := range rows {
		fmt.Fprintf(f, "%d/%s/%t/%d;", r.ID, r.Status, r.UnreadByDeveloper, r.UpdatedAt.UnixMicro())
	}
	return strconv.FormatUint(f.Sum64(), 36)
}

// inbox serves the inbox of developers (/console/inquiries) and operators
// (/operator/inquiries).
func (h *handler) inbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	loc := h.tr(r).loc
	f, vf := parseInboxFilter(r.URL.Query(), loc, a.MemberID)
	rows, counts, next, err := h.loadInbox(ctx, vf)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if f.Snoozed == vocdesk.SnoozedOnly {
		if err := h.addSnoozes(ctx, rows); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	d := &inboxData{Base: inboxBase(a), Operator: a.IsOperator(), Filter: f, Rows: rows,
		Stamp: inboxStamp(rows, counts), Back: r.URL.RequestURI()}
	total := 0
	for _, s := range vocdesk.InquiryStatuses() {
		total += counts[s]
	}
	d.Tabs = append(d.Tabs, inboxTab{Status: "", Count: total, Query: f.WithStatus(""), Active: f.Status == ""})
	for _, s := range vocdesk.InquiryStatuses() {
		d.Tabs = append(d.Tabs, inboxTab{Status: s, Count: counts[s], Query: f.WithStatus(string(s)), Active: f.Status == string(s)})
	}
	if next != "" {
		d.NextURL = d.Base + f.query(next)
	}
	if f.Cursor != "" {
		d.FirstURL = d.Base + f.query("")
	}
	if d.Apps, err = h.svc.Developers.FindApps(ctx, vocdesk.AppFilter{Limit: 500}); err != nil {
		h.fail(w, r, err)
		return
	}
	if a.IsDeveloper() {
		dev, err := h.myDeveloper(ctx)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if d.Members, err = h.svc.Developers.FindMembers(ctx, dev.Slug); err != nil {
			h.fail(w, r, err)
			return
		}
		if d.Tags, err = h.svc.Desk.FindTags(ctx); err != nil {
			h.fail(w, r, err)
			return
		}
		if h.svc.Automation != nil {
			if d.Macros, err = h.svc.Automation.FindMacros(ctx); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		if a.MemberID != 0 {
			views, err := h.svc.Desk.FindSavedViews(ctx)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			for _, v := range views {
				q, _ := url.ParseQuery(v.Query)
				vf, _ := parseInboxFilter(q, loc, a.MemberID)
				d.Views = append(d.Views, viewLink{ID: v.ID, Name: v.Name, URL: d.Base + vf.query("")})
			}
		}
	}
	h.render(w, r, http.StatusOK, viewConsoleInbox, "inbox.title", d)
}

// addSnoozes puts each row's snooze beside it, so the snoozed filter says
// when each inquiry comes back (or that the customer's reply wakes it).
func (h *handler) addSnoozes(ctx context.Context, rows []inboxRow) error {
	if h.svc.Snoozes == nil || len(rows) == 0 {
		return nil
	}
	ids := make([]int64, len(rows))
	for k, row := range rows {
		ids[k] = row.ID
	}
	sns, err := h.svc.Snoozes.FindSnoozes(ctx, ids)
	if err != nil {
		return err
	}
	for k := range rows {
		rows[k].Snooze = sns[rows[k].ID]
	}
	return nil
}

// myDeveloper is the signed-in member's developer.
func (h *handler) myDeveloper(ctx context.Context) (*vocdesk.Developer, error) {
	a := vocdesk.ActorFromContext(ctx)
	devs, err := h.svc.Developers.FindDevelopers(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range devs {
		if d.ID == a.DeveloperID {
			return d, nil
		}
	}
	return nil, vocdesk.NotFound("developer")
}

// localBack returns back when it is a page of the inbox, else the inbox:
// forms say where to return, and that must never lead off the site.
func localBack(back, base string) string {
	if back == base || strings.HasPrefix(back, base+"?") || strings.HasPrefix(back, base+"/") {
		if !strings.ContainsAny(back, "\\\r\n") && !strings.HasPrefix(back, "//") {
			return back
		}
	}
	return base
}

// inboxBulk assigns, tags or closes the checked inquiries in one go.
func (h *handler) inboxBulk(w http.ResponseWriter, r *http.Request) {
	var ids []int64
	for _, s := range r.PostForm["id"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			h.renderError(w, r, http.StatusBadRequest, "error.invalid")
			return
		}
		ids = append(ids, id)
	}
	back := localBack(r.PostForm.Get("back"), "/console/inquiries")
	var u vocdesk.InquiryUpdate
	switch r.PostForm.Get("op") {
	case "assign":
		s := r.PostForm.Get("assignee")
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 0 {
			h.renderError(w, r, http.StatusBadRequest, "error.invalid")
			return
		}
		u.AssigneeID = &id
	case "tag":
		tag := strings.TrimSpace(r.PostForm.Get("tag"))
		if tag == "" {
			h.renderError(w, r, http.StatusBadRequest, "error.invalid")
			return
		}
		u.AddTags = []string{tag}
	case "close", "resolve":
		st := vocdesk.InquiryClosed
		if r.PostForm.Get("op") == "resolve" {
			st = vocdesk.InquiryResolved
		}
		u.Status = &st
	default:
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	n := 0
	if len(ids) > 0 {
		var err error
		if n, err = h.svc.Inquiries.BulkUpdateInquiries(r.Context(), ids, u); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	fl := flash{Key: "flash.bulk_" + r.PostForm.Get("op"), Args: []string{strconv.Itoa(n)}}
	if u.AssigneeID != nil && *u.AssigneeID == 0 {
		fl.Key = "flash.bulk_unassign"
	}
	if len(ids) == 0 {
		fl = flash{Kind: "info", Key: "flash.bulk_none"}
	}
	h.redirect(w, r, back, fl)
}

// inboxViewCreate saves the current filter under a name.
func (h *handler) inboxViewCreate(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostForm.Get("name"))
	query := strings.TrimPrefix(r.PostForm.Get("query"), "?")
	if name == "" || len([]rune(name)) > 60 || len(query) > 1000 {
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	// Keep only what the inbox itself would read back.
	loc := h.tr(r).loc
	vals, err := url.ParseQuery(query)
	if err != nil {
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	f, _ := parseInboxFilter(vals, loc, 1)
	f.Cursor = ""
	v := &vocdesk.SavedView{Name: name, Query: f.SavedQuery()}
	if err := h.svc.Desk.CreateSavedView(r.Context(), v); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/inquiries"+f.query(""), flash{Key: "flash.view_saved", Args: []string{name}})
}

// inboxViewDelete removes one of the member's saved views.
func (h *handler) inboxViewDelete(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	if err := h.svc.Desk.DeleteSavedView(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/inquiries", flash{Key: "flash.view_deleted"})
}
