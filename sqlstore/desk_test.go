package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestCannedReplies(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		asAdmin := f.as(f.devA, f.adminA)
		c := &vocdesk.CannedReply{Name: "환불 안내", Locale: "ko", Body: "{{customer.name}}님, {{purchase.txid}} 건 환불 처리되었습니다."}
		wantCode(t, f.desk.CreateCannedReply(f.asAgentA, c), vocdesk.EFORBIDDEN)
		must(t, f.desk.CreateCannedReply(asAdmin, c))
		wantCode(t, f.desk.CreateCannedReply(asAdmin, &vocdesk.CannedReply{Name: "환불 안내", Locale: "ko", Body: "x"}), vocdesk.ECONFLICT)
		wantCode(t, f.desk.CreateCannedReply(asAdmin, &vocdesk.CannedReply{Name: "x", Locale: "ja", Body: "x"}), vocdesk.EINVALID)
		must(t, f.desk.CreateCannedReply(asAdmin, &vocdesk.CannedReply{Name: "Refund", Locale: "en", Body: "Hi {{customer.name}}"}))
		list, err := f.desk.FindCannedReplies(f.asAgentA, "ko")
		must(t, err)
		if len(list) != 1 || list[0].Body != c.Body {
			t.Fatalf("ko replies %+v", list)
		}
		asB := f.as(f.devB, f.agentB)
		if list, _ := f.desk.FindCannedReplies(asB, ""); len(list) != 0 {
			t.Fatalf("developer B sees A's canned replies: %d", len(list))
		}
		c.Body = "수정된 본문"
		wantCode(t, f.desk.UpdateCannedReply(f.as(f.devB, f.member(t, "dev-b", "admin@b.example", "Admin B", vocdesk.RoleAdmin)), c), vocdesk.ENOTFOUND)
		must(t, f.desk.UpdateCannedReply(asAdmin, c))
		must(t, f.desk.DeleteCannedReply(asAdmin, c.ID))
		wantCode(t, f.desk.DeleteCannedReply(asAdmin, c.ID), vocdesk.ENOTFOUND)
	})
}

func TestSLAPolicyAndHolidays(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		p, err := f.desk.FindSLAPolicy(f.asAgentA, "")
		must(t, err)
		if !p.IsDefault || p.FirstResponseMinutes != vocdesk.DefaultFirstResponseMinutes || p.EscalationDays != 3 {
			t.Fatalf("default policy %+v", p)
		}
		pol := &vocdesk.SLAPolicy{FirstResponseMinutes: 60, NextResponseMinutes: 30, Hours: vocdesk.DefaultBusinessHours()}
		wantCode(t, f.desk.SetSLAPolicy(f.asAgentA, pol), vocdesk.EFORBIDDEN)
		must(t, f.desk.SetSLAPolicy(f.as(f.devA, f.adminA), pol))
		_, err = f.desk.FindSLAPolicy(f.asAgentA, "dev-b")
		wantCode(t, err, vocdesk.ENOTFOUND)
		must(t, f.desk.SetEscalationDays(asOperator(), 2))
		wantCode(t, f.desk.SetEscalationDays(f.asAgentA, 9), vocdesk.ENOTFOUND)
		p, err = f.desk.FindSLAPolicy(asOperator(), "dev-a")
		must(t, err)
		if p.IsDefault || p.FirstResponseMinutes != 60 || p.EscalationDays != 2 {
			t.Fatalf("policy %+v", p)
		}

		// The seeded calendar: Seollal 2026 and the substitute days.
		days, err := f.desk.FindHolidays(f.asCust, 2026)
		must(t, err)
		has := map[string]bool{}
		for _, d := range days {
			has[d.Date] = true
		}
		for _, d := range []string{"2026-02-16", "2026-02-17", "2026-02-18", "2026-03-02", "2026-05-25", "2026-08-17", "2026-09-25", "2026-10-05"} {
			if !has[d] {
				t.Errorf("holiday %s missing", d)
			}
		}
		all, _ := f.desk.FindHolidays(f.asCust, 0)
		if len(all) < 55 {
			t.Errorf("%d holidays seeded for 2025-2027", len(all))
		}
		wantCode(t, f.desk.AddHoliday(f.asAgentA, &vocdesk.Holiday{Date: "2026-03-05", Name: "x"}), vocdesk.ENOTFOUND)
		wantCode(t, f.desk.AddHoliday(asOperator(), &vocdesk.Holiday{Date: "5 March", Name: "x"}), vocdesk.EINVALID)
		must(t, f.desk.AddHoliday(asOperator(), &vocdesk.Holiday{Date: "2026-03-05", Name: "임시공휴일"}))

		// Wednesday 10:00 with a 60-minute target: Wed 11:00. Asked at
		// 17:30: 30 minutes Wednesday, Thursday is now a holiday, so Friday
		// 09:30.
		in := f.ask(t, f.custA, "TXA1", "", "s", "b")
		if want := wed.Add(time.Hour); !in.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v", in.DueAt, want)
		}
		f.now = time.Date(2026, 3, 4, 17, 30, 0, 0, vocdesk.Seoul)
		late := f.ask(t, f.custA, "TXA2", "", "s", "b")
		if want := time.Date(2026, 3, 6, 9, 30, 0, 0, vocdesk.Seoul); !late.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v (over the new holiday)", late.DueAt, want)
		}
		must(t, f.desk.DeleteHoliday(asOperator(), "2026-03-05"))
		wantCode(t, f.desk.DeleteHoliday(asOperator(), "2026-03-05"), vocdesk.ENOTFOUND)
	})
}

