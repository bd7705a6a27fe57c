package ui

import (
	"fmt"
	"net/http"
	"time"

	"github.com/vocdesk/vocdesk"
)

// Live updates of the inbox. Each open inbox holds one Server-Sent Events
// stream; the stream reads the inbox (the same filter, the same page) once
// a second and says "change" when its stamp differs from what the page
// shows. Reading the database rather than listening to this process's own
// writes keeps it right behind a load balancer with many processes, and
// the read is the inbox's first page, which is fast at any size. app.js
// then fetches the page again and swaps the list; without script the page
// simply stays as it is.
const (
	inboxPoll      = time.Second
	inboxHeartbeat = 15 * time.Second
	// inboxStreamTTL ends a stream after a while: the browser reconnects at
	// once, and a server's write timeout or a proxy never cuts it mid-event.
	inboxStreamTTL = 90 * time.Second
)

func (h *handler) inboxEvents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	loc := h.tr(r).loc
	_, vf := parseInboxFilter(r.URL.Query(), loc, a.MemberID)
	last := r.URL.Query().Get("stamp")

	rc := http.NewResponseController(w)
	// The server's write timeout is for pages; this stream ends itself.
	_ = rc.SetWriteDeadline(time.Time{})
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 1000\n\n")
	if err := rc.Flush(); err != nil {
		return
	}

	tick := time.NewTicker(inboxPoll)
	defer tick.Stop()
	end := time.NewTimer(inboxStreamTTL)
	defer end.Stop()
	lastWrite := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-end.C:
			return
		case <-tick.C:
		}
		rows, counts, _, err := h.loadInbox(ctx, vf)
		if err != nil {
			if ctx.Err() == nil {
				h.log.WarnContext(ctx, "ui: inbox events", "err", err)
			}
			return
		}
		if s := inboxStamp(rows, counts); s != last {
			last = s
			fmt.Fprintf(w, "event: change\ndata: %s\n\n", s)
		} else if time.Since(lastWrite) < inboxHeartbeat {
			continue
		} else {
			fmt.Fprint(w, ": still here\n\n")
		}
		lastWrite = time.Now()
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
