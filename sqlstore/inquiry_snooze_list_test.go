package sqlstore_test

import (
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestFindSnoozes: the inbox's snoozed filter reads each row's snooze in
// one call: a timed one with its time, one until the customer replies
// without; awake inquiries, another developer's and a customer's reads
// find none.
func TestFindSnoozes(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		snoozes := sqlstore.NewSnoozeService(db)
		timed := f.ask(t, f.custA, "TXA1", "", "timed", "a")
		reply := f.ask(t, f.custA, "TXA2", "", "reply", "b")
		awake := f.ask(t, f.custA, "", "app-a", "awake", "c")
		theirs := f.ask(t, f.custB, "TXB1", "", "B's", "d")
		until := f.now.Add(3 * time.Hour)
		_, err := snoozes.SnoozeInquiry(f.asAgentA, timed.ID, &until)
		must(t, err)
		_, err = snoozes.SnoozeInquiry(f.asAgentA, reply.ID, nil)
		must(t, err)
		asAgentB := f.as(f.devB, f.agentB)
		_, err = snoozes.SnoozeInquiry(asAgentB, theirs.ID, nil)
		must(t, err)
		ids := []int64{timed.ID, reply.ID, awake.ID, theirs.ID}

		got, err := snoozes.FindSnoozes(f.asAgentA, ids)
		must(t, err)
		if len(got) != 2 || got[timed.ID] == nil || got[timed.ID].Until == nil || !got[timed.ID].Until.Equal(until) ||
			got[reply.ID] == nil || got[reply.ID].Until != nil || got[reply.ID].ByName != f.agentA.Name {
			t.Fatalf("A's snoozes: %+v", got)
		}
		if got, err := snoozes.FindSnoozes(asAgentB, ids); err != nil || len(got) != 1 || got[theirs.ID] == nil {
			t.Fatalf("B's snoozes: %+v %v", got, err)
		}
		if got, err := snoozes.FindSnoozes(f.asCust, ids); err != nil || len(got) != 0 {
			t.Fatalf("the customer's: %+v %v", got, err)
		}
		if got, err := snoozes.FindSnoozes(f.asAgentA, nil); err != nil || len(got) != 0 {
			t.Fatalf("none asked: %+v %v", got, err)
		}
		_, err = snoozes.FindSnoozes(f.asAgentA, make([]int64, 501))
		wantCode(t, err, vocdesk.EINVALID)
	})
}
