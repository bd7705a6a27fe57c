package sqlstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestInquiryPriority: an inquiry carries the priority rules and agents
// set (the row's copy, migration 00137), and the inbox keeps one priority's
// inquiries, in every shape of its query, counted the same, within the
// actor's scope.
func TestInquiryPriority(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newAutomationFixture(t, db)
		// A rule that tags and sets a priority (the batch's one update of
		// the row) and one that only sets a priority.
		must(t, f.auto.CreateRule(f.asAdmin, &vocdesk.Rule{Name: "긴급", Enabled: true, Events: []vocdesk.RuleEvent{vocdesk.RuleOnCreated},
			Conditions: vocdesk.RuleConditions{Words: []string{"긴급"}},
			Actions:    vocdesk.RuleActions{AddTags: []string{"hot"}, Priority: vocdesk.PriorityUrgent}}))
		must(t, f.auto.CreateRule(f.asAdmin, &vocdesk.Rule{Name: "재문의", Enabled: true, Events: []vocdesk.RuleEvent{vocdesk.RuleOnCustomerReplied},
			Actions: vocdesk.RuleActions{Priority: vocdesk.PriorityHigh}}))

		urgent := f.ask(t, f.custA, "TXA1", "", "긴급 환불", "긴급합니다")
		high := f.ask(t, f.custA, "TXA2", "", "환불", "환불해 주세요")
		must(t, f.inq.AddMessage(f.asCust, high.ID, &vocdesk.Message{Body: "아직인가요?"}))
		low := f.ask(t, f.custA, "TXA1", "", "문의", "궁금해요")
		must(t, f.auto.SetPriority(f.asAgentA, low.ID, vocdesk.PriorityLow))
		never := f.ask(t, f.custA, "TXA2", "", "문의 2", "궁금해요")
		back := f.ask(t, f.custA, "TXA1", "", "문의 3", "궁금해요")
		must(t, f.auto.SetPriority(f.asAgentA, back.ID, vocdesk.PriorityHigh))
		must(t, f.auto.SetPriority(f.asAgentA, back.ID, vocdesk.PriorityNormal))
		inB := f.ask(t, f.custB, "TXB1", "", "urgent", "긴급")

		want := map[vocdesk.Priority][]int64{
			vocdesk.PriorityUrgent: {urgent.ID},
			vocdesk.PriorityHigh:   {high.ID},
			vocdesk.PriorityLow:    {low.ID},
			vocdesk.PriorityNormal: {back.ID, never.ID},
		}
		for p, ids := range want {
			for _, id := range ids {
				if got := f.reload(t, f.asAgentA, id); got.Priority != p {
					t.Fatalf("inquiry %d: priority %q, want %q", id, got.Priority, p)
				}
			}
		}

		// Every shape of the inbox's query: no status (PostgreSQL's rows
		// during the walk), some statuses (its per-status merge), a tag,
		// each sort, a page at a time.
		filters := []vocdesk.InquiryFilter{{}, {Sort: "waiting"}, {Sort: "due"},
			{Status: []vocdesk.InquiryStatus{vocdesk.InquiryNew, vocdesk.InquiryOpen, vocdesk.InquiryWaitingOnCustomer}},
			{Snoozed: vocdesk.SnoozedHide}}
		for p, ids := range want {
			for _, base := range filters {
				base.Priority = p
				if got := inboxIDs(t, f.inq, f.asAgentA, base); !sameIDs(got, ids) {
					t.Fatalf("priority %s %+v: inquiries %v, want %v", p, base, got, ids)
				}
			}
			counts, err := f.inq.CountInquiries(f.asAgentA, vocdesk.InquiryFilter{Priority: p})
			must(t, err)
			n := 0
			for _, c := range counts {
				n += c
			}
			if n != len(ids) {
				t.Fatalf("priority %s: counted %d, want %d", p, n, len(ids))
			}
		}
		list, _, err := f.inq.FindInquiries(f.asAgentA, vocdesk.InquiryFilter{Priority: vocdesk.PriorityUrgent})
		must(t, err)
		if len(list) != 1 || list[0].Priority != vocdesk.PriorityUrgent || !slices.Contains(list[0].Tags, "hot") {
			t.Fatalf("inbox row: %+v", list)
		}
		if got := inboxIDs(t, f.inq, f.asAgentA, vocdesk.InquiryFilter{Tag: "hot", Priority: vocdesk.PriorityUrgent}); !sameIDs(got, []int64{urgent.ID}) {
			t.Fatalf("tag and priority: %v", got)
		}

		// Scope: developer B's urgent inquiries are B's own; the operator
		// sees both developers'.
		asB := f.as(f.devB, f.agentB)
		must(t, f.auto.SetPriority(asB, inB.ID, vocdesk.PriorityUrgent))
		if got := inboxIDs(t, f.inq, asB, vocdesk.InquiryFilter{Priority: vocdesk.PriorityUrgent}); !sameIDs(got, []int64{inB.ID}) {
			t.Fatalf("developer B's urgent: %v", got)
		}
		if got := inboxIDs(t, f.inq, f.asAgentA, vocdesk.InquiryFilter{Priority: vocdesk.PriorityUrgent}); !sameIDs(got, []int64{urgent.ID}) {
			t.Fatalf("developer A's urgent: %v", got)
		}
		if got := inboxIDs(t, f.inq, asOperator(), vocdesk.InquiryFilter{Priority: vocdesk.PriorityUrgent}); !sameIDs(got, []int64{urgent.ID, inB.ID}) {
			t.Fatalf("operator's urgent: %v", got)
		}
		_, _, err = f.inq.FindInquiries(f.asAgentA, vocdesk.InquiryFilter{Priority: "critical"})
		wantCode(t, err, vocdesk.EINVALID)
		_, err = f.inq.CountInquiries(f.asAgentA, vocdesk.InquiryFilter{Priority: "critical"})
		wantCode(t, err, vocdesk.EINVALID)
	})
}

// inboxIDs walks every page of f, one inquiry a page, and returns the ids.
func inboxIDs(t *testing.T, svc vocdesk.InquiryService, ctx context.Context, f vocdesk.InquiryFilter) []int64 {
	t.Helper()
	var ids []int64
	f.Limit = 1
	for {
		list, next, err := svc.FindInquiries(ctx, f)
		must(t, err)
		for _, in := range list {
			ids = append(ids, in.ID)
		}
		if next == "" {
			return ids
		}
		f.Cursor = next
	}
}

func sameIDs(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
