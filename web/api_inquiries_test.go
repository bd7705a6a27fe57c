package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
)

// mailTo checks that a mail to the customer holding text is queued.
func mailTo(to, text string) func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
	return func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
		t.Helper()
		jobs, err := newJobQueue(e).Claim(systemCtx(), []string{vocdesk.JobSendMail}, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			var m vocdesk.Mail
			if json.Unmarshal(j.Payload, &m) == nil && m.To == to && strings.Contains(m.Text, text) {
				return
			}
		}
		t.Errorf("no mail to %s with %q among %d queued", to, text, len(jobs))
	}
}

func TestInquiriesConsole(t *testing.T) {
	t.Parallel()
	mpNote, mpNoteHeader := multipartBody(t, map[string]string{"body": "Server log attached."}, file{"log.pdf", pdfBytes})
	mpCanned, mpCannedHeader := multipartBody(t, map[string]string{"canned_reply_id": "${A.canned}"})

	runDeskScenarios(t, func(vars map[string]string) []scenario {
		return []scenario{
			{name: "the inbox", method: "GET", url: "/api/v1/inquiries", as: "memberA", status: 200,
				want: []string{`"id":${A.inquiry}`, `"subject":"Refund alpha gems 환불요청"`, `"status":"waiting_on_customer"`, `"sla":"none"`}},
			{name: "B's inbox has nothing of A's", method: "GET", url: "/api/v1/inquiries", as: "devB", status: 200,
				want: []string{"bravo"}, notWant: []string{"alpha"}},
			{name: "filters", method: "GET", as: "devA", status: 200, want: []string{`"id":${A.inquiry}`},
				url: "/api/v1/inquiries?status=waiting_on_customer,open&category=refund&channel=store&app=${A.app}&customer_id=${A.customer}&txid=${A.txid}&from=2020-01-01T00:00:00Z&sla=none&sort=waiting&limit=10"},
			{name: "filters that exclude it", method: "GET", url: "/api/v1/inquiries?category=bug&assignee=none", as: "devA", status: 200,
				notWant: []string{`"id":${A.inquiry}`}},
			{name: "unknown category", method: "GET", url: "/api/v1/inquiries?category=complaint", as: "devA", status: 400, want: []string{"category"}},
			{name: "unknown channel", method: "GET", url: "/api/v1/inquiries?channel=fax", as: "devA", status: 400, want: []string{"channel"}},
			{name: "unknown sort", method: "GET", url: "/api/v1/inquiries?sort=oldest", as: "devA", status: 400},
			{name: "unknown sla", method: "GET", url: "/api/v1/inquiries?sla=late", as: "devA", status: 400},
			{name: "bad time", method: "GET", url: "/api/v1/inquiries?from=yesterday", as: "devA", status: 400},
			{name: "assignee=me needs a member", method: "GET", url: "/api/v1/inquiries?assignee=me", as: "devA", status: 400},
			{name: "search: part of a Korean word", method: "GET", url: "/api/v1/inquiries?q=%ED%99%98%EB%B6%88", as: "memberA", status: 200,
				want: []string{`"id":${A.inquiry}`, `"snippet":[`, `{"text":"환불","highlight":true}`}},
			{name: "search in messages, English", method: "GET", url: "/api/v1/inquiries?q=charged", as: "devA", status: 200,
				want: []string{`{"text":"charged","highlight":true}`}},
			{name: "search does not cross tenants", method: "GET", url: "/api/v1/inquiries?q=alpha", as: "devB", status: 200,
				notWant: []string{"alpha"}},
			{name: "search sorted otherwise", method: "GET", url: "/api/v1/inquiries?q=x&sort=due", as: "devA", status: 400},
			{name: "operators read all", method: "GET", url: "/api/v1/inquiries", as: "op", status: 200,
				want: []string{"alpha-games", "bravo-games"}},
			{name: "customers have no inbox", method: "GET", url: "/api/v1/inquiries", as: "custA", status: 404},
			{name: "counts", method: "GET", url: "/api/v1/inquiries/counts", as: "devA", status: 200,
				want: []string{`"new":0`, `"waiting_on_customer":1`, `"total":1`}},
			{name: "counts with q", method: "GET", url: "/api/v1/inquiries/counts?q=x", as: "devA", status: 400},

			{name: "the inquiry with the customer panel", method: "GET", url: "/api/v1/inquiries/${A.inquiry}", as: "memberA", status: 200,
				want: []string{`"internal":true`, "Internal alpha note", `"filename":"alpha-log.pdf"`,
					`"customer_purchases":[{"txid":"${A.txid}","tid":"${A.tid}"`, `"amount":"1200"`, `"currency":"KRW"`, `"method":"card"`,
					`"status":"paid"`, `"paid_at":"2024-05-01T09:30:00Z"`, `"customer_inquiries":[]`, `"contact_email":"alpha.customer@example.com"`}},
			{name: "viewers see contacts masked", method: "GET", url: "/api/v1/inquiries/${A.inquiry}", as: "viewerA", status: 200,
				notWant: []string{"alpha.customer@example.com", "010-1234-5678"}},
			{name: "another developer's inquiry", method: "GET", url: "/api/v1/inquiries/${A.inquiry}", as: "memberB", status: 404, code: "not_found"},
			{name: "the note's file, for the developer", method: "GET", url: "/api/v1/attachments/${A.notefile}", as: "memberA", status: 200,
				after: servedAsDownload("application/pdf")},
			{name: "not for another developer", method: "GET", url: "/api/v1/attachments/${A.notefile}", as: "devB", status: 404},

			{name: "viewers may not reply", method: "POST", url: "/api/v1/inquiries/${A.inquiry}/replies", as: "viewerA",
				body: `{"body":"hello"}`, status: 403, code: "forbidden"},
			{name: "reply", method: "POST", url: "/api/v1/inquiries/${A.inquiry}/replies", as: "agentA",
				body: `{"body":"Refunded. <script>alert(1)</script>"}`, status: 201,
				want:  []string{`"author":"developer"`, `"author_name":"agent alpha"`, `\u003cscript\u003e`},
				after: mailTo("alpha.customer@example.com", "Refunded. <script>alert(1)</script>")},
			{name: "reply with a canned reply", method: "POST", url: "/api/v1/inquiries/${A.inquiry}/replies", as: "agentA",
				body: `{"canned_reply_id":${A.canned}}`, status: 201,
				want: []string{`"body":"Customer alpha님, ${A.txid} (${A.tid}) 환불을 요청했습니다. agent alpha"`}},
			{name: "canned reply by multipart", method: "POST", url: "/api/v1/inquiries/${A.inquiry}/replies", as: "memberA",
				body: mpCanned, header: mpCannedHeader, status: 201, want: []string{"Customer alpha님"},
				prepare: func(sc *scenario) {}},
			{name: "body and canned reply", method: "POST", url: "/api/v1/inquiries/${A.inquiry}/replies", as: "agentA",
				body: `{"body":"x","canned_reply_id":${A.canned}}`, status: 400},
			{name: "another developer's canned reply", method: "POST", url: "/api/v1/inquiries/${A.inquiry}/replies", as: "agentA",
				body: `{"canned_reply_id":${B.canned}}`, status: 404, want: []string{"canned reply"}},
			{name: "empty reply", method: "POST", url: "/api/v1/inquiries/${A.inquiry}/replies", as: "agentA", body: `{}`, status: 400},
			{name: "reply to another developer's inquiry", method: "POST", url: "/api/v1/inquiries/${A.inquiry}/replies", as: "devB",
				body: `{"body":"hi"}`, status: 404},
			{name: "internal note with a file", method: "POST", url: "/api/v1/inquiries/${A.inquiry}/notes", as: "agentA",
				body: mpNote, header: mpNoteHeader, status: 201, want: []string{`"internal":true`, `"filename":"log.pdf"`}},
			{name: "the customer never reads notes", method: "GET", url: "/api/v1/me/inquiries/${A.inquiry}", as: "custA", status: 200,
				want: []string{"Refunded."}, notWant: []string{"Server log attached.", "log.pdf", "Internal alpha note"}},

			{name: "assign, tag and resolve", method: "PATCH", url: "/api/v1/inquiries/${A.inquiry}", as: "agentA",
				body:   `{"status":"resolved","assignee_id":${A.owner},"add_tags":["VIP ","refund"]}`,
				status: 200, want: []string{`"status":"resolved"`, `"assignee_name":"Owner alpha"`, `"tags":["refund","vip"]`}},
			{name: "untag", method: "PATCH", url: "/api/v1/inquiries/${A.inquiry}", as: "agentA",
				body: `{"remove_tags":["refund"],"assignee_id":0}`, status: 200, want: []string{`"tags":["vip"]`, `"assignee_id":null`}},
			{name: "nothing to change", method: "PATCH", url: "/api/v1/inquiries/${A.inquiry}", as: "agentA", body: `{}`, status: 400},
			{name: "status new", method: "PATCH", url: "/api/v1/inquiries/${A.inquiry}", as: "agentA", body: `{"status":"new"}`, status: 400},
			{name: "a member of another developer", method: "PATCH", url: "/api/v1/inquiries/${A.inquiry}", as: "agentA",
				body: `{"assignee_id":999999}`, status: 400},
			{name: "viewers may not change", method: "PATCH", url: "/api/v1/inquiries/${A.inquiry}", as: "viewerA",
				body: `{"status":"closed"}`, status: 403},
			{name: "operators read, not change", method: "PATCH", url: "/api/v1/inquiries/${A.inquiry}", as: "op",
				body: `{"status":"closed"}`, status: 403},
			{name: "tags", method: "GET", url: "/api/v1/tags", as: "memberA", status: 200, want: []string{`{"tag":"vip","count":1}`}},
			{name: "by tag", method: "GET", url: "/api/v1/inquiries?tag=vip", as: "memberA", status: 200, want: []string{`"id":${A.inquiry}`}},

			{name: "log an api inquiry", method: "POST", url: "/api/v1/inquiries", as: "devA",
				body:   `{"channel":"api","app":"${A.app}","customer_id":${A.customer},"category":"account","subject":"Login","body":"Cannot log in."}`,
				status: 201, want: []string{`"channel":"api"`, `"customer_inquiries":[{"id":${A.inquiry}`}, after: capture(vars, "api", "id")},
			{name: "developers log on api only", method: "POST", url: "/api/v1/inquiries", as: "devA",
				body: `{"channel":"phone","app":"${A.app}","customer_id":${A.customer},"category":"bug","subject":"s","body":"b"}`, status: 400},
			{name: "not for another developer's app", method: "POST", url: "/api/v1/inquiries", as: "devB",
				body: `{"channel":"api","app":"${A.app}","customer_id":${B.customer},"category":"bug","subject":"s","body":"b"}`, status: 404},
			{name: "a phone call", method: "POST", url: "/api/v1/inquiries", as: "op",
				body:   `{"channel":"phone","txid":"${B.txid}","category":"not_received","subject":"Gems missing","body":"Called at 10:00.","contact_phone":"010-9999-0000"}`,
				status: 201, want: []string{`"channel":"phone"`, `"developer":"${B.slug}"`}},
			{name: "someone without an account", method: "POST", url: "/api/v1/inquiries", as: "op",
				body:   `{"channel":"social","app":"${A.app}","category":"other","subject":"DM","body":"Hello","contact_name":"@fan"}`,
				status: 201, want: []string{`"customer_id":null`, `"customer_name":"@fan"`}},
			{name: "the store channel is the customer's", method: "POST", url: "/api/v1/inquiries", as: "op",
				body: `{"channel":"store","app":"${A.app}","customer_id":${A.customer},"category":"other","subject":"s","body":"b"}`, status: 400},
			{name: "unknown channel", method: "POST", url: "/api/v1/inquiries", as: "op",
				body: `{"channel":"fax","app":"${A.app}","category":"other","subject":"s","body":"b"}`, status: 400, want: []string{"channel"}},
			{name: "new arrivals", method: "GET", url: "/api/v1/inquiries/counts", as: "devA", status: 200, want: []string{`"new":2`}},

			{name: "bulk close", method: "POST", url: "/api/v1/inquiries/bulk", as: "agentA",
				body: `{"ids":[${A.inquiry},{{api}},987654],"status":"closed","add_tags":["batch"]}`, status: 200, want: []string{`"updated":2`}},
			{name: "bulk skips another developer's", method: "POST", url: "/api/v1/inquiries/bulk", as: "devB",
				body: `{"ids":[${A.inquiry}],"status":"open"}`, status: 200, want: []string{`"updated":0`}},
			{name: "bulk without ids", method: "POST", url: "/api/v1/inquiries/bulk", as: "agentA", body: `{"ids":[],"status":"closed"}`, status: 400},
			{name: "bulk without a change", method: "POST", url: "/api/v1/inquiries/bulk", as: "agentA", body: `{"ids":[1]}`, status: 400},
			{name: "bulk by a viewer", method: "POST", url: "/api/v1/inquiries/bulk", as: "viewerA",
				body: `{"ids":[${A.inquiry}],"status":"open"}`, status: 403},
			{name: "closed", method: "GET", url: "/api/v1/inquiries?status=closed&tag=batch", as: "memberA", status: 200,
				want: []string{`"id":${A.inquiry}`, `"id":{{api}}`}},
		}
	})
}
