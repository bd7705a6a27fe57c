package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// statusOf is the one place an application error code becomes an HTTP
// status. A code missing here is a bug and answers 500.
var statusOf = map[string]int{
	vocdesk.EINVALID:       http.StatusBadRequest,
	vocdesk.EINVALIDTEXT:   http.StatusBadRequest,
	vocdesk.EUNAUTHORIZED:  http.StatusUnauthorized,
	vocdesk.EFORBIDDEN:     http.StatusForbidden,
	vocdesk.ENOTFOUND:      http.StatusNotFound,
	vocdesk.ECONFLICT:      http.StatusConflict,
	vocdesk.EINPROGRESS:    http.StatusConflict,
	vocdesk.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	vocdesk.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	vocdesk.EKEYREUSED:     http.StatusUnprocessableEntity,
	vocdesk.ENOTBUYER:      http.StatusUnprocessableEntity,
	vocdesk.ERATELIMITED:   http.StatusTooManyRequests,
	vocdesk.EINTERNAL:      http.StatusInternalServerError,
	codeMethodNotAllowed:   http.StatusMethodNotAllowed,
	codeUnknownParameter:   http.StatusBadRequest,
}

// codeMethodNotAllowed is a routing answer rather than an application error,
// so it lives here and not in the root package.
const codeMethodNotAllowed = "method_not_allowed"

// errorJSON is the body of every error answer: {"error":{"code","message"}}.
type errorJSON struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// errNotFound is the answer for an unknown route and for a route of another
// realm: both are "nothing here", so they must read the same.
var errNotFound = vocdesk.Errorf(vocdesk.ENOTFOUND, "Not found.")

// writeError answers with err's status and code. The message of an internal
// error is generic; the error itself goes to the request log (see observe),
// so the cause is recorded once, with the request it belongs to.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := vocdesk.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		code, status = vocdesk.EINTERNAL, http.StatusInternalServerError
	}
	if status >= 500 {
		code = vocdesk.EINTERNAL
	}
	if info := infoFrom(r.Context()); info != nil {
		info.err = err
	}
	msg := vocdesk.ErrorMessage(err)
	if status >= 500 {
		msg = "Internal error."
	}
	writeJSON(w, status, errorJSON{Error: errorBody{Code: code, Message: msg}})
}
