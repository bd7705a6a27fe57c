package ui

import "github.com/vocdesk/vocdesk"

// An outgoing delivery's failure (a webhook attempt, a mailbox's poll, a
// social reply) is kept with its English error and its kind (netfail's
// reason and values), and worded when shown, as an import's rejected rows
// are (ImportReject). The peer's own words (a status line, an HTTP body,
// an IMAP server's reply) are values, shown as they came.

// DeliveryError words a kept failure in the page's language; one kept
// without a kind (before kinds were kept, or one netfail does not know)
// shows its English as stored.
func (t tr) DeliveryError(english, reason string, args []string) string {
	return t.keptWords(vocdesk.EUNPROCESSABLE, english, reason, args)
}
