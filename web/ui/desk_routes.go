package ui

import "net/http"

// The desk's views: the customer's questions and answers, the developer's
// inbox, inquiry and settings, and the operator's escalations.
const (
	viewMyAsk               view = "my_ask"
	viewMyInquiries         view = "my_inquiries"
	viewMyInquiry           view = "my_inquiry"
	viewConsoleInbox        view = "console_inbox"
	viewConsoleInquiry      view = "console_inquiry"
	viewConsoleSettings     view = "console_settings"
	viewOperatorEscalations view = "operator_escalations"
)

// deskRoutes adds the desk's pages to mux, each with its realm (roles are
// checked by the services: a viewer's post is refused there, and the pages
// show a viewer no forms).
func (h *handler) deskRoutes(mux *pageMux) {
	cust := func(fn http.HandlerFunc) http.Handler { return h.require(realmCustomer, fn) }
	dev := func(fn http.HandlerFunc) http.Handler { return h.require(realmDeveloper, fn) }
	op := func(fn http.HandlerFunc) http.Handler { return h.require(realmOperator, fn) }

	// The customer: ask about a purchase or an app, follow the answers.
	mux.Handle("GET /my/ask", cust(h.myAsk))
	mux.Handle("GET /my/inquiries", cust(h.myInquiries))
	mux.Handle("POST /my/inquiries", cust(h.myAskSubmit))
	mux.Handle("GET /my/inquiries/{id}", cust(h.myInquiry))
	mux.Handle("POST /my/inquiries/{id}/messages", cust(h.myInquiryReply))
	mux.Handle("POST /my/inquiries/{id}/solve", cust(h.myInquirySolve))
	mux.Handle("POST /my/inquiries/{id}/rate", cust(h.myInquiryRate))

	// The developer: Manage Customer Inquiries.
	mux.Handle("GET /console/inquiries", dev(h.inbox))
	mux.Handle("GET /console/inquiries/events", dev(h.inboxEvents))
	mux.Handle("POST /console/inquiries/bulk", dev(h.inboxBulk))
	mux.Handle("POST /console/inquiries/views", dev(h.inboxViewCreate))
	mux.Handle("POST /console/inquiries/views/{id}/delete", dev(h.inboxViewDelete))
	mux.Handle("GET /console/inquiries/{id}", dev(h.consoleInquiry))
	mux.Handle("POST /console/inquiries/{id}/reply", dev(h.consoleReply))
	mux.Handle("POST /console/inquiries/{id}/note", dev(h.consoleNote))
	mux.Handle("POST /console/inquiries/{id}/update", dev(h.consoleUpdate))
	mux.Handle("POST /console/inquiries/{id}/merge", dev(h.consoleMerge))
	mux.Handle("POST /console/inquiries/{id}/merge/undo", dev(h.consoleMergeUndo))
	mux.Handle("POST /console/inquiries/{id}/contact-merge", dev(h.consoleContactMerge))
	mux.Handle("POST /console/inquiries/{id}/snooze", dev(h.consoleSnooze))
	mux.Handle("POST /console/inquiries/{id}/wake", dev(h.consoleWake))
	mux.Handle("GET /console/settings", dev(h.consoleSettings))
	mux.Handle("POST /console/settings/canned", dev(h.cannedSave))
	mux.Handle("POST /console/settings/canned/{id}", dev(h.cannedSave))
	mux.Handle("POST /console/settings/canned/{id}/delete", dev(h.cannedDelete))
	mux.Handle("POST /console/settings/sla", dev(h.slaSave))

	// The operator: every inquiry (read), the escalation queue, notes.
	mux.Handle("GET /operator/inquiries", op(h.inbox))
	mux.Handle("GET /operator/inquiries/{id}", op(h.operatorInquiry))
	mux.Handle("POST /operator/inquiries/{id}/reply", op(h.storeAnswer))
	mux.Handle("POST /operator/inquiries/{id}/cancel", op(h.storeCancel))
	mux.Handle("GET /operator/escalations", op(h.operatorEscalations))
	mux.Handle("POST /operator/escalations/run", op(h.operatorEscalateNow))
	mux.Handle("POST /operator/developers/{slug}/notes", op(h.operatorNote))

	// Attachments, for the parties of their inquiry only.
	mux.Handle("GET /attachments/{id}", h.requireSignedIn(h.attachment))
}

// operatorInquiry is an inquiry as the store reads it: the whole thread,
// notes included, and the store's hand (store_hand.go).
func (h *handler) operatorInquiry(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	h.showInquiry(w, r, id, storeHandData(), http.StatusOK)
}
