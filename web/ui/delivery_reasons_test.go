package ui_test

import (
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// TestKoWebhookFailures: the delivery log words each failed attempt from
// its kept kind in the page's language, the receiver's words as they came;
// an attempt kept without a kind shows its English as stored.
func TestKoWebhookFailures(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newWebhookEnv(t, db)
		m := e.m
		hooks := m.Svc.Webhooks
		owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
		if _, err := hooks.SetWebhook(owner, "https://hooks.hoppin.example/in", false); err != nil {
			t.Fatal(err)
		}
		del, err := hooks.SendTestEvent(owner)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for i, a := range []vocdesk.WebhookAttempt{
			{Error: "webhooks: dial failed: connection reset by peer"}, // kept before kinds were
			{Error: "webhooks: dial failed: connection refused", Reason: "net_refused"},
			{Error: "webhooks: dial failed: lookup hooks.hoppin.example: no such host", Reason: "net_no_host", Args: []string{"hooks.hoppin.example"}},
			{StatusCode: 500, Error: "webhooks: the server answered 500 Internal Server Error", Reason: "net_status_body",
				Args: []string{"500 Internal Server Error", "quota exceeded"}},
		} {
			a.At, a.Duration = now.Add(time.Duration(i)*time.Second), time.Millisecond
			if err := hooks.RecordAttempt(uitest.System(), del.ID, a, false, false); err != nil {
				t.Fatal(err)
			}
		}
		b := e.browser()
		b.login("/developer/login", m.HoppinAgent.Email, "/console")
		b.lang = "ko"
		r := b.get("/console/webhook")
		wantContains(t, r, "연결이 거부되었습니다", "호스트 이름을 찾을 수 없습니다(DNS): hooks.hoppin.example",
			"서버 응답: 500 Internal Server Error — quota exceeded",
			"webhooks: dial failed: connection reset by peer")
		wantLacks(t, r, "webhooks: dial failed: connection refused", "no such host", "The server answered")
		b.lang = "en"
		r = b.get("/console/webhook")
		wantContains(t, r, "The connection was refused", "The host name was not found (DNS): hooks.hoppin.example",
			"The server answered 500 Internal Server Error: quota exceeded", "webhooks: dial failed: connection reset by peer")
		wantLacks(t, r, "연결이 거부되었습니다", "webhooks: dial failed: connection refused")
	})
}

// TestKoIMAPFailure: the mailbox settings page words the last poll's
// failure from its kept kind in the page's language, the mail server's
// words as they came.
func TestKoIMAPFailure(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		imap := sqlstore.NewIMAPService(db)
		e := newEnv(t, db, nil, func(m *uitest.Marketplace) { m.Svc.IMAP = imap })
		m := e.m
		owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
		if _, err := imap.SetIMAPMailbox(owner, "hoppin", &vocdesk.IMAPSettings{Addr: "imap.hoppin.example:993",
			Security: vocdesk.IMAPTLS, Username: "support@hoppin.example", Password: "pw", Mailbox: "INBOX", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		const english = "sign-in refused: [AUTHENTICATIONFAILED] Authentication failed."
		if err := imap.RecordIMAPPoll(uitest.System(), m.Hoppin.ID, vocdesk.IMAPPoll{Err: english, Next: time.Minute,
			Reason: "imap_sign_in_refused", Args: []string{"[AUTHENTICATIONFAILED] Authentication failed."}}); err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		b.login("/developer/login", m.HoppinOwner.Email, "/console")
		b.lang = "ko"
		r := b.get("/console/settings/mailbox")
		wantContains(t, r, "메일 서버가 로그인을 거부했습니다: [AUTHENTICATIONFAILED] Authentication failed.")
		wantLacks(t, r, "sign-in refused")
		b.lang = "en"
		r = b.get("/console/settings/mailbox")
		wantContains(t, r, "The mail server refused the sign-in: [AUTHENTICATIONFAILED] Authentication failed.")
		wantLacks(t, r, "로그인을 거부")

		// A failure kept before kinds were shows its English as stored.
		if err := imap.RecordIMAPPoll(uitest.System(), m.Hoppin.ID, vocdesk.IMAPPoll{Err: "cannot connect to imap.hoppin.example:993: i/o timeout",
			Next: time.Minute}); err != nil {
			t.Fatal(err)
		}
		b.lang = "ko"
		wantContains(t, b.get("/console/settings/mailbox"), "cannot connect to imap.hoppin.example:993: i/o timeout")
	})
}

// TestKoSocialReplyFailure: an answer's failed delivery to the social
// connector is worded from its kept kind on the desk's inquiry page.
func TestKoSocialReplyFailure(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		soc := m.Svc.Social
		owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
		c := &vocdesk.SocialConnector{Network: "x", Name: "@hoppin", AppSlug: "hoppin-quest", ReplyURL: "https://relay.example/x"}
		if err := soc.CreateConnector(owner, c); err != nil {
			t.Fatal(err)
		}
		in, err := soc.ReceivePost(uitest.System(), &vocdesk.SocialPost{ConnectorID: c.ID, Network: "x", Handle: "fan_1",
			Message: "아이템이 없어요", URL: "https://x.example/s/1", ExternalID: "ext-1"}, "msg_1")
		if err != nil {
			t.Fatal(err)
		}
		agent := uitest.As(m.MemberActor(m.Hoppin, m.HoppinAgent))
		if err := m.Svc.Inquiries.AddMessage(agent, in.InquiryID, &vocdesk.Message{Body: "확인해 보겠습니다"}); err != nil {
			t.Fatal(err)
		}
		_, msgs, err := m.Svc.Inquiries.FindThread(agent, in.InquiryID)
		if err != nil {
			t.Fatal(err)
		}
		ref := msgs[len(msgs)-1].ID
		if err := soc.RecordReply(uitest.System(), ref, vocdesk.SocialAttempt{Error: "webhooks: dial failed: connection refused",
			Reason: "net_refused"}, false, false); err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		b.login("/developer/login", m.HoppinAgent.Email, "/console")
		path := "/console/inquiries/" + itoa(in.InquiryID)
		b.lang = "ko"
		r := b.get(path)
		wantContains(t, r, "연결이 거부되었습니다")
		wantLacks(t, r, "webhooks: dial failed")
		b.lang = "en"
		r = b.get(path)
		wantContains(t, r, "The connection was refused")
		wantLacks(t, r, "webhooks: dial failed")
	})
}
