package sqlstore_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// automationFixture is the desk fixture with the automation service and a
// second agent of developer A.
type automationFixture struct {
	*deskFixture
	auto    vocdesk.AutomationService
	asAdmin context.Context
	agentA2 *vocdesk.Member
}

func newAutomationFixture(t *testing.T, db *sqlstore.DB) *automationFixture {
	f := &automationFixture{deskFixture: newDeskFixture(t, db), auto: sqlstore.NewAutomationService(db)}
	f.asAdmin = f.as(f.devA, f.adminA)
	f.agentA2 = f.member(t, "dev-a", "agent2@a.example", "Agent A2", vocdesk.RoleAgent)
	return f
}

func (f *automationFixture) countRows(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	must(t, f.db.RawForTest().QueryRow(f.db.RebindForTest(q), args...).Scan(&n))
	return n
}

func TestMacroApply(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newAutomationFixture(t, db)
		canned := &vocdesk.CannedReply{Name: "환불 안내", Locale: "ko", Body: "{{customer.name}}님, {{purchase.txid}} 환불 요청을 접수했습니다. {{agent.name}}"}
		must(t, f.desk.CreateCannedReply(f.asAdmin, canned))
		m := &vocdesk.Macro{Name: "환불 접수", Actions: vocdesk.MacroActions{CannedReplyID: canned.ID, Note: "환불 대기열로",
			AddTags: []string{"Refund"}, AssignToMe: true, Status: vocdesk.InquiryResolved}}
		wantCode(t, f.auto.CreateMacro(f.asAgentA, m), vocdesk.EFORBIDDEN)
		wantCode(t, f.auto.CreateMacro(f.asAdmin, &vocdesk.Macro{Name: "empty"}), vocdesk.EINVALID)
		// Another developer's canned reply and member are refused like missing ones.
		cannedB := &vocdesk.CannedReply{Name: "B", Locale: "en", Body: "b"}
		must(t, f.desk.CreateCannedReply(f.as(f.devB, f.member(t, "dev-b", "admin@b.example", "Admin B", vocdesk.RoleAdmin)), cannedB))
		wantCode(t, f.auto.CreateMacro(f.asAdmin, &vocdesk.Macro{Name: "x", Actions: vocdesk.MacroActions{CannedReplyID: cannedB.ID}}), vocdesk.EINVALID)
		wantCode(t, f.auto.CreateMacro(f.asAdmin, &vocdesk.Macro{Name: "x", Actions: vocdesk.MacroActions{AssigneeID: f.agentB.ID}}), vocdesk.EINVALID)
		must(t, f.auto.CreateMacro(f.asAdmin, m))
		if _, err := f.auto.FindMacro(f.as(f.devB, f.agentB), m.ID); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			t.Fatalf("developer B finds A's macro: %v", err)
		}

		in1 := f.ask(t, f.custA, "TXA1", "", "환불해 주세요", "두 번 결제됐어요")
		in2 := f.ask(t, f.custA, "TXA2", "", "환불", "환불 부탁")
		inB := f.ask(t, f.custB, "TXB1", "", "refund", "please")
		// in2 carries the most tags an inquiry may: adding one fails, and
		// with it the reply and the note (all or nothing per inquiry).
		var full []string
		for i := range 20 {
			full = append(full, "t"+strings.Repeat("x", i))
		}
		_, err := f.inq.UpdateInquiry(f.asAgentA, in2.ID, vocdesk.InquiryUpdate{AddTags: full})
		must(t, err)

		wantCode(t, func() error { _, err := f.auto.ApplyMacro(f.as(f.devA, f.viewerA), m.ID, []int64{in1.ID}); return err }(), vocdesk.EFORBIDDEN)
		res, err := f.auto.ApplyMacro(f.asAgentA, m.ID, []int64{in1.ID, in2.ID, inB.ID, 987654})
		must(t, err)
		want := []string{"", vocdesk.EINVALID, vocdesk.ENOTFOUND, vocdesk.ENOTFOUND}
		for i, r := range res {
			if r.Code != want[i] {
				t.Fatalf("result %d = %+v, want code %q", i, r, want[i])
			}
		}
		if res[2].Error != res[3].Error {
			t.Fatalf("another developer's inquiry answers unlike a missing one: %q vs %q", res[2].Error, res[3].Error)
		}
		got, msgs, err := f.inq.FindThread(f.asAgentA, in1.ID)
		must(t, err)
		if got.Status != vocdesk.InquiryResolved || got.AssigneeID != f.agentA.ID || !slices.Contains(got.Tags, "refund") {
			t.Fatalf("after the macro: status %s assignee %d tags %v", got.Status, got.AssigneeID, got.Tags)
		}
		var reply, note bool
		for _, msg := range msgs {
			reply = reply || (msg.Author == vocdesk.AuthorDeveloper && !msg.Internal && msg.Body == "김민지님, TXA1 환불 요청을 접수했습니다. 에이전트 A")
			note = note || (msg.Internal && msg.Body == "환불 대기열로")
		}
		if !reply || !note {
			t.Fatalf("reply %t note %t in %d messages", reply, note, len(msgs))
		}
		_, msgs2, err := f.inq.FindThread(f.asAgentA, in2.ID)
		must(t, err)
		for _, msg := range msgs2 {
			if msg.Author == vocdesk.AuthorDeveloper || msg.Internal && msg.Author != vocdesk.AuthorSystem {
				t.Fatalf("a failed application left a message: %+v", msg)
			}
		}
		if n := f.countRows(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'macro.applied'`); n != 1 {
			t.Fatalf("%d macro.applied entries, want 1", n)
		}
		must(t, f.auto.DeleteMacro(f.asAdmin, m.ID))
		wantCode(t, f.auto.DeleteMacro(f.asAdmin, m.ID), vocdesk.ENOTFOUND)
	})
}

func TestRulesOnEvents(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newAutomationFixture(t, db)
		canned := &vocdesk.CannedReply{Name: "접수", Locale: "ko", Body: "{{customer.name}}님, 접수했습니다."}
		must(t, f.desk.CreateCannedReply(f.asAdmin, canned))
		vip := &vocdesk.Rule{Name: "VIP 환불", Enabled: true, Events: []vocdesk.RuleEvent{vocdesk.RuleOnCreated},
			Conditions: vocdesk.RuleConditions{Channels: []vocdesk.Channel{vocdesk.ChannelStore}, Apps: []string{"app-a"},
				Words: []string{"환불"}, MinSpend: &vocdesk.Money{Amount: 6700, Currency: "KRW"}, SLA: []string{vocdesk.SLAOK}},
			Actions: vocdesk.RuleActions{AddTags: []string{"VIP"}, Priority: vocdesk.PriorityUrgent, CannedReplyID: canned.ID}}
		wantCode(t, f.auto.CreateRule(f.asAgentA, vip), vocdesk.EFORBIDDEN)
		// Tenancy: another developer's app, member or canned reply.
		for _, bad := range []func(r *vocdesk.Rule){
			func(r *vocdesk.Rule) { r.Conditions.Apps = []string{"app-b"} },
			func(r *vocdesk.Rule) { r.Actions.AssigneeID = f.agentB.ID },
			func(r *vocdesk.Rule) { r.Actions.CannedReplyID = 987654 },
		} {
			r := *vip
			r.Name = "bad"
			bad(&r)
			wantCode(t, f.auto.CreateRule(f.asAdmin, &r), vocdesk.EINVALID)
		}
		must(t, f.auto.CreateRule(f.asAdmin, vip))
		replied := &vocdesk.Rule{Name: "다시 문의", Enabled: true, Events: []vocdesk.RuleEvent{vocdesk.RuleOnCustomerReplied},
			Actions: vocdesk.RuleActions{AddTags: []string{"followup"}}}
		must(t, f.auto.CreateRule(f.asAdmin, replied))
		closed := &vocdesk.Rule{Name: "종료", Enabled: true, Events: []vocdesk.RuleEvent{vocdesk.RuleOnStatusChanged},
			Actions: vocdesk.RuleActions{Priority: vocdesk.PriorityLow}}
		must(t, f.auto.CreateRule(f.asAdmin, closed))
		if _, err := f.auto.FindRule(f.as(f.devB, f.agentB), vip.ID); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			t.Fatalf("developer B finds A's rule: %v", err)
		}

		// Customer A has paid developer A 6,700 KRW: the rule holds.
		in := f.ask(t, f.custA, "TXA1", "", "환불 요청", "두 번 결제됐어요")
		if !slices.Contains(in.Tags, "vip") || in.Status != vocdesk.InquiryWaitingOnCustomer {
			t.Fatalf("created inquiry: tags %v status %s", in.Tags, in.Status)
		}
		if p, err := f.auto.FindPriority(f.asAgentA, in.ID); err != nil || p != vocdesk.PriorityUrgent {
			t.Fatalf("priority %q, %v", p, err)
		}
		_, msgs, err := f.inq.FindThread(f.asAgentA, in.ID)
		must(t, err)
		if last := msgs[len(msgs)-1]; last.Body != "김민지님, 접수했습니다." || last.AuthorName != "VIP 환불" {
			t.Fatalf("rule's reply: %+v", last)
		}
		// A retry of the same event applies nothing again.
		runs := f.countRows(t, `SELECT COUNT(*) FROM rule_runs`)
		must(t, db.RunRulesForTest(asOperator(), in.ID, vocdesk.RuleOnCreated, "created", "환불"))
		if n := f.countRows(t, `SELECT COUNT(*) FROM rule_runs`); n != runs {
			t.Fatalf("a replayed event ran rules again: %d runs, was %d", n, runs)
		}
		_, again, _ := f.inq.FindThread(f.asAgentA, in.ID)
		if len(again) != len(msgs) {
			t.Fatalf("a replayed event replied again: %d messages, was %d", len(again), len(msgs))
		}

		// Words, spend and app that do not hold.
		for _, c := range []struct{ subject, body string }{{"배송 문의", "아이템이 안 왔어요"}} {
			other := f.ask(t, f.custA, "TXA2", "", c.subject, c.body)
			if slices.Contains(other.Tags, "vip") {
				t.Fatalf("rule matched without its words: %v", other.Tags)
			}
		}
		// Twice each: the second creation reads the spend with the cached
		// set's version (readRules), the first after loading the set.
		vip.Conditions.MinSpend.Amount = 6701
		must(t, f.auto.UpdateRule(f.asAdmin, vip))
		for i := range 2 {
			if poor := f.ask(t, f.custA, "TXA2", "", "환불", "환불"); slices.Contains(poor.Tags, "vip") {
				t.Fatalf("rule matched below its spend (creation %d)", i+1)
			}
		}
		vip.Conditions.MinSpend.Amount = 6700
		must(t, f.auto.UpdateRule(f.asAdmin, vip))
		for i := range 2 {
			if rich := f.ask(t, f.custA, "TXA2", "", "환불", "환불"); !slices.Contains(rich.Tags, "vip") {
				t.Fatalf("rule did not match at its spend (creation %d)", i+1)
			}
		}
		vip.Conditions.MinSpend.Amount = 6701
		must(t, f.auto.UpdateRule(f.asAdmin, vip))

		// The customer replies: the reply rule tags it, once per message.
		must(t, f.inq.AddMessage(f.asCust, in.ID, &vocdesk.Message{Body: "아직인가요?"}))
		if got := f.reload(t, f.asAgentA, in.ID); !slices.Contains(got.Tags, "followup") {
			t.Fatalf("customer_replied rule: tags %v", got.Tags)
		}
		// A status change runs the status rule.
		_, err = f.inq.UpdateInquiry(f.asAgentA, in.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryResolved)})
		must(t, err)
		if p, _ := f.auto.FindPriority(f.asAgentA, in.ID); p != vocdesk.PriorityLow {
			t.Fatalf("status_changed rule: priority %s", p)
		}
		if n := f.countRows(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'rule.applied'`); n != 5 {
			t.Fatalf("%d rule.applied entries, want 5", n)
		}

		// A change made by another process (a row edited and its version
		// bumped) is seen on the next event: the cache checks the version.
		must(t, f.auto.UpdateRule(f.asAdmin, &vocdesk.Rule{ID: replied.ID, Name: replied.Name, Enabled: true,
			Events: replied.Events, Actions: replied.Actions}))
		_, err = f.db.RawForTest().Exec(f.db.RebindForTest(`UPDATE rules SET enabled = $1 WHERE id = $2`), false, replied.ID)
		must(t, err)
		_, err = f.db.RawForTest().Exec(f.db.RebindForTest(`UPDATE rule_sets SET version = version + 1 WHERE developer_id = $1`), f.devA.ID)
		must(t, err)
		must(t, f.inq.AddMessage(f.asCust, in.ID, &vocdesk.Message{Body: "또 문의"}))
		if n := f.countRows(t, `SELECT COUNT(*) FROM rule_runs WHERE rule_id = $1`, replied.ID); n != 1 {
			t.Fatalf("a disabled rule ran: %d runs", n)
		}
		must(t, f.auto.DeleteRule(f.asAdmin, vip.ID))
		wantCode(t, f.auto.DeleteRule(f.asAdmin, vip.ID), vocdesk.ENOTFOUND)
	})
}

