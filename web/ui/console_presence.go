package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// Collision detection: who else of the team has this inquiry open, and who
// is typing a reply. The inquiry page holds one Server-Sent Events stream,
// as the live inbox does (console_inbox_events.go). The stream beats the
// member's presence into the database every vocdesk.PresenceBeat and reads
// the others' once a second, sending an event only when what the page
// shows changes. The presence rows live in the database, shared by every
// process, so two agents served by two processes see each other; a row
// expires after vocdesk.PresenceTTL without a beat, and a page that closes
// (its stream ends) removes its row at once. Keystrokes in the reply box
// post to the same path (at most one post per few seconds); without
// script there is no stream and no presence, but the reply's traffic cop
// (console_reply_guard.go) still works.
const (
	presencePoll = time.Second
	// presenceStreamTTL ends a stream as the inbox's does; the browser
	// reconnects within a second, well inside the presence TTL, so the
	// member does not blink out for the others.
	presenceStreamTTL = 90 * time.Second
	presenceHeartbeat = 15 * time.Second
)

// presenceEvent is what a presence event carries: the sentence the page
// shows (in its language) and the people, for scripts and tests.
type presenceEvent struct {
	Text   string           `json:"text"`
	People []presencePerson `json:"people"`
}

type presencePerson struct {
	Name   string `json:"name"`
	Typing bool   `json:"typing"`
}

// presenceStream is GET /console/inquiries/{id}/presence.
func (h *handler) presenceStream(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := inquiryID(r)
	if !ok || h.svc.Presence == nil {
		h.notFound(w, r)
		return
	}
	// The first beat is the scope check: another developer's inquiry is
	// not found, before any stream starts.
	if err := h.svc.Presence.Beat(ctx, id, false); err != nil {
		h.fail(w, r, err)
		return
	}
	defer func() {
		// The page is gone: leave now rather than after the TTL. The
		// request's context is cancelled by then; the actor stays.
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if ctx.Err() != nil {
			if err := h.svc.Presence.Leave(lctx, id); err != nil {
				h.log.WarnContext(lctx, "ui: presence leave", "inquiry", id, "err", err)
			}
		}
	}()
	t := h.tr(r)

	rc := http.NewResponseController(w)
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

	tick := time.NewTicker(presencePoll)
	defer tick.Stop()
	end := time.NewTimer(presenceStreamTTL)
	defer end.Stop()
	lastBeat, lastWrite := time.Now(), time.Now()
	last := "-" // nothing sent yet: the first read is always sent
	for {
		if time.Since(lastBeat) >= vocdesk.PresenceBeat {
			if err := h.svc.Presence.Beat(ctx, id, false); err != nil {
				if ctx.Err() == nil {
					h.log.WarnContext(ctx, "ui: presence beat", "inquiry", id, "err", err)
				}
				return
			}
			lastBeat = time.Now()
		}
		people, err := h.svc.Presence.Present(ctx, id)
		if err != nil {
			if ctx.Err() == nil {
				h.log.WarnContext(ctx, "ui: presence", "inquiry", id, "err", err)
			}
			return
		}
		ev := presenceOf(t, people)
		data, _ := json.Marshal(ev)
		if s := string(data); s != last {
			last = s
			fmt.Fprintf(w, "event: presence\ndata: %s\n\n", data)
			lastWrite = time.Now()
			if err := rc.Flush(); err != nil {
				return
			}
		} else if time.Since(lastWrite) >= presenceHeartbeat {
			fmt.Fprint(w, ": still here\n\n")
			lastWrite = time.Now()
			if err := rc.Flush(); err != nil {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-end.C:
			return
		case <-tick.C:
		}
	}
}

// presenceOf says who is here in the page's language: "Minji is typing a
// reply · Jae is viewing", or "" when the member is alone.
func presenceOf(t tr, people []vocdesk.Presence) presenceEvent {
	ev := presenceEvent{People: []presencePerson{}}
	var typing, viewing []string
	for _, p := range people {
		ev.People = append(ev.People, presencePerson{Name: p.Name, Typing: p.Typing})
		if p.Typing {
			typing = append(typing, p.Name)
		} else {
			viewing = append(viewing, p.Name)
		}
	}
	var parts []string
	if len(typing) > 0 {
		parts = append(parts, t.T("agent.presence_typing", strings.Join(typing, ", ")))
	}
	if len(viewing) > 0 {
		parts = append(parts, t.T("agent.presence_viewing", strings.Join(viewing, ", ")))
	}
	ev.Text = strings.Join(parts, " · ")
	return ev
}

// presenceTyping is POST /console/inquiries/{id}/presence: the member is
// typing a reply. The page posts at most once every few seconds while keys
// are pressed in the reply box.
func (h *handler) presenceTyping(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok || h.svc.Presence == nil {
		h.notFound(w, r)
		return
	}
	if err := h.svc.Presence.Beat(r.Context(), id, r.PostForm.Get("typing") == "1"); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
