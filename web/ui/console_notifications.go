package ui

import (
	"net/http"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// viewConsoleNotifications lists the member's notifications: mentions of
// them in teammates' notes.
const viewConsoleNotifications view = "console_notifications"

// agentBar is what the console's header adds for a signed-in member: the
// bell with the unread count, and whether the inquiry page offers presence.
type agentBar struct {
	Unread   int
	Presence bool
}

// agentBar reads the bell's count for members of a developer; nil for
// everyone else (customers, operators, API keys). A failed count shows no
// number rather than failing the page: the bell is a hint.
func (h *handler) agentBar(r *http.Request, a *vocdesk.Actor) *agentBar {
	if !a.IsDeveloper() || a.MemberID == 0 || h.svc.Notifications == nil {
		return nil
	}
	b := &agentBar{Presence: h.svc.Presence != nil}
	n, err := h.svc.Notifications.CountUnread(r.Context())
	if err != nil {
		h.log.WarnContext(r.Context(), "ui: unread notifications", "err", err)
	}
	b.Unread = n
	return b
}

// HasPresence reports whether the page may open a presence stream.
func (p *page) HasPresence() bool { return p.Agent != nil && p.Agent.Presence }

// notificationsData is the notifications page.
type notificationsData struct {
	List       []*vocdesk.Notification
	UnreadOnly bool
}

// consoleNotifications is GET /console/notifications[?unread=1].
func (h *handler) consoleNotifications(w http.ResponseWriter, r *http.Request) {
	if h.svc.Notifications == nil {
		h.notFound(w, r)
		return
	}
	d := &notificationsData{UnreadOnly: r.URL.Query().Get("unread") == "1"}
	var err error
	d.List, err = h.svc.Notifications.FindNotifications(r.Context(), vocdesk.NotificationFilter{UnreadOnly: d.UnreadOnly, Limit: 100})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, viewConsoleNotifications, "agent.notify_title", d)
}

// notificationRead is POST /console/notifications/{id}/read: marks one read
// and, with open=1, goes to the note it points at.
func (h *handler) notificationRead(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 || h.svc.Notifications == nil {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	if err := h.svc.Notifications.MarkRead(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if r.PostForm.Get("open") == "1" {
		// The list is the member's own (MarkRead found it), so its
		// inquiry is theirs to open.
		list, err := h.svc.Notifications.FindNotifications(ctx, vocdesk.NotificationFilter{Limit: 200})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, n := range list {
			if n.ID == id {
				h.redirect(w, r, "/console/inquiries/"+strconv.FormatInt(n.InquiryID, 10)+"#m"+strconv.FormatInt(n.MessageID, 10), flash{Key: "agent.notify_marked"})
				return
			}
		}
	}
	h.redirect(w, r, "/console/notifications", flash{Key: "agent.notify_marked"})
}

// notificationsReadAll is POST /console/notifications/read.
func (h *handler) notificationsReadAll(w http.ResponseWriter, r *http.Request) {
	if h.svc.Notifications == nil {
		h.notFound(w, r)
		return
	}
	if err := h.svc.Notifications.MarkRead(r.Context(), 0); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/notifications", flash{Key: "agent.notify_marked_all"})
}
