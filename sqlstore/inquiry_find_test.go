package sqlstore_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestInquiryPaging walks every sort a page at a time and checks that each
// inquiry comes exactly once, in order.
func TestInquiryPaging(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		const n = 23
		for k := range n {
			// Several share a second, so ties are broken by id.
			f.now = wed.Add(time.Duration(k/3) * time.Minute)
			in := f.ask(t, f.custA, "", "app-a", fmt.Sprintf("q%d", k), "body")
			if k%4 == 0 { // answered: nothing waits
				must(t, f.inq.AddMessage(f.asAgentA, in.ID, &vocdesk.Message{Body: "answer"}))
			}
		}
		f.ask(t, f.custB, "TXB1", "", "other developer", "body")
		newOnes, waiting := []vocdesk.InquiryStatus{vocdesk.InquiryNew}, vocdesk.InquiryWaitingOnCustomer
		for _, c := range []struct {
			sort   string
			status []vocdesk.InquiryStatus
			want   int
		}{
			{"newest", nil, n}, {"waiting", nil, n}, {"due", nil, n},
			// PostgreSQL merges a walk per status (inboxShapeOf); a repeat
			// is one walk.
			{"newest", append(newOnes, waiting, vocdesk.InquiryNew), n},
			{"newest", append(newOnes, vocdesk.InquiryClosed), n - 6},
			{"newest", newOnes, n - 6},
			{"waiting", append(newOnes, vocdesk.InquiryClosed), n - 6},
		} {
			sort := c.sort
			seen := map[int64]bool{}
			var prev *vocdesk.Inquiry
			cursor := ""
			pages := 0
			for {
				list, next, err := f.inq.FindInquiries(f.asAgentA, vocdesk.InquiryFilter{Sort: sort, Status: c.status, Limit: 5, Cursor: cursor})
				must(t, err)
				pages++
				for _, in := range list {
					if c.status != nil && !slices.Contains(c.status, in.Status) {
						t.Fatalf("%s %v: inquiry %d is %s", sort, c.status, in.ID, in.Status)
					}
					if seen[in.ID] {
						t.Fatalf("%s: inquiry %d twice", sort, in.ID)
					}
					seen[in.ID] = true
					// The developer's row is read once per page (pageJoins).
					if in.DeveloperSlug != "dev-a" || in.DeveloperID != f.devA.ID || in.AppSlug != "app-a" {
						t.Fatalf("%s: inquiry %d of %s (%d), app %s", sort, in.ID, in.DeveloperSlug, in.DeveloperID, in.AppSlug)
					}
					if prev != nil && !inOrder(sort, prev, in) {
						t.Fatalf("%s: %d before %d out of order", sort, prev.ID, in.ID)
					}
					prev = in
				}
				if next == "" {
					break
				}
				cursor = next
			}
			if want := (c.want + 4) / 5; len(seen) != c.want || pages != want {
				t.Fatalf("%s %v: %d inquiries in %d pages, want %d in %d", sort, c.status, len(seen), pages, c.want, want)
			}
		}
		_, _, err := f.inq.FindInquiries(f.asAgentA, vocdesk.InquiryFilter{Sort: "due", Cursor: "bm9wZQ"})
		wantCode(t, err, vocdesk.EINVALID)
	})
}

func key(sort string, in *vocdesk.Inquiry) int64 {
	switch sort {
	case "waiting":
		if in.WaitingSince != nil {
			return in.WaitingSince.UnixMicro()
		}
	case "due":
		if in.DueAt != nil {
			return in.DueAt.UnixMicro()
		}
	default:
		return -in.CreatedAt.UnixMicro()
	}
	return 1 << 62
}

func inOrder(sort string, a, b *vocdesk.Inquiry) bool {
	ka, kb := key(sort, a), key(sort, b)
	if sort == "newest" {
		return ka < kb || (ka == kb && a.ID > b.ID)
	}
	return ka < kb || (ka == kb && a.ID < b.ID)
}

