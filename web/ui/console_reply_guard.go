package ui

import (
	"context"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// The traffic cop: the reply form carries the id of the newest message the
// agent's page showed ("seen"). When a reply to the customer by someone
// else, or the customer's own message, came in after it, the reply is not
// sent: the page comes back (409) with the draft kept, the new message in
// the thread, and a "send anyway" button (force=1). It is a server-side
// check, so it works without script. It is a warning, not a lock: two
// agents who both press "send anyway" both send.

// replyCollision returns the name of whoever wrote to the customer's side
// of the thread after message seen, or "" when nobody did. Notes, system
// events and the agent's own replies do not count.
func (h *handler) replyCollision(ctx context.Context, a *vocdesk.Actor, id, seen int64) (string, error) {
	_, msgs, err := h.svc.Inquiries.FindThread(ctx, id)
	if err != nil {
		return "", err
	}
	return newerReply(msgs, a, seen), nil
}

// newerReply is replyCollision's rule on a thread, oldest first.
func newerReply(msgs []*vocdesk.Message, a *vocdesk.Actor, seen int64) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.ID <= seen {
			break
		}
		if m.Internal || m.Author == vocdesk.AuthorSystem {
			continue
		}
		if m.Author == vocdesk.AuthorDeveloper && m.AuthorID == a.MemberID && a.MemberID != 0 {
			continue
		}
		return m.AuthorName
	}
	return ""
}

// parseSeen reads the form's "seen": absent or malformed is 0, which skips
// the check (an old page, an API-like post), as before this guard existed.
func parseSeen(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// LastMessageID is the newest message of the thread, for the reply form's
// "seen".
func (d *inquiryData) LastMessageID() int64 {
	var last int64
	for _, m := range d.Messages {
		last = max(last, m.ID)
	}
	return last
}
