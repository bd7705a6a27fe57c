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
	if s := t.RefusalReason(err); s != "" {
		return s
	}
	if s, ok := t.msgs["reason.code."+vocdesk.ErrorCode(err)]; ok {
		return s
	}
	return t.T("reason.code.other")
}

// RefusalReason is Refusal where the refusal has words of its own in the
// page's language (its reason's, or the API's English on an English page),
// else "": for a page that leads with its own line and adds the detail.
func (t tr) RefusalReason(err error) string {
	reason, args := vocdesk.ErrorReason(err)
	if s, ok := t.msgs["reason."+reason]; ok && reason != "" {
		return fmt.Sprintf(s, args...)
	}
	if t.Lang == "en" && err != nil && vocdesk.ErrorCode(err) != vocdesk.EINTERNAL {
		return vocdesk.ErrorMessage(err)
	}
	return ""
}

// macroRefusal is the error of one inquiry's failed macro application.
func macroRefusal(res vocdesk.MacroResult) error {
	return &vocdesk.Error{Code: res.Code, Message: res.Error, Reason: res.Reason, Args: res.Args}
}
