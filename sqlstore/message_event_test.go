package sqlstore_test

import (
	"context"
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

// Migration 00070 makes the team's events that older versions stored (as
// bilingual sentences, visible to both sides) internal, and leaves the
// customer's (a cancellation of their purchase) visible.
func TestOldEventsBecomeInternal(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newDeskFixture(t, db)
		in := f.ask(t, f.custA, "TXA1", "", "환불 요청합니다", "젬을 잘못 샀어요.")
		must(t, db.MigrateDownToForTest(ctx, 69))
		old := map[string]bool{ // body: internal after the migration
			"Assigned to 에이전트 A / 담당자: 에이전트 A":                                         true,
			"Unassigned / 담당자 해제":                                                      true,
			"Status: new → waiting_on_customer (에이전트 A)":                               true,
			"Escalated to the store: unanswered past the store's deadline / 답변 기한이 지나": true,
			"Refund of 9.99 USD failed: timeout. / 9.99 USD 환불에 실패했습니다.":               true,
			"Cancellation requested: 9.99 USD (duplicate_purchase). / 구매 취소가 요청되었습니다.": false,
		}
		raw := db.RawForTest()
		for body := range old {
			_, err := raw.ExecContext(ctx, db.RebindForTest(`INSERT INTO inquiry_messages (inquiry_id, author, author_id, author_name, body, internal, created_at)
				VALUES ($1, 'system', 0, '', $2, $3, 0)`), in.ID, body, false)
			must(t, err)
		}
		must(t, db.Migrate(ctx))

		_, team, err := f.inq.FindThread(f.asAgentA, in.ID)
		must(t, err)
		seen := 0
		for _, m := range team {
			if want, ok := old[m.Body]; ok {
				seen++
				if m.Internal != want || m.Event != nil {
					t.Errorf("%q: internal %v, event %v; want internal %v and no event", m.Body, m.Internal, m.Event, want)
				}
			}
		}
		if seen != len(old) {
			t.Errorf("the team reads %d of the %d old events", seen, len(old))
		}
		_, mine, err := f.inq.FindThread(f.asCust, in.ID)
		must(t, err)
		for _, m := range mine {
			if m.Author == vocdesk.AuthorSystem && old[m.Body] {
				t.Errorf("the customer reads %q", m.Body)
			}
		}
	})
}
