package sqlstore_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestSocialIntake: connectors are the developer's own; a post opens a
// social inquiry, the next post of the handle joins it until it is closed,
// the same webhook-id is one post, customer_email links a store customer,
// and the desk's answer is queued for the connector, not mailed.
func TestSocialIntake(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		soc := sqlstore.NewSocialService(db)
		asAdminA := f.as(f.devA, f.adminA)

		c := &vocdesk.SocialConnector{Network: "X", Name: "@ourgame", AppSlug: "app-a", ReplyURL: "https://relay.example/x"}
		must(t, soc.CreateConnector(asAdminA, c))
		if c.ID == 0 || len(c.Secret) < 20 || c.Network != "x" {
			t.Fatalf("connector %+v", c)
		}
		wantCode(t, soc.CreateConnector(f.asAgentA, &vocdesk.SocialConnector{Network: "x", Name: "n", AppSlug: "app-a"}), vocdesk.EFORBIDDEN)
		wantCode(t, soc.CreateConnector(asAdminA, &vocdesk.SocialConnector{Network: "x", Name: "n", AppSlug: "app-b"}), vocdesk.ENOTFOUND)
		wantCode(t, soc.CreateConnector(asAdminA, &vocdesk.SocialConnector{Network: "X Twitter", Name: "n", AppSlug: "app-a"}), vocdesk.EINVALID)
		wantCode(t, soc.CreateConnector(asAdminA, &vocdesk.SocialConnector{Network: "x", Name: "n", AppSlug: "app-a", ReplyURL: "ftp://x"}), vocdesk.EINVALID)
		list, err := soc.FindConnectors(f.asAgentA)
		must(t, err)
		if len(list) != 1 || list[0].Secret != "" || list[0].AppSlug != "app-a" {
			t.Fatalf("connectors %+v", list)
		}
		// Another developer's connector is not there.
		asAgentB := f.as(f.devB, f.agentB)
		list, err = soc.FindConnectors(asAgentB)
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("B sees %+v", list)
		}
		_, err = soc.SetReplyURL(f.as(f.devB, f.member(t, "dev-b", "admin@b.example", "Admin B", vocdesk.RoleAdmin)), c.ID, "https://evil.example")
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = soc.ConnectorForIntake(f.asAgentA, c.ID)
		wantCode(t, err, vocdesk.ENOTFOUND)

		post := func(handle, msg, id string) *vocdesk.SocialIntake {
			t.Helper()
			got, err := soc.ReceivePost(asOperator(), &vocdesk.SocialPost{ConnectorID: c.ID, Network: "x", Handle: handle,
				Message: msg, URL: "https://x.example/s/1", ExternalID: "ext-" + id}, "msg_"+id)
			must(t, err)
			return got
		}
		first := post("@Fan_1", "결제했는데 아이템이 없어요\n도와주세요", "1")
		if first.Continued || first.Duplicate || first.InquiryID == 0 {
			t.Fatalf("first post %+v", first)
		}
		in := f.reload(t, f.asAgentA, first.InquiryID)
		if in.Channel != vocdesk.ChannelSocial || in.CustomerName != "@fan_1" || in.Subject != "결제했는데 아이템이 없어요" || in.AppSlug != "app-a" {
			t.Fatalf("social inquiry %+v", in)
		}
		again := post("fan_1", "아직이요", "2")
		if !again.Continued || again.InquiryID != first.InquiryID {
			t.Fatalf("second post %+v", again)
		}
		if dup := post("fan_1", "아직이요", "2"); !dup.Duplicate || dup.MessageID != again.MessageID {
			t.Fatalf("replayed post %+v", dup)
		}
		_, msgs, err := f.inq.FindThread(f.asAgentA, first.InquiryID)
		must(t, err)
		if len(msgs) != 2 {
			t.Fatalf("thread of %d messages", len(msgs))
		}
		if other := post("someone", "hi", "3"); other.InquiryID == first.InquiryID {
			t.Fatal("another handle joined the thread")
		}

		// The developer answers: a reply for the connector, no mail.
		must(t, f.inq.AddMessage(f.asAgentA, first.InquiryID, &vocdesk.Message{Body: "확인해 보겠습니다"}))
		_, msgs, err = f.inq.FindThread(f.asAgentA, first.InquiryID)
		must(t, err)
		ref := msgs[len(msgs)-1].ID
		r, err := soc.ReplyForSending(asOperator(), ref)
		must(t, err)
		var body struct {
			Type string `json:"type"`
			Data struct {
				Handle    string `json:"handle"`
				InReplyTo string `json:"in_reply_to"`
				Body      string `json:"body"`
			} `json:"data"`
		}
		must(t, json.Unmarshal(r.Body, &body))
		if r.URL != "https://relay.example/x" || r.Secret != c.Secret || body.Type != "social.reply" ||
			body.Data.Handle != "fan_1" || body.Data.InReplyTo != "ext-2" || body.Data.Body != "확인해 보겠습니다" {
			t.Fatalf("reply %+v %+v", r, body)
		}
		dels, err := soc.FindReplyDeliveries(f.asAgentA, first.InquiryID)
		must(t, err)
		if d := dels[ref]; d == nil || d.State != vocdesk.SocialQueued {
			t.Fatalf("reply deliveries %+v", dels)
		}
		mails, err := sqlstore.NewMailService(db).FindDeliveries(asOperator(), first.InquiryID)
		must(t, err)
		if len(mails) != 0 {
			t.Fatalf("the social answer was mailed too: %+v", mails)
		}
		must(t, soc.RecordReply(asOperator(), ref, vocdesk.SocialAttempt{Status: 500, Error: "webhooks: the server answered 500 Internal Server Error",
			Reason: "net_status_body", Args: []string{"500 Internal Server Error", "busy"}}, false, false))
		// The failure's kind is kept beside its English (migration 00151).
		dels, err = soc.FindReplyDeliveries(f.asAgentA, first.InquiryID)
		must(t, err)
		if d := dels[ref]; d.LastError != "webhooks: the server answered 500 Internal Server Error" || d.LastReason != "net_status_body" ||
			fmt.Sprint(d.LastArgs) != "[500 Internal Server Error busy]" {
			t.Fatalf("kept failure %q %q %q", d.LastError, d.LastReason, d.LastArgs)
		}
		must(t, soc.RecordReply(asOperator(), ref, vocdesk.SocialAttempt{Status: 200}, true, false))
		must(t, soc.RecordReply(asOperator(), ref, vocdesk.SocialAttempt{Error: "late failure", Reason: "net_refused"}, false, true))
		dels, err = soc.FindReplyDeliveries(f.asAgentA, first.InquiryID)
		must(t, err)
		if d := dels[ref]; d.State != vocdesk.SocialDelivered || d.Attempts != 3 {
			t.Fatalf("after attempts %+v", d)
		}
		dels, err = soc.FindReplyDeliveries(asAgentB, first.InquiryID)
		must(t, err)
		if len(dels) != 0 {
			t.Fatalf("B sees A's reply deliveries")
		}

		// Closed: the handle's next post starts anew.
		_, err = f.inq.UpdateInquiry(f.asAgentA, first.InquiryID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryClosed)})
		must(t, err)
		if next := post("fan_1", "또 문의", "4"); next.Continued || next.InquiryID == first.InquiryID {
			t.Fatalf("post after closing %+v", next)
		}

		// customer_email links the store customer.
		linked, err := soc.ReceivePost(asOperator(), &vocdesk.SocialPost{ConnectorID: c.ID, Handle: "minji", Message: "환불",
			CustomerEmail: "MINJI.KIM@example.com"}, "msg_5")
		must(t, err)
		if got := f.reload(t, f.asCust, linked.InquiryID); got.CustomerID != f.custA.ID {
			t.Fatalf("linked %+v", got)
		}

		// Bad posts and deleted connectors.
		for _, p := range []*vocdesk.SocialPost{
			{ConnectorID: c.ID, Handle: "", Message: "x"},
			{ConnectorID: c.ID, Handle: "a", Message: ""},
			{ConnectorID: c.ID, Handle: "a", Message: "x", CustomerEmail: "nope"},
			{ConnectorID: c.ID, Handle: "a", Message: "x", Network: "instagram"},
		} {
			_, err := soc.ReceivePost(asOperator(), p, "msg_bad")
			wantCode(t, err, vocdesk.EINVALID)
		}
		_, err = soc.ReceivePost(f.asAgentA, &vocdesk.SocialPost{ConnectorID: c.ID, Handle: "a", Message: "x"}, "msg_6")
		wantCode(t, err, vocdesk.ENOTFOUND)
		wantCode(t, soc.DeleteConnector(asAgentB, c.ID), vocdesk.ENOTFOUND)
		must(t, soc.DeleteConnector(asAdminA, c.ID))
		_, err = soc.ReceivePost(asOperator(), &vocdesk.SocialPost{ConnectorID: c.ID, Handle: "a", Message: "x"}, "msg_7")
		wantCode(t, err, vocdesk.ENOTFOUND)
	})
}