func TestInquiryFilters(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		a1 := f.ask(t, f.custA, "TXA1", "", "refund please", "b")
		f.now = f.now.Add(time.Hour)
		a2 := &vocdesk.Inquiry{AppSlug: "app-a", Category: vocdesk.CategoryBug, Subject: "crash"}
		must(t, f.inq.CreateInquiry(f.asCust, a2, &vocdesk.Message{Body: "it crashes"}))
		f.now = f.now.Add(time.Hour)
		// An operator's integration (api): a phone call without recorded
		// consent would be kept from the customer filter (TestCallConsent).
		a3 := &vocdesk.Inquiry{AppSlug: "app-a", CustomerID: f.custB.ID, Channel: vocdesk.ChannelAPI, Category: vocdesk.CategoryPayment, Subject: "call"}
		must(t, f.inq.CreateInquiry(asOperator(), a3, &vocdesk.Message{Body: "charged twice"}))
		_, err := f.inq.UpdateInquiry(f.asAgentA, a2.ID, vocdesk.InquiryUpdate{AssigneeID: &f.agentA.ID, AddTags: []string{"crash"}})
		must(t, err)
		must(t, f.inq.AddMessage(f.asAgentA, a1.ID, &vocdesk.Message{Body: "ok"}))

		ids := func(flt vocdesk.InquiryFilter) string {
			t.Helper()
			list, _, err := f.inq.FindInquiries(f.asAgentA, flt)
			must(t, err)
			var s []string
			for _, in := range list {
				s = append(s, fmt.Sprint(in.ID))
			}
			return strings.Join(s, ",")
		}
		id := func(ins ...*vocdesk.Inquiry) string {
			var s []string
			for _, in := range ins {
				s = append(s, fmt.Sprint(in.ID))
			}
			return strings.Join(s, ",")
		}
		f.now = f.now.Add(time.Minute)
		checks := []struct {
			name string
			flt  vocdesk.InquiryFilter
			want string
		}{
			{"all", vocdesk.InquiryFilter{}, id(a3, a2, a1)},
			{"status multi", vocdesk.InquiryFilter{Status: []vocdesk.InquiryStatus{vocdesk.InquiryNew, vocdesk.InquiryWaitingOnCustomer}}, id(a3, a2, a1)},
			{"status", vocdesk.InquiryFilter{Status: []vocdesk.InquiryStatus{vocdesk.InquiryWaitingOnCustomer}}, id(a1)},
			{"category", vocdesk.InquiryFilter{Category: vocdesk.CategoryBug}, id(a2)},
			{"channel", vocdesk.InquiryFilter{Channel: vocdesk.ChannelAPI}, id(a3)},
			{"app", vocdesk.InquiryFilter{AppSlug: "app-a"}, id(a3, a2, a1)},
			{"app of another", vocdesk.InquiryFilter{AppSlug: "app-b"}, ""},
			{"assignee", vocdesk.InquiryFilter{AssigneeID: f.agentA.ID}, id(a2)},
			{"unassigned", vocdesk.InquiryFilter{AssigneeID: -1}, id(a3, a1)},
			{"tag", vocdesk.InquiryFilter{Tag: "Crash"}, id(a2)},
			{"customer", vocdesk.InquiryFilter{CustomerID: f.custB.ID}, id(a3)},
			{"txid", vocdesk.InquiryFilter{TxID: "TXA1"}, id(a1)},
			{"date range", vocdesk.InquiryFilter{From: wed.Add(30 * time.Minute), To: wed.Add(90 * time.Minute)}, id(a2)},
			{"sla none", vocdesk.InquiryFilter{SLA: vocdesk.SLANone}, id(a1)},
			{"sla ok", vocdesk.InquiryFilter{SLA: vocdesk.SLAOK}, id(a3, a2)},
			{"escalated", vocdesk.InquiryFilter{Escalated: true}, ""},
		}
		for _, c := range checks {
			if got := ids(c.flt); got != c.want {
				t.Errorf("%s: %s, want %s", c.name, got, c.want)
			}
		}
		// a2 (Wednesday 11:00) is due Thursday 10:00, a3 (12:00) Thursday
		// 11:00: both in their last quarter at 09:30, a2 past due at 10:30.
		f.now = time.Date(2026, 3, 5, 9, 30, 0, 0, vocdesk.Seoul)
		if got := ids(vocdesk.InquiryFilter{SLA: vocdesk.SLADueSoon}); got != id(a3, a2) {
			t.Errorf("due soon at Thursday 09:30: %s, want %s", got, id(a3, a2))
		}
		f.now = time.Date(2026, 3, 5, 10, 30, 0, 0, vocdesk.Seoul)
		if got := ids(vocdesk.InquiryFilter{SLA: vocdesk.SLABreached}); got != id(a2) {
			t.Errorf("breached at Thursday 10:30: %s, want %s", got, id(a2))
		}
		counts, err := f.inq.CountInquiries(f.asAgentA, vocdesk.InquiryFilter{Category: vocdesk.CategoryBug})
		must(t, err)
		if counts[vocdesk.InquiryNew] != 1 || counts[vocdesk.InquiryWaitingOnCustomer] != 0 {
			t.Errorf("filtered counts %v", counts)
		}
		counts, err = f.inq.CountInquiries(f.asAgentA, vocdesk.InquiryFilter{})
		must(t, err)
		if counts[vocdesk.InquiryNew] != 2 || counts[vocdesk.InquiryWaitingOnCustomer] != 1 {
			t.Errorf("tab counts %v", counts)
		}
		_, _, err = f.inq.FindInquiries(f.asAgentA, vocdesk.InquiryFilter{SLA: "late"})
		wantCode(t, err, vocdesk.EINVALID)
		_, _, err = f.inq.FindInquiries(f.asAgentA, vocdesk.InquiryFilter{Sort: "oldest"})
		wantCode(t, err, vocdesk.EINVALID)
	})
}

