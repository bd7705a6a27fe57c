package ui

import (
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// Refusal says why a service refused, in the page's language: by the
// error's reason ("reason."+Reason, with its values), else by its code
// ("reason.code."+code). The services' messages are the API's English, so
// an English page may show a message whose reason has no words of its own
// yet; any other page says what the code means rather than show English.
func (t tr) Refusal(err error) string {
	if err == nil {
		return ""
	}
	reason, args := vocdesk.ErrorReason(err)
	if s, ok := t.msgs["reason."+reason]; ok && reason != "" {
		return fmt.Sprintf(s, args...)
	}
	if t.Lang == "en" {
		if msg := vocdesk.ErrorMessage(err); vocdesk.ErrorCode(err) != vocdesk.EINTERNAL {
			return msg
		}
	}
	if s, ok := t.msgs["reason.code."+vocdesk.ErrorCode(err)]; ok {
		return s
	}
	return t.T("reason.code.other")
}

// macroRefusal is the error of one inquiry's failed macro application.
func macroRefusal(res vocdesk.MacroResult) error {
	return &vocdesk.Error{Code: res.Code, Message: res.Error, Reason: res.Reason, Args: res.Args}
}
