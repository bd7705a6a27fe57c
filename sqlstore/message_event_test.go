package sqlstore_test

import (
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestThreadEvents: the workflow's events are stored as kind and values
// for each reader's page to word, and the team's own (assignment, status
// steps, escalation) never reach the customer, in the thread or the API.
func TestThreadEvents(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		in := f.ask(t, f.custA, "TXA1", "", "환불 요청합니다", "젬을 잘못 샀어요.")
		id := f.agentA.ID
		_, err := f.inq.UpdateInquiry(f.asAgentA, in.ID, vocdesk.InquiryUpdate{AssigneeID: &id, Status: status(vocdesk.InquiryWaitingOnCustomer)})
		must(t, err)

		_, team, err := f.inq.FindThread(f.asAgentA, in.ID)
		must(t, err)
		kinds := map[string]*vocdesk.Message{}
		for _, m := range team {
			if m.Author == vocdesk.AuthorSystem {
				if m.Event == nil {
					t.Fatalf("system message %q without its event", m.Body)
				}
				kinds[m.Event.Kind] = m
			}
		}
		as, st := kinds[vocdesk.EventAssigned], kinds[vocdesk.EventStatus]
		if as == nil || as.Event.Params["name"] != "에이전트 A" || !as.Internal {
			t.Errorf("assignment event %+v; want internal, naming the agent", as)
		}
		if st == nil || st.Event.Params["from"] != "new" || st.Event.Params["to"] != "waiting_on_customer" || !st.Internal {
			t.Errorf("status event %+v; want internal, new to waiting_on_customer", st)
		}
		if as != nil && as.Body != "Assigned to 에이전트 A" {
			t.Errorf("assignment sentence %q: one language, for the API", as.Body)
		}

		_, mine, err := f.inq.FindThread(f.asCust, in.ID)
		must(t, err)
		for _, m := range mine {
			if m.Author == vocdesk.AuthorSystem || m.Internal {
				t.Errorf("the customer reads %q", m.Body)
			}
		}
		if len(mine) != 1 {
			t.Errorf("the customer's thread has %d messages, want their question alone", len(mine))
		}
	})
}

// TestEventAudience pins which events the customer reads.
func TestEventAudience(t *testing.T) {
	for kind, teamOnly := range map[string]bool{
		vocdesk.EventAssigned: true, vocdesk.EventUnassigned: true, vocdesk.EventStatus: true,
		vocdesk.EventEscalated: true, vocdesk.EventRefundFailed: true,
		vocdesk.EventRefundRequested: false, vocdesk.EventRefundApproved: false,
		vocdesk.EventRefundRejected: false, vocdesk.EventRefundRefunded: false,
	} {
		if got := (vocdesk.MessageEvent{Kind: kind}).TeamOnly(); got != teamOnly {
			t.Errorf("%s: team only %v, want %v", kind, got, teamOnly)
		}
	}
}
