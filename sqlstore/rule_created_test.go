package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestCreatedRulesInsertOnce pins the created event's rules applied before
// the inquiry's row is written (rule_created.go): the row is inserted with
// its assignee, tags, priority and SLA deadlines and never updated in the
// creation, and what is stored equals what the rules give when run after
// the row exists, as every other event's are (runRules, replayed here on an
// inquiry created before the rules were).
func TestCreatedRulesInsertOnce(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newAutomationFixture(t, db)
		// Created before the rules: the replay's inquiry.
		old := f.ask(t, f.custA, "TXA1", "", "환불 요청", "두 번 결제됐어요")

		on := []vocdesk.RuleEvent{vocdesk.RuleOnCreated}
		for _, r := range []*vocdesk.Rule{
			{Name: "태그", Enabled: true, Events: on, Conditions: vocdesk.RuleConditions{Words: []string{"결제"},
				MinSpend: &vocdesk.Money{Amount: 1000, Currency: "KRW"}, SLA: []string{vocdesk.SLAOK}},
				Actions: vocdesk.RuleActions{AddTags: []string{"VIP", "b"}, Priority: vocdesk.PriorityHigh}},
			{Name: "배정", Enabled: true, Events: on, Actions: vocdesk.RuleActions{AssigneeID: f.agentA2.ID, AddTags: []string{"a"}}},
			{Name: "안 맞음", Enabled: true, Events: on, Conditions: vocdesk.RuleConditions{Words: []string{"배송"}},
				Actions: vocdesk.RuleActions{Priority: vocdesk.PriorityLow}},
		} {
			must(t, f.auto.CreateRule(f.asAdmin, r))
		}

		// Every write of an inquiry's row after its INSERT is counted.
		raw := db.RawForTest()
		ddl := []string{`CREATE TABLE test_row_updates (inquiry_id BIGINT)`,
			`CREATE TRIGGER test_row_updates AFTER UPDATE ON inquiries BEGIN INSERT INTO test_row_updates VALUES (NEW.id); END`}
		if db.Dialect() == "postgres" {
			ddl[1] = `CREATE FUNCTION test_row_updates() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN INSERT INTO test_row_updates VALUES (NEW.id); RETURN NULL; END $$`
			ddl = append(ddl, `CREATE TRIGGER test_row_updates AFTER UPDATE ON inquiries FOR EACH ROW EXECUTE FUNCTION test_row_updates()`)
		}
		for _, q := range ddl {
			_, err := raw.Exec(q)
			must(t, err)
		}

		in := f.ask(t, f.custA, "TXA1", "", "환불 요청", "두 번 결제됐어요")
		if n := f.countRows(t, `SELECT COUNT(*) FROM test_row_updates WHERE inquiry_id = $1`, in.ID); n != 0 {
			t.Fatalf("the new inquiry's row was updated %d times in its creation, want 0", n)
		}
		if in.AssigneeID != f.agentA2.ID || in.Priority != vocdesk.PriorityHigh || strings.Join(in.Tags, ",") != "a,b,vip" {
			t.Fatalf("the caller's copy: assignee %d priority %s tags %v", in.AssigneeID, in.Priority, in.Tags)
		}
		// The SLA clock started with the row, as startWait would have.
		var created, waiting, due, dueSoon, escalate, waitSort, dueSort, statsDue int64
		must(t, raw.QueryRow(db.RebindForTest(`SELECT i.created_at, i.waiting_since, i.due_at, i.due_soon_at, i.escalate_at,
			i.wait_sort, i.due_sort, s.due_at FROM inquiries i JOIN inquiry_stats s ON s.inquiry_id = i.id WHERE i.id = $1`), in.ID).
			Scan(&created, &waiting, &due, &dueSoon, &escalate, &waitSort, &dueSort, &statsDue))
		if waiting != created || waitSort != created || dueSort != due || statsDue != due || due <= created ||
			dueSoon <= created || dueSoon > due || escalate <= created {
			t.Fatalf("SLA columns: created %d waiting %d due %d soon %d escalate %d sorts %d %d stats %d",
				created, waiting, due, dueSoon, escalate, waitSort, dueSort, statsDue)
		}

		// The creation's entry and the rules' went in as one INSERT, in order.
		var actions []string
		rows, err := raw.Query(db.RebindForTest(`SELECT action FROM audit_log WHERE entity = 'inquiry' AND entity_id = $1 ORDER BY id`),
			fmt.Sprint(in.ID))
		must(t, err)
		for rows.Next() {
			var a string
			must(t, rows.Scan(&a))
			actions = append(actions, a)
		}
		must(t, rows.Err())
		rows.Close()
		if strings.Join(actions, ",") != "inquiry.created,rule.applied" {
			t.Fatalf("audit entries %v", actions)
		}

		// The same rules run after the row exists (the path of every other
		// event) store the same.
		must(t, db.RunRulesForTest(asOperator(), old.ID, vocdesk.RuleOnCreated, "created", "두 번 결제됐어요"))
		got, want := storedRuleResult(t, f, in.ID), storedRuleResult(t, f, old.ID)
		if got != want {
			t.Fatalf("applied before the INSERT:\n%s\nafter it:\n%s", got, want)
		}
		for _, w := range []string{"assignee " + fmt.Sprint(f.agentA2.ID), `tags ["a","b","vip"]`, "priority high high",
			"runs 2", `"actions":["tag: vip","tag: b","priority: high"]`, "Assigned to Agent A2"} {
			if !strings.Contains(got, w) {
				t.Fatalf("stored result lacks %q:\n%s", w, got)
			}
		}
	})
}

// storedRuleResult renders what an inquiry's created rules stored, without
// its ids and times: the row's workflow columns, its tags' and priority's
// rows, the runs, the system events and the rule.applied audit entry.
func storedRuleResult(t *testing.T, f *automationFixture, id int64) string {
	t.Helper()
	raw, q := f.db.RawForTest(), f.db.RebindForTest
	var b strings.Builder
	var assignee int64
	var tags, priority, status string
	must(t, raw.QueryRow(q(`SELECT COALESCE(assignee_id, 0), tags, priority, status FROM inquiries WHERE id = $1`), id).
		Scan(&assignee, &tags, &priority, &status))
	var kept string
	must(t, raw.QueryRow(q(`SELECT priority FROM inquiry_priorities WHERE inquiry_id = $1`), id).Scan(&kept))
	fmt.Fprintf(&b, "assignee %d\ntags %s\npriority %s %s\nstatus %s\n", assignee, tags, priority, kept, status)
	fmt.Fprintf(&b, "tag rows %d\nruns %d\n", f.countRows(t, `SELECT COUNT(*) FROM inquiry_tags WHERE inquiry_id = $1`, id),
		f.countRows(t, `SELECT COUNT(*) FROM rule_runs WHERE inquiry_id = $1 AND event = 'created'`, id))
	rows, err := raw.Query(q(`SELECT body, internal, event FROM inquiry_messages WHERE inquiry_id = $1 AND author = 'system' ORDER BY id`), id)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var body, event string
		var internal bool
		must(t, rows.Scan(&body, &internal, &event))
		fmt.Fprintf(&b, "event %s %v %s\n", body, internal, event)
	}
	must(t, rows.Err())
	var actor, before, after string
	must(t, raw.QueryRow(q(`SELECT actor_name, before_json, after_json FROM audit_log
		WHERE action = 'rule.applied' AND entity = 'inquiry' AND entity_id = $1`), fmt.Sprint(id)).Scan(&actor, &before, &after))
	fmt.Fprintf(&b, "audit %s\nbefore %s\nafter %s\n", actor, before, after)
	return b.String()
}
