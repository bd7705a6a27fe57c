package ui

import "github.com/vocdesk/vocdesk"

// ReconRowError words a report's unreadable row in the page's language,
// from the reason and values kept with it (sqlstore's recon_errors), as
// an import's rejected row is worded (ImportReject), the reader's
// refusals and the matcher's alike; a row kept before reasons were shows
// its English as stored. The report has no download of these rows: the
// API and errors.csv give the English message.
func (t tr) ReconRowError(e *vocdesk.ReconRowError) string {
	return t.keptWords(vocdesk.EINVALID, e.Message, e.Reason, e.Args)
}