// TestInquiryPlans checks that the inbox's queries walk an index in the
// sort's order on both engines, rather than sorting the developer's rows.
// bench/desk -explain shows the plans on a loaded database.
func TestInquiryPlans(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		if db.Dialect() == "postgres" {
			// Small tables make sequential scans cheapest; the plan with
			// indexes is what a large inbox gets.
			db.RawForTest().SetMaxOpenConns(1)
			_, err := db.RawForTest().Exec(`SET enable_seqscan = off`)
			must(t, err)
		}
		dev := &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: f.devA.ID, Role: vocdesk.RoleAgent}
		op := vocdesk.SystemActor()
		for _, c := range []struct {
			who  *vocdesk.Actor
			flt  vocdesk.InquiryFilter
			want string
		}{
			{dev, vocdesk.InquiryFilter{}, "inquiries_dev_new"},
			{dev, vocdesk.InquiryFilter{Sort: "waiting"}, "inquiries_dev_wait"},
			{dev, vocdesk.InquiryFilter{Sort: "due"}, "inquiries_dev_due"},
			{dev, vocdesk.InquiryFilter{Status: []vocdesk.InquiryStatus{vocdesk.InquiryOpen}}, "inquiries_dev_"}, // _new or _status_new: both ordered, both carry status
			// The operator's store-wide lists.
			{op, vocdesk.InquiryFilter{}, "inquiries_new"},
			{op, vocdesk.InquiryFilter{Sort: "waiting"}, "inquiries_wait"},
			{op, vocdesk.InquiryFilter{Sort: "due"}, "inquiries_due"},
		} {
			plan, err := db.ExplainInquiriesForTest(asOperator(), c.who, c.flt)
			must(t, err)
			// The page's ids come from a walk of the sort's index; the one
			// sort allowed is of the page's own rows after the join.
			if !strings.Contains(plan, c.want) || strings.Count(plan, "TEMP B-TREE") > 1 || strings.Count(plan, "Sort Key") > 1 {
				t.Errorf("%s %+v: plan\n%s\nwant a walk of %s and no sort but the page's", c.who.Realm, c.flt, plan, c.want)
			}
		}
		if db.Dialect() == "postgres" {
			// A developer's inquiries of some statuses: one walk per status,
			// merged in the sort's order, not a sort (on large tables the
			// walks are of inquiries_dev_status_*: bench/desk -explain).
			for _, sort := range []string{"newest", "waiting", "due"} {
				plan, err := db.ExplainInquiriesForTest(asOperator(), dev, vocdesk.InquiryFilter{Sort: sort, Status: []vocdesk.InquiryStatus{vocdesk.InquiryNew, vocdesk.InquiryOpen}})
				must(t, err)
				if strings.Count(plan, "Index Scan using inquiries_dev_") != 2 || !strings.Contains(plan, "Merge Append") || strings.Count(plan, "Sort Key") != 1 {
					t.Errorf("new and open, %s: plan\n%s\nwant two walks of a developer's index merged, and no sort", sort, plan)
				}
			}
		}
		plan, err := db.ExplainInquiriesForTest(asOperator(), dev, vocdesk.InquiryFilter{Q: "환불"})
		must(t, err)
		if db.Dialect() == "sqlite" && !strings.Contains(plan, "VIRTUAL TABLE INDEX") {
			t.Errorf("search plan does not start from the FTS index:\n%s", plan)
		}
		t.Logf("%s search plan:\n%s", db.Dialect(), plan)
	})
}