func TestRoundRobin(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newAutomationFixture(t, db)
		away := f.member(t, "dev-a", "away@a.example", "Away A", vocdesk.RoleAgent)
		must(t, f.auto.SetAvailability(f.as(f.devA, away), away.ID, vocdesk.AvailabilityAway))
		// The admin sets themself away; an agent may not set another.
		must(t, f.auto.SetAvailability(f.asAdmin, f.adminA.ID, vocdesk.AvailabilityAway))
		wantCode(t, f.auto.SetAvailability(f.asAgentA, f.agentA2.ID, vocdesk.AvailabilityAway), vocdesk.EFORBIDDEN)
		wantCode(t, f.auto.SetAvailability(f.asAgentA, f.agentB.ID, vocdesk.AvailabilityAway), vocdesk.ENOTFOUND)
		av, err := f.auto.FindAvailability(f.asAgentA)
		must(t, err)
		if av[away.ID] != vocdesk.AvailabilityAway || av[f.agentA.ID] != vocdesk.AvailabilityIn {
			t.Fatalf("availability %v", av)
		}
		rr := &vocdesk.Rule{Name: "돌아가며", Enabled: true, Events: []vocdesk.RuleEvent{vocdesk.RuleOnCreated},
			Actions: vocdesk.RuleActions{AssignRoundRobin: true}}
		must(t, f.auto.CreateRule(f.asAdmin, rr))

		// The dry run follows the turn in memory and writes nothing.
		f.ask(t, f.custA, "TXA1", "", "첫 문의", "x")
		audits := f.countRows(t, `SELECT COUNT(*) FROM audit_log`)
		cursor := f.countRows(t, `SELECT last_member_id FROM rule_cursors WHERE rule_id = $1`, rr.ID)
		preview, err := f.auto.DryRunRule(f.asAdmin, rr)
		must(t, err)
		if len(preview) != 1 || !preview[0].Matched || !strings.Contains(strings.Join(preview[0].Actions, ";"), "Agent A2") {
			t.Fatalf("dry run %+v", preview[0])
		}
		if f.countRows(t, `SELECT COUNT(*) FROM audit_log`) != audits ||
			f.countRows(t, `SELECT last_member_id FROM rule_cursors WHERE rule_id = $1`, rr.ID) != cursor {
			t.Fatal("the dry run wrote")
		}
		wantCode(t, func() error { _, err := f.auto.DryRunRule(f.asAgentA, rr); return err }(), vocdesk.EFORBIDDEN)

		// Concurrent creations share the turn fairly between the two who are in.
		const n = 12
		var wg sync.WaitGroup
		ids := make([]int64, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := &vocdesk.Inquiry{TxID: "TXA2", Category: vocdesk.CategoryRefund, Subject: "동시에"}
				errs[i] = f.inq.CreateInquiry(asCustomer(f.custA), in, &vocdesk.Message{Body: "x"})
				ids[i] = in.AssigneeID
			}()
		}
		wg.Wait()
		count := map[int64]int{}
		for i := range n {
			must(t, errs[i])
			count[ids[i]]++
		}
		if len(count) != 2 || count[f.agentA.ID] != n/2 || count[f.agentA2.ID] != n/2 {
			t.Fatalf("turns %v; want %d each for %d and %d", count, n/2, f.agentA.ID, f.agentA2.ID)
		}
		// Nobody in: the inquiry is taken in unassigned.
		for _, m := range []*vocdesk.Member{f.agentA, f.agentA2} {
			must(t, f.auto.SetAvailability(f.asAdmin, m.ID, vocdesk.AvailabilityAway))
		}
		lone := f.ask(t, f.custA, "TXA1", "", "아무도 없나요", "x")
		if lone.AssigneeID != 0 {
			t.Fatalf("assigned to %d while everyone is away", lone.AssigneeID)
		}

		// Another process disables the rule (its row edited, the set's
		// version bumped): this process's cached set still has it, and the
		// creation must neither assign nor move its cursor (readRules takes
		// a turn ahead only while the version is the cached one).
		for _, m := range []*vocdesk.Member{f.agentA, f.agentA2} {
			must(t, f.auto.SetAvailability(f.asAdmin, m.ID, vocdesk.AvailabilityIn))
		}
		if in := f.ask(t, f.custA, "TXA1", "", "다시 있어요", "x"); in.AssigneeID == 0 {
			t.Fatal("not assigned with two agents in")
		}
		turn := f.countRows(t, `SELECT last_member_id FROM rule_cursors WHERE rule_id = $1`, rr.ID)
		_, err = f.db.RawForTest().Exec(f.db.RebindForTest(`UPDATE rules SET enabled = $1 WHERE id = $2`), false, rr.ID)
		must(t, err)
		_, err = f.db.RawForTest().Exec(f.db.RebindForTest(`UPDATE rule_sets SET version = version + 1 WHERE developer_id = $1`), f.devA.ID)
		must(t, err)
		if in := f.ask(t, f.custA, "TXA1", "", "꺼진 규칙", "x"); in.AssigneeID != 0 {
			t.Fatalf("a rule disabled elsewhere assigned %d", in.AssigneeID)
		}
		if got := f.countRows(t, `SELECT last_member_id FROM rule_cursors WHERE rule_id = $1`, rr.ID); got != turn {
			t.Fatalf("a rule disabled elsewhere moved its cursor: %d, was %d", got, turn)
		}
	})
}
