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

// seedMail delivers one customer mail to the tenant's developer, as the
// SMTP intake does, and returns its mail log id.
func (e *env) seedMail(tn tenant) int64 {
	e.t.Helper()
	raw := "From: " + tn.customerEmail + "\r\nTo: " + tn.slug + "@desk.test\r\nSubject: Mail about " + tn.txid +
		"\r\nMessage-ID: <seed-" + tn.slug + "@example.com>\r\n\r\nPlease look at " + tn.txid + "\r\n"
	in, decide := mail.Prepare([]byte(raw), mail.Envelope{From: tn.customerEmail, Recipient: tn.slug + "@desk.test", Domain: "desk.test"})
	rec, err := e.svc.Mail.ReceiveMail(systemCtx(), in, decide)
	if err != nil || rec.Outcome != vocdesk.MailInquiry {
		e.t.Fatalf("seed mail: %+v %v", rec, err)
	}
	return rec.ID
}

// TestMailLogAPI: the developer lists its own mail log and reads a message
// back byte for byte as message/rfc822; filters and unknown parameters
// answer as the contract says; operators see every developer's.
func TestMailLogAPI(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		dev := bearer(e.a.key)
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
		if len(list.Items) != 1 {
			t.Fatalf("developer A sees %d messages; want its one", len(list.Items))
		}
		m := list.Items[0]
		if m.ID != e.a.mailID || m.Outcome != "inquiry" || m.InquiryID == nil || m.From != e.a.customerEmail ||
			m.To != e.a.slug+"@desk.test" || m.MessageID != "seed-"+e.a.slug+"@example.com" {
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
