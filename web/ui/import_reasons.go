package ui

import "github.com/vocdesk/vocdesk"

// An import's refusals are kept (sqlstore's purchase_import_rejects) with
// their English message, reason and values, and worded when shown: the
// same report reads in Korean to one operator and in English to another.

// ImportReject words a rejected row's reason in the page's language, as a
// live refusal of the same reason would be; a row kept without a reason
// (rejected before reasons were kept) shows its English as stored.
func (t tr) ImportReject(rj *vocdesk.PurchaseImportReject) string {
	return t.keptWords(vocdesk.EINVALID, rj.Error, rj.Reason, rj.Args)
}

// ImportStop says after which row and why an import stopped, in the page's
// language; "" when it did not stop. An import recorded before the stop's
// code was kept shows its English line as stored. The stop's English
// message is not kept apart, so a stop without a reason is worded by its
// code in every language (nearly always "internal": the database or the
// upload failed, whose details are for the log).
func (t tr) ImportStop(imp *vocdesk.PurchaseImport) string {
	if imp.StopCode == "" {
		return imp.Error
	}
	why := t.Refusal(keptRefusal(imp.StopCode, "", imp.StopReason, imp.StopArgs))
	return t.T("imports.stopped_after", imp.StoppedAfter, why)
}

// keptWords words a kept refusal (its English, reason and values) in the
// page's language as a live one of the same reason would be, or shows its
// English as stored when it has no reason (kept before reasons were) or
// its reason no words in this language.
func (t tr) keptWords(code, english, reason string, args []string) string {
	if reason != "" {
		if s := t.RefusalReason(keptRefusal(code, english, reason, args)); s != "" {
			return s
		}
	}
	return english
}

// keptRefusal is a kept refusal as the application error it was, its
// values being text now.
func keptRefusal(code, message, reason string, args []string) error {
	e := &vocdesk.Error{Code: code, Message: message, Reason: reason}
	for _, a := range args {
		e.Args = append(e.Args, a)
	}
	return e
}
