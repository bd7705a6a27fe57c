package sqlstore_test

import (
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestSocialWebhookIDPurgeAndThread: the sweep forgets webhook-ids older
// than it keeps, and only those (a newer id still answers as a duplicate);
// the desk reads a social inquiry's thread with its post's URL, another
// developer finds nothing, customers and other channels get nil.
func TestSocialWebhookIDPurgeAndThread(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		soc := sqlstore.NewSocialService(db)
		c := &vocdesk.SocialConnector{Network: "x", Name: "@ourgame", AppSlug: "app-a"}
		must(t, soc.CreateConnector(f.as(f.devA, f.adminA), c))
		post := func(handle, id string) *vocdesk.SocialIntake {
			t.Helper()
			got, err := soc.ReceivePost(asOperator(), &vocdesk.SocialPost{ConnectorID: c.ID, Handle: handle, Message: "안녕하세요",
				URL: "https://x.example/s/" + id}, id)
			must(t, err)
			return got
		}
		old := post("early", "msg_old")
		f.now = f.now.Add(11 * time.Minute)
		post("late", "msg_new")

		_, err := soc.PurgeWebhookIDs(f.asAgentA, 10*time.Minute)
		wantCode(t, err, vocdesk.ENOTFOUND)
		n, err := soc.PurgeWebhookIDs(asOperator(), 10*time.Minute)
		must(t, err)
		if n != 1 {
			t.Fatalf("purged %d, want the older one", n)
		}
		if again := post("late", "msg_new"); !again.Duplicate {
			t.Fatalf("the kept id is not a duplicate: %+v", again)
		}
		if n, _ := soc.PurgeWebhookIDs(asOperator(), 10*time.Minute); n != 0 {
			t.Fatalf("second purge: %d", n)
		}

		th, err := soc.FindSocialThread(f.asAgentA, old.InquiryID)
		must(t, err)
		if th == nil || th.URL != "https://x.example/s/msg_old" || th.Handle != "early" || th.Network != "x" || th.Connector != "@ourgame" {
			t.Fatalf("thread %+v", th)
		}
		_, err = soc.FindSocialThread(f.as(f.devB, f.agentB), old.InquiryID)
		wantCode(t, err, vocdesk.ENOTFOUND)
		store := f.ask(t, f.custA, "TXA1", "", "store", "b")
		if th, err := soc.FindSocialThread(f.asAgentA, store.ID); err != nil || th != nil {
			t.Fatalf("a store inquiry's social thread: %+v %v", th, err)
		}
	})
}
