package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// seedMail delivers one vacation notice from the tenant's customer to its
// developer, as the SMTP intake does, and returns its mail log id. An
// auto-reply fills the mail log without adding an inquiry, so the other
// tests' counts stay as they were.
func (e *env) seedMail(tn tenant) int64 {
	e.t.Helper()
	rec := e.deliverMail(tn, "Auto-Submitted: auto-replied\r\nMessage-ID: <seed-"+tn.slug+"@example.com>\r\n", "Out of office "+tn.txid)
	if rec.Outcome != vocdesk.MailAutoReply {
		e.t.Fatalf("seed mail: %+v", rec)
	}
	return rec.ID
}

// deliverMail hands a mail from the tenant's customer to its developer to
// the intake.
func (e *env) deliverMail(tn tenant, headers, body string) *vocdesk.MailMessage {
	e.t.Helper()
	raw := "From: " + tn.customerEmail + "\r\nTo: " + tn.slug + "@desk.test\r\nSubject: Mail about " + tn.txid + "\r\n" +
		headers + "\r\n" + body + "\r\n"
	in, decide := mail.Prepare([]byte(raw), mail.Envelope{From: tn.customerEmail, Recipient: tn.slug + "@desk.test", Domain: "desk.test"})
	rec, err := e.svc.Mail.ReceiveMail(systemCtx(), in, decide)
	if err != nil {
		e.t.Fatalf("deliver mail: %v", err)
	}
	return rec
}

// TestMailLogAPI: the developer lists its own mail log and reads a message
// back byte for byte as message/rfc822; filters and unknown parameters
// answer as the contract says; operators see every developer's.
func TestMailLogAPI(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		dev := bearer(e.a.key)
		e.deliverMail(e.a, "Message-ID: <ask-"+e.a.slug+"@example.com>\r\n", "Please look at "+e.a.txid)
		res := e.do("GET", "/api/v1/mail/messages", "", dev)
		if res.Code != http.StatusOK {
			t.Fatalf("list: %d %s", res.Code, res.Body)
		}
		var list struct {
			Items []struct {
				ID        int64
				MessageID string `json:"message_id"`
				From      string
				To        string
				Subject   string
				Outcome   string
				InquiryID *int64 `json:"inquiry_id"`
				RawURL    string `json:"raw_url"`
			}
		}
		if err := json.Unmarshal(res.Body.Bytes(), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 2 || list.Items[1].ID != e.a.mailID || list.Items[1].Outcome != "auto_reply" || list.Items[1].InquiryID != nil {
			t.Fatalf("developer A sees %+v; want its two, newest first", list.Items)
		}
		m := list.Items[0]
		if m.Outcome != "inquiry" || m.InquiryID == nil || m.From != e.a.customerEmail ||
			m.To != e.a.slug+"@desk.test" || m.MessageID != "ask-"+e.a.slug+"@example.com" {
			t.Fatalf("entry %+v", m)
		}
		res = e.do("GET", m.RawURL, "", dev)
		if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "message/rfc822" ||
			!strings.HasPrefix(res.Body.String(), "From: "+e.a.customerEmail+"\r\n") {
			t.Fatalf("raw: %d %q %q", res.Code, res.Header().Get("Content-Type"), res.Body)
		}
		if res = e.do("GET", "/api/v1/mail/messages/"+strconv.FormatInt(m.ID, 10), "", dev); res.Code != http.StatusOK {
			t.Fatalf("one: %d %s", res.Code, res.Body)
		}
		// The inquiry it started is the developer's, on the email channel.
		res = e.do("GET", "/api/v1/inquiries/"+strconv.FormatInt(*m.InquiryID, 10), "", dev)
		if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"channel":"email"`) || !strings.Contains(res.Body.String(), e.a.txid) {
			t.Fatalf("inquiry: %d %s", res.Code, res.Body)
		}

		for q, want := range map[string]int{
			"?outcome=bounce": http.StatusOK, "?outcome=nope": http.StatusBadRequest, "?since=2024-01-01": http.StatusBadRequest,
			"?limit=0": http.StatusBadRequest, "?cursor=garbage": http.StatusBadRequest,
		} {
			res := e.do("GET", "/api/v1/mail/messages"+q, "", dev)
			if res.Code != want {
				t.Errorf("%s: %d %s; want %d", q, res.Code, res.Body, want)
			}
		}
		if res := e.do("GET", "/api/v1/mail/messages?since=x", "", dev); !strings.Contains(res.Body.String(), `"unknown_parameter"`) {
			t.Errorf("unknown parameter: %s", res.Body)
		}
		res = e.do("GET", "/api/v1/mail/messages?developer="+e.b.slug, "", bearer(e.opKey))
		if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), e.b.slug+"@desk.test") || strings.Contains(res.Body.String(), e.a.slug+"@") {
			t.Fatalf("operator, developer filter: %d %s", res.Code, res.Body)
		}
		if res := e.do("GET", "/api/v1/mail/messages", "", bearer(e.a.customerToken)); res.Code != http.StatusNotFound {
			t.Errorf("a customer reaches the mail log: %d", res.Code)
		}
	})
}
