package vocdesk

import (
	"errors"
	"fmt"
)

// Application error codes. Each is the snake_case code a caller sees in
// {"error":{"code":...}}; the HTTP layer maps each to exactly one status.
const (
	EINVALID       = "invalid_request"     // 400: malformed or missing input
	EUNAUTHORIZED  = "unauthorized"        // 401: no or bad credentials
	EFORBIDDEN     = "forbidden"           // 403: signed in, but the role may not do this
	ENOTFOUND      = "not_found"           // 404: does not exist, or is not the caller's to see
	ECONFLICT      = "conflict"            // 409: clashes with what exists (a txid with other values)
	EINPROGRESS    = "request_in_progress" // 409: the same idempotency key is still being processed
	ETOOLARGE      = "too_large"           // 413: body over the limit
	EUNPROCESSABLE = "unprocessable"       // 422: well formed, but breaks a rule (more than is left to refund)
	EKEYREUSED     = "idempotency_key_reused"
	ERATELIMITED   = "rate_limited" // 429
	EINTERNAL      = "internal"     // 500: never shows its cause
)

// Error is an application error: a code for machines and a message for people.
// Anything that is not an *Error is internal and its text is never shown.
type Error struct {
	Code    string
	Message string
	// Reason names this refusal among those of its code, and Args are the
	// values its words take, for pages that say it in their reader's
	// language (web/ui looks up "reason."+Reason); the API answers Message,
	// in English. "" for most errors, which pages word by their code.
	Reason string
	Args   []any
}

func (e *Error) Error() string {
	return fmt.Sprintf("vocdesk error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an application error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Because gives e its reason and the values the reason's words take.
func (e *Error) Because(reason string, args ...any) *Error {
	e.Reason, e.Args = reason, args
	return e
}

// ErrorReason returns the reason and its values of the application error
// in err's chain; "" when it has none.
func ErrorReason(err error) (string, []any) {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason, e.Args
	}
	return "", nil
}

// ReasonArgs is the values of an error's reason as text, for keeping: a
// page words a kept reason with them as it words a live one, so the words
// of a reason that is kept take %s or %v, never %d.
func ReasonArgs(args []any) []string {
	if len(args) == 0 {
		return nil
	}
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = fmt.Sprint(a)
	}
	return s
}

// ErrorCode returns the code of the application error in err's chain, or
// EINTERNAL for anything else (nil gives "").
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of the application error in err's
// chain, or a generic message for internal errors, whose details stay in logs.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// NotFound is the one answer for "does not exist" and "not yours to see".
func NotFound(what string) *Error {
	return Errorf(ENOTFOUND, "%s not found", what).Because("not_found." + what)
}
