package sqlstore_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestRulesTogether runs three rules that match one creation, applied
// together (rule_batch.go): a reply first, then tags with a priority, then
// an assignment in turn. Each does its part once, the later priority wins,
// the reply's status survives the assignment written with it, and the event
// has one audit entry naming all three.
func TestRulesTogether(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newAutomationFixture(t, db)
		canned := &vocdesk.CannedReply{Name: "접수", Locale: "ko", Body: "{{customer.name}}님, 접수했습니다."}
		must(t, f.desk.CreateCannedReply(f.asAdmin, canned))
		on := []vocdesk.RuleEvent{vocdesk.RuleOnCreated}
		rules := []*vocdesk.Rule{
			{Name: "답장", Enabled: true, Events: on,
				Actions: vocdesk.RuleActions{CannedReplyID: canned.ID, AddTags: []string{"B", "c"}, Priority: vocdesk.PriorityLow}},
			{Name: "태그", Enabled: true, Events: on, Actions: vocdesk.RuleActions{AddTags: []string{"a", "b"}, Priority: vocdesk.PriorityUrgent}},
			{Name: "배정", Enabled: true, Events: on, Actions: vocdesk.RuleActions{AssignRoundRobin: true}},
		}
		for _, r := range rules {
			must(t, f.auto.CreateRule(f.asAdmin, r))
		}
		in := f.ask(t, f.custA, "TXA1", "", "환불", "두 번 결제됐어요")
		got := f.reload(t, f.asAgentA, in.ID)
		if !slices.Equal(got.Tags, []string{"a", "b", "c"}) {
			t.Fatalf("tags %v, want [a b c]", got.Tags)
		}
		if got.Status != vocdesk.InquiryWaitingOnCustomer || got.AssigneeID == 0 {
			t.Fatalf("status %s assignee %d: the reply's status and the assignment both hold", got.Status, got.AssigneeID)
		}
		if in.Status != got.Status || in.AssigneeID != got.AssigneeID {
			t.Fatalf("the caller's copy: status %s assignee %d, stored %s %d", in.Status, in.AssigneeID, got.Status, got.AssigneeID)
		}
		if p, err := f.auto.FindPriority(f.asAgentA, in.ID); err != nil || p != vocdesk.PriorityUrgent {
			t.Fatalf("priority %q, %v; want the later rule's, urgent", p, err)
		}
		_, msgs, err := f.inq.FindThread(f.asAgentA, in.ID)
		must(t, err)
		var assigned, replies int
		for _, m := range msgs {
			if m.Event != nil && m.Event.Kind == vocdesk.EventAssigned {
				assigned++
			}
			if m.AuthorName == "답장" {
				replies++
			}
		}
		if assigned != 1 || replies != 1 {
			t.Fatalf("%d assignment events and %d replies, want 1 each", assigned, replies)
		}
		// A developer's counts follow the status the inquiry ended in.
		if n := f.countRows(t, `SELECT n FROM inquiry_counts WHERE developer_id = $1 AND status = 'waiting_on_customer'`, f.devA.ID); n != 1 {
			t.Fatalf("waiting_on_customer count %d, want 1", n)
		}
		if n := f.countRows(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'rule.applied'`); n != 1 {
			t.Fatalf("%d rule.applied entries for one event, want 1", n)
		}
		var actor, after string
		must(t, db.RawForTest().QueryRow(db.RebindForTest(`SELECT actor_name, after_json FROM audit_log
			WHERE action = 'rule.applied' AND entity = 'inquiry' AND entity_id = $1`), strconv.FormatInt(in.ID, 10)).Scan(&actor, &after))
		if actor != "답장, 태그, 배정" {
			t.Fatalf("actor %q", actor)
		}
		for _, want := range []string{`"event":"created"`, `"reply: 접수"`, `"tag: a"`, `"priority: urgent"`, `"assign (round-robin): `} {
			if !strings.Contains(after, want) {
				t.Fatalf("audit entry %s lacks %s", after, want)
			}
		}
		if n := f.countRows(t, `SELECT COUNT(*) FROM rule_runs WHERE inquiry_id = $1`, in.ID); n != 3 {
			t.Fatalf("%d runs, want 3", n)
		}
	})
}
