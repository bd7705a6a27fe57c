package ui

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// errorData is what the error page shows: a status and a message from the
// catalog, never an internal error's text.
type errorData struct {
	Status     int
	MessageKey string
}

func (h *handler) renderError(w http.ResponseWriter, r *http.Request, status int, msgKey string) {
	h.render(w, r, status, viewError, "error.title", &errorData{Status: status, MessageKey: msgKey})
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusNotFound, "error.not_found")
}

// serverError logs the cause and shows a page that reveals nothing of it.
func (h *handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "ui: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	h.renderError(w, r, http.StatusInternalServerError, "error.internal")
}

// fail answers a service error with the page for its code. "Not yours" and
// "does not exist" are both ENOTFOUND from the services and look the same
// here.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch vocdesk.ErrorCode(err) {
	case vocdesk.ENOTFOUND:
		h.notFound(w, r)
	case vocdesk.EFORBIDDEN:
		h.renderError(w, r, http.StatusForbidden, "error.forbidden")
	case vocdesk.EINVALID:
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
	case vocdesk.EINVALIDTEXT:
		h.renderError(w, r, http.StatusBadRequest, "harden.invalid_text")
	case vocdesk.EUNAUTHORIZED:
		h.renderError(w, r, http.StatusUnauthorized, "error.unauthorized")
	default:
		h.serverError(w, r, err)
	}
}