func TestEscalation(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		waiting := f.ask(t, f.custA, "TXA1", "", "waiting", "b")
		answered := f.ask(t, f.custA, "TXA2", "", "answered", "b")
		must(t, f.inq.AddMessage(f.asAgentA, answered.ID, &vocdesk.Message{Body: "done"}))
		other := f.ask(t, f.custB, "TXB1", "", "other", "b")

		// Three business days from Wednesday 10:00 is Monday 10:00.
		f.now = time.Date(2026, 3, 9, 9, 59, 0, 0, vocdesk.Seoul)
		n, err := f.desk.EscalateOverdue(asOperator())
		if err != nil || n != 0 {
			t.Fatalf("escalated %d early (%v)", n, err)
		}
		_, err = f.desk.EscalateOverdue(f.asAgentA)
		wantCode(t, err, vocdesk.ENOTFOUND)
		f.now = time.Date(2026, 3, 9, 10, 0, 0, 0, vocdesk.Seoul)
		n, err = f.desk.EscalateOverdue(asOperator())
		if err != nil || n != 2 {
			t.Fatalf("escalated %d (%v), want 2 (A's waiting and B's)", n, err)
		}
		if n, _ := f.desk.EscalateOverdue(asOperator()); n != 0 {
			t.Fatalf("escalated %d twice", n)
		}
		queue, _, err := f.inq.FindInquiries(asOperator(), vocdesk.InquiryFilter{Escalated: true})
		must(t, err)
		if len(queue) != 2 || queue[0].ID != other.ID || queue[1].ID != waiting.ID || queue[1].EscalatedAt == nil {
			t.Fatalf("operators' queue %+v", queue)
		}
		// Answering takes it out of the queue; the count stays.
		must(t, f.inq.AddMessage(f.asAgentA, waiting.ID, &vocdesk.Message{Body: "늦어서 죄송합니다"}))
		counts, err := f.desk.FindEscalationCounts(asOperator())
		must(t, err)
		if len(counts) != 2 || counts[0].DeveloperSlug != "dev-b" || counts[0].Open != 1 || counts[1].Open != 0 || counts[1].Total != 1 {
			t.Fatalf("escalation counts %+v %+v", counts[0], counts[1])
		}
		_, err = f.desk.FindEscalationCounts(f.asAgentA)
		wantCode(t, err, vocdesk.ENOTFOUND)

		// Operators' notes on the developer's record.
		note := &vocdesk.DeveloperNote{DeveloperSlug: "dev-b", Body: "응답 지연 경고 (1회)"}
		must(t, f.desk.AddDeveloperNote(asOperator(), note))
		wantCode(t, f.desk.AddDeveloperNote(f.asAgentA, &vocdesk.DeveloperNote{DeveloperSlug: "dev-a", Body: "x"}), vocdesk.ENOTFOUND)
		notes, err := f.desk.FindDeveloperNotes(asOperator(), "dev-b")
		must(t, err)
		if len(notes) != 1 || notes[0].Body != note.Body {
			t.Fatalf("notes %+v", notes)
		}
		_, err = f.desk.FindDeveloperNotes(f.as(f.devB, f.agentB), "dev-b")
		wantCode(t, err, vocdesk.ENOTFOUND)
	})
}

func TestSavedViews(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		v := &vocdesk.SavedView{Name: "내 미해결", Query: "status=open&assignee=me&sort=due"}
		must(t, f.desk.CreateSavedView(f.asAgentA, v))
		wantCode(t, f.desk.CreateSavedView(f.asAgentA, &vocdesk.SavedView{Name: "내 미해결", Query: ""}), vocdesk.ECONFLICT)
		apiKey := vocdesk.NewContextWithActor(context.Background(), &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: f.devA.ID, Role: vocdesk.RoleOwner, KeyID: 9})
		wantCode(t, f.desk.CreateSavedView(apiKey, &vocdesk.SavedView{Name: "x"}), vocdesk.EFORBIDDEN) // views belong to people
		list, err := f.desk.FindSavedViews(f.asAgentA)
		must(t, err)
		if len(list) != 1 || list[0].Query != v.Query {
			t.Fatalf("views %+v", list)
		}
		if other, _ := f.desk.FindSavedViews(f.as(f.devA, f.viewerA)); len(other) != 0 {
			t.Fatal("another member sees my views")
		}
		wantCode(t, f.desk.DeleteSavedView(f.as(f.devA, f.viewerA), v.ID), vocdesk.ENOTFOUND)
		must(t, f.desk.DeleteSavedView(f.asAgentA, v.ID))
	})
}
