package sqlstore_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestMergeMovesNotificationsAndTellsWebhooks: a mention on the merged
// inquiry opens the survivor after the merge and the merged inquiry again
// after an undo; a mention on the survivor stays where it is; the
// developer's server hears inquiry.merged and inquiry.merge_undone.
func TestMergeMovesNotificationsAndTellsWebhooks(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		merges := sqlstore.NewMergeService(db)
		ns := sqlstore.NewNotificationService(db)
		hooks := sqlstore.NewWebhookService(db)
		asAdmin := f.as(f.devA, f.adminA)
		_, err := hooks.SetWebhook(asAdmin, "https://hooks.example/a", false)
		must(t, err)
		sv := f.ask(t, f.custA, "TXA1", "", "첫 문의", "a")
		f.now = f.now.Add(time.Minute)
		m := f.ask(t, f.custA, "TXA2", "", "두 번째", "b")
		f.now = f.now.Add(time.Minute)
		must(t, f.inq.AddMessage(f.asAgentA, m.ID, &vocdesk.Message{Body: "@Admin A 이것 좀", Internal: true}))
		must(t, f.inq.AddMessage(f.asAgentA, sv.ID, &vocdesk.Message{Body: "@Admin A 이쪽도", Internal: true}))
		f.now = f.now.Add(time.Minute)
		where := func() map[string]int64 {
			t.Helper()
			list, err := ns.FindNotifications(asAdmin, vocdesk.NotificationFilter{})
			must(t, err)
			out := map[string]int64{}
			for _, n := range list {
				out[n.Excerpt] = n.InquiryID
			}
			if len(out) != 2 {
				t.Fatalf("notifications %+v", list)
			}
			return out
		}
		excerptOf := func(part string) string {
			for k := range where() {
				if strings.Contains(k, part) {
					return k
				}
			}
			t.Fatalf("no notification saying %q", part)
			return ""
		}
		onM, onSV := excerptOf("이것"), excerptOf("이쪽")

		g, err := merges.MergeInquiry(f.asAgentA, m.ID, sv.ID)
		must(t, err)
		if got := where(); got[onM] != sv.ID || got[onSV] != sv.ID {
			t.Fatalf("after the merge the mentions open %v, want both #%d", got, sv.ID)
		}
		f.now = f.now.Add(time.Minute)
		must(t, merges.UndoMerge(f.asAgentA, m.ID))
		if got := where(); got[onM] != m.ID || got[onSV] != sv.ID {
			t.Fatalf("after the undo the mentions open %v, want #%d and #%d", got, m.ID, sv.ID)
		}

		ds, _, err := hooks.FindWebhookDeliveries(asAdmin, vocdesk.WebhookDeliveryFilter{})
		must(t, err)
		want := `"merge_id":` + strconv.FormatInt(g.ID, 10) + `,"inquiry_id":` + strconv.FormatInt(m.ID, 10) + `,"survivor_id":` + strconv.FormatInt(sv.ID, 10)
		seen := map[string]bool{}
		for _, d := range ds {
			if d.Type == vocdesk.EventInquiryMerged || d.Type == vocdesk.EventInquiryMergeUndone {
				if !strings.Contains(string(d.Body), want) || strings.Contains(string(d.Body), "TXA") {
					t.Errorf("%s: %s", d.Type, d.Body)
				}
				seen[d.Type] = true
			}
		}
		if !seen[vocdesk.EventInquiryMerged] || !seen[vocdesk.EventInquiryMergeUndone] {
			t.Fatalf("merge webhooks seen: %v of %d deliveries", seen, len(ds))
		}
	})
}
