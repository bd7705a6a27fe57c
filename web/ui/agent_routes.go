package ui

import "net/http"

// agentRoutes adds the pages of an agent's day: presence on an inquiry
// (collision detection) and the member's notifications (mentions).
func (h *handler) agentRoutes(mux *pageMux) {
	dev := func(fn http.HandlerFunc) http.Handler { return h.require(realmDeveloper, fn) }
	mux.Handle("GET /console/inquiries/{id}/presence", dev(h.presenceStream))
	mux.Handle("POST /console/inquiries/{id}/presence", dev(h.presenceTyping))
	mux.Handle("GET /console/notifications", dev(h.consoleNotifications))
	mux.Handle("POST /console/notifications/read", dev(h.notificationsReadAll))
	mux.Handle("POST /console/notifications/{id}/read", dev(h.notificationRead))
}
