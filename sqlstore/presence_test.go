package sqlstore_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestPresence: members of the inquiry's developer see each other come,
// type, go quiet and leave; a page that stops beating drops out after the
// TTL; another developer's member can neither beat on the inquiry nor see
// anyone on it.
func TestPresence(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		ps := sqlstore.NewPresenceService(db)
		in := f.ask(t, f.custA, "TXA1", "", "환불 요청", "환불해 주세요")
		asAdmin := f.as(f.devA, f.adminA)

		must(t, ps.Beat(f.asAgentA, in.ID, false))
		got, err := ps.Present(asAdmin, in.ID)
		must(t, err)
		if len(got) != 1 || got[0].MemberID != f.agentA.ID || got[0].Name != f.agentA.Name || got[0].Typing {
			t.Fatalf("admin sees %+v, want the agent viewing", got)
		}
		if self, err := ps.Present(f.asAgentA, in.ID); err != nil || len(self) != 0 {
			t.Fatalf("the agent sees %+v, %v; want nobody else", self, err)
		}

		f.now = f.now.Add(time.Second)
		must(t, ps.Beat(f.asAgentA, in.ID, true))
		got, _ = ps.Present(asAdmin, in.ID)
		if len(got) != 1 || !got[0].Typing {
			t.Fatalf("after a keystroke: %+v, want typing", got)
		}
		// A beat without typing keeps the keystroke's time; typing ends
		// after TypingTTL without another keystroke.
		f.now = f.now.Add(vocdesk.TypingTTL + time.Second)
		must(t, ps.Beat(f.asAgentA, in.ID, false))
		got, _ = ps.Present(asAdmin, in.ID)
		if len(got) != 1 || got[0].Typing {
			t.Fatalf("after a pause: %+v, want viewing, not typing", got)
		}

		// Another developer: not found, and sees no one.
		asB := f.as(f.devB, f.agentB)
		wantCode(t, ps.Beat(asB, in.ID, true), vocdesk.ENOTFOUND)
		if other, err := ps.Present(asB, in.ID); err != nil || len(other) != 0 {
			t.Fatalf("developer B sees %+v, %v", other, err)
		}
		wantCode(t, ps.Beat(f.asCust, in.ID, false), vocdesk.ENOTFOUND)
		wantCode(t, ps.Beat(asDeveloper(f.devA, vocdesk.RoleOwner), 0, false), vocdesk.ENOTFOUND)

		// A page that stops beating is gone after the TTL.
		f.now = f.now.Add(vocdesk.PresenceTTL + time.Second)
		if got, _ := ps.Present(asAdmin, in.ID); len(got) != 0 {
			t.Fatalf("after the TTL: %+v, want nobody", got)
		}
		// Leaving removes at once, and sweeps stale rows.
		must(t, ps.Beat(f.asAgentA, in.ID, false))
		must(t, ps.Leave(f.asAgentA, in.ID))
		if got, _ := ps.Present(asAdmin, in.ID); len(got) != 0 {
			t.Fatalf("after leaving: %+v", got)
		}
	})
}

// TestMentionNotifies: a note naming a teammate stores the reference,
// notifies that member (and mails them), never a member of another
// developer, never the author; the member alone reads and marks it.
func TestMentionNotifies(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		ns := sqlstore.NewNotificationService(db)
		in := f.ask(t, f.custA, "TXA1", "", "결제 오류", "결제가 두 번 됐어요")
		asAdmin := f.as(f.devA, f.adminA)

		note := &vocdesk.Message{Body: "@Admin A 확인 부탁해요, @Agent B 는 다른 팀, @에이전트 A 본인", Internal: true}
		must(t, f.inq.AddMessage(f.asAgentA, in.ID, note))

		list, err := ns.FindNotifications(asAdmin, vocdesk.NotificationFilter{})
		must(t, err)
		if len(list) != 1 || list[0].InquiryID != in.ID || list[0].MessageID != note.ID || list[0].ByName != f.agentA.Name ||
			list[0].Subject != in.Subject || list[0].ReadAt != nil || list[0].Kind != vocdesk.NotifyMention {
			t.Fatalf("admin's notifications: %+v", list)
		}
		if n, _ := ns.CountUnread(asAdmin); n != 1 {
			t.Fatalf("unread = %d, want 1", n)
		}
		// The author (self-mention) and developer B's agent have nothing.
		if own, _ := ns.FindNotifications(f.asAgentA, vocdesk.NotificationFilter{}); len(own) != 0 {
			t.Fatalf("the author was notified: %+v", own)
		}
		asB := f.as(f.devB, f.agentB)
		if other, _ := ns.FindNotifications(asB, vocdesk.NotificationFilter{}); len(other) != 0 {
			t.Fatalf("developer B's agent was notified: %+v", other)
		}
		// Another member cannot mark it; the owner of it can.
		wantCode(t, ns.MarkRead(asB, list[0].ID), vocdesk.ENOTFOUND)
		wantCode(t, ns.MarkRead(f.asAgentA, list[0].ID), vocdesk.ENOTFOUND)
		wantCode(t, ns.MarkRead(f.asCust, list[0].ID), vocdesk.ENOTFOUND)
		must(t, ns.MarkRead(asAdmin, list[0].ID))
		if n, _ := ns.CountUnread(asAdmin); n != 0 {
			t.Fatalf("unread after marking = %d", n)
		}
		if unread, _ := ns.FindNotifications(asAdmin, vocdesk.NotificationFilter{UnreadOnly: true}); len(unread) != 0 {
			t.Fatalf("unread list: %+v", unread)
		}

		// The mail to the mentioned member is queued, to them alone.
		jobs, err := f.jobs.Claim(asOperator(), []string{vocdesk.JobSendMail}, 50, time.Minute)
		must(t, err)
		var to []string
		for _, j := range jobs {
			var m vocdesk.Mail
			must(t, json.Unmarshal(j.Payload, &m))
			if m.InquiryID == 0 {
				to = append(to, m.To)
				if want := fmt.Sprintf("/console/inquiries/%d#m", in.ID); !strings.HasPrefix(m.Link, want) || strings.Contains(m.Text, "/console/") {
					t.Fatalf("mention mail links %q (text %q), want the page as its link %s...", m.Link, m.Text, want)
				}
			}
		}
		if len(to) != 1 || to[0] != f.adminA.Email {
			t.Fatalf("mention mail to %v, want [%s]", to, f.adminA.Email)
		}

		// A reply to the customer mentions nobody, and mark-all works.
		must(t, f.inq.AddMessage(f.asAgentA, in.ID, &vocdesk.Message{Body: "@Admin A hello customer"}))
		must(t, f.inq.AddMessage(f.asAgentA, in.ID, &vocdesk.Message{Body: "@Admin A again", Internal: true}))
		if n, _ := ns.CountUnread(asAdmin); n != 1 {
			t.Fatalf("unread after a reply and a note = %d, want 1", n)
		}
		must(t, ns.MarkRead(asAdmin, 0))
		if n, _ := ns.CountUnread(asAdmin); n != 0 {
			t.Fatalf("unread after mark all = %d", n)
		}
	})
}
