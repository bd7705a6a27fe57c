package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// file is one attachment of a multipart body.
type file struct {
	name string
	data []byte
}

// multipartBody builds a multipart/form-data body of fields and files
// (parts named "files"), and the header that goes with it.
func multipartBody(t testing.TB, fields map[string]string, files ...file) (string, http.Header) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		part, err := w.CreateFormFile("files", f.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = part.Write(f.data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), http.Header{"Content-Type": {w.FormDataContentType()}}
}

// xss is a body that must come back exactly as sent: the API returns text,
// and making it inert is the page's business.
const xss = `<script>alert(1)</script><img src=x onerror="alert(2)"> <a href="javascript:alert(3)">x</a> & "quotes"`

// firstMessageBody checks that messages[0].body of the answer is want.
func firstMessageBody(want string) func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
	return func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
		t.Helper()
		var got struct{ Messages []struct{ Body string } }
		if err := json.Unmarshal(res.Body.Bytes(), &got); err != nil || len(got.Messages) == 0 {
			t.Fatalf("no messages: %v %s", err, res.Body)
		}
		if got.Messages[0].Body != want {
			t.Errorf("body %q; want it verbatim: %q", got.Messages[0].Body, want)
		}
	}
}

func TestMyInquiries(t *testing.T) {
	t.Parallel()
	mpPNG, mpPNGHeader := multipartBody(t, map[string]string{"body": "Here is the receipt."}, file{"receipt.png", pngBytes})
	mpHTML, mpHTMLHeader := multipartBody(t, map[string]string{"body": "Look"}, file{"page.png", htmlBytes})
	six := make([]file, 6)
	for i := range six {
		six[i] = file{"shot.png", pngBytes}
	}
	mpSix, mpSixHeader := multipartBody(t, map[string]string{"body": "Many"}, six...)
	mpUnknown, mpUnknownHeader := multipartBody(t, map[string]string{"body": "x", "internal": "true"})
	mpCreate, mpCreateHeader := multipartBody(t, map[string]string{"txid": "TX-ALPHA-0001", "category": "payment",
		"subject": "Charged twice", "body": "See the screenshot."}, file{"shot.png", pngBytes})
	big := append(append([]byte{}, pngBytes...), make([]byte, 9<<20)...)
	mpHuge, mpHugeHeader := multipartBody(t, map[string]string{"body": "Big"}, file{"a.png", big}, file{"b.png", big}, file{"c.png", big})

	runDeskScenarios(t, func(vars map[string]string) []scenario {
		return []scenario{
			{name: "ask about a purchase", method: "POST", url: "/api/v1/me/inquiries", as: "custA",
				body:   `{"txid":"${A.txid}","category":"refund","subject":"Please refund","body":"I bought it by mistake."}`,
				status: 201, want: []string{`"status":"new"`, `"app":"${A.app}"`, `"txid":"${A.txid}"`, `"author":"customer"`},
				after: capture(vars, "mine", "id")},
			{name: "ask about an app", method: "POST", url: "/api/v1/me/inquiries", as: "custA",
				body:   `{"app":"${B.app}","category":"bug","subject":"Crash","body":"It crashes on start."}`,
				status: 201, want: []string{`"app":"${B.app}"`, `"txid":""`}},
			{name: "script kept verbatim", method: "POST", url: "/api/v1/me/inquiries", as: "custA",
				body:   `{"txid":"${A.txid}","category":"other","subject":"<b>hi</b>","body":` + jsonString(xss) + `}`,
				status: 201, after: firstMessageBody(xss)},
			{name: "with a screenshot (multipart)", method: "POST", url: "/api/v1/me/inquiries", as: "custA",
				body: mpCreate, header: mpCreateHeader, status: 201, want: []string{`"filename":"shot.png"`, `"content_type":"image/png"`}},
			{name: "unknown category", method: "POST", url: "/api/v1/me/inquiries", as: "custA",
				body: `{"txid":"${A.txid}","category":"complaint","subject":"s","body":"b"}`, status: 400, code: "invalid_request", want: []string{"category"}},
			{name: "empty body", method: "POST", url: "/api/v1/me/inquiries", as: "custA",
				body: `{"txid":"${A.txid}","category":"refund","subject":"s","body":"  "}`, status: 400, code: "invalid_request", want: []string{"body"}},
			{name: "subject too long", method: "POST", url: "/api/v1/me/inquiries", as: "custA",
				body: `{"txid":"${A.txid}","category":"refund","subject":"` + strings.Repeat("가", 201) + `","body":"b"}`, status: 400, want: []string{"subject"}},
			{name: "unknown field", method: "POST", url: "/api/v1/me/inquiries", as: "custA",
				body: `{"txid":"${A.txid}","category":"refund","subject":"s","body":"b","channel":"phone"}`, status: 400, want: []string{"unknown field"}},
			{name: "neither app nor txid", method: "POST", url: "/api/v1/me/inquiries", as: "custA",
				body: `{"category":"refund","subject":"s","body":"b"}`, status: 400},
			{name: "someone else's txid is not found", method: "POST", url: "/api/v1/me/inquiries", as: "custA",
				body: `{"txid":"${B.txid}","category":"refund","subject":"s","body":"b"}`, status: 404, code: "not_found", want: []string{"purchase not found"}},
			{name: "a missing txid answers the same", method: "POST", url: "/api/v1/me/inquiries", as: "custA",
				body: `{"txid":"TX-NONE","category":"refund","subject":"s","body":"b"}`, status: 404, code: "not_found", want: []string{"purchase not found"}},
			{name: "txid of another app", method: "POST", url: "/api/v1/me/inquiries", as: "custA",
				body: `{"txid":"${A.txid}","app":"${B.app}","category":"refund","subject":"s","body":"b"}`, status: 400},
			{name: "developers cannot use my inquiries", method: "GET", url: "/api/v1/me/inquiries", as: "devA", status: 404},

			{name: "list with unread markers", method: "GET", url: "/api/v1/me/inquiries", as: "custA", status: 200,
				want: []string{`"id":${A.inquiry}`, `"unread":true`, `"id":{{mine}}`}, notWant: []string{"assignee", "tags"}},
			{name: "list by txid", method: "GET", url: "/api/v1/me/inquiries?txid=${A.txid}&status=new,waiting_on_customer&limit=2", as: "custA",
				status: 200, want: []string{`"next_cursor":"`}},
			{name: "list with a bad status", method: "GET", url: "/api/v1/me/inquiries?status=pending", as: "custA", status: 400},
			{name: "B sees none of A's", method: "GET", url: "/api/v1/me/inquiries", as: "custB", status: 200, notWant: []string{"alpha"}},
			{name: "read mine: the reply, not the note", method: "GET", url: "/api/v1/me/inquiries/${A.inquiry}", as: "custA", status: 200,
				want:    []string{"We are looking into it, alpha.", `"author":"developer"`, `"filename":"alpha-shot.png"`, `"unread":false`},
				notWant: []string{"Internal alpha note", "alpha-log.pdf", `"internal":true`}},
			{name: "reading cleared the marker", method: "GET", url: "/api/v1/me/inquiries?txid=${A.txid}", as: "custA", status: 200,
				notWant: []string{`"id":${A.inquiry},"developer":"alpha-games","app":"alpha-quest","app_name":"App alpha","txid":"TX-ALPHA-0001","channel":"store","category":"refund","subject":"Refund alpha gems 환불요청","status":"waiting_on_customer","unread":true`}},
			{name: "someone else's inquiry", method: "GET", url: "/api/v1/me/inquiries/${A.inquiry}", as: "custB", status: 404, code: "not_found"},
			{name: "a malformed id", method: "GET", url: "/api/v1/me/inquiries/abc", as: "custA", status: 404},
			{name: "my screenshot", method: "GET", url: "/api/v1/attachments/${A.attachment}", as: "custA", status: 200, after: servedAsDownload("image/png")},
			{name: "the note's file is not mine", method: "GET", url: "/api/v1/attachments/${A.notefile}", as: "custA", status: 404},
			{name: "nor someone else's", method: "GET", url: "/api/v1/attachments/${A.attachment}", as: "custB", status: 404},

			{name: "rate before resolution", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/rating", as: "custA",
				body: `{"rating":5}`, status: 422, code: "unprocessable"},
			{name: "rating out of range", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/rating", as: "custA",
				body: `{"rating":6}`, status: 400, want: []string{"rating"}},
			{name: "rating as a string", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/rating", as: "custA",
				body: `{"rating":"5"}`, status: 400},
			{name: "write again", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/messages", as: "custA",
				body: `{"body":"Any news?"}`, status: 201, want: []string{`"author":"customer"`, `"internal":false`}},
			{name: "write with a receipt (multipart)", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/messages", as: "custA",
				body: mpPNG, header: mpPNGHeader, status: 201, want: []string{`"filename":"receipt.png"`, `"url":"/api/v1/attachments/`}},
			{name: "HTML disguised as an image", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/messages", as: "custA",
				body: mpHTML, header: mpHTMLHeader, status: 422, code: "unprocessable", want: []string{"text/html"}},
			{name: "too many files", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/messages", as: "custA",
				body: mpSix, header: mpSixHeader, status: 400, want: []string{"at most 5"}},
			{name: "unknown form field", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/messages", as: "custA",
				body: mpUnknown, header: mpUnknownHeader, status: 400, want: []string{"unknown field"}},
			{name: "upload over the limit", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/messages", as: "custA",
				body: mpHuge, header: mpHugeHeader, status: 413, code: "too_large"},
			{name: "empty message", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/messages", as: "custA",
				body: `{"body":""}`, status: 400},
			{name: "someone else's thread", method: "POST", url: "/api/v1/me/inquiries/${A.inquiry}/messages", as: "custB",
				body: `{"body":"hi"}`, status: 404},
			{name: "mark solved", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/solve", as: "custA", status: 200,
				want: []string{`"status":"resolved"`}},
			{name: "rate", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/rating", as: "custA",
				body: `{"rating":4,"comment":"빨랐어요 <3"}`, status: 200, want: []string{`"rating":4`, `"rating_comment":"빨랐어요 \u003c3"`}},
			{name: "rate again replaces it", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/rating", as: "custA",
				body: `{"rating":5}`, status: 200, want: []string{`"rating":5`}},
			{name: "a message reopens", method: "POST", url: "/api/v1/me/inquiries/{{mine}}/messages", as: "custA",
				body: `{"body":"It happened again."}`, status: 201},
			{name: "reopened", method: "GET", url: "/api/v1/me/inquiries/{{mine}}", as: "custA", status: 200,
				want: []string{`"status":"open"`, "It happened again."}},
		}
	})
}

// servedAsDownload checks the headers that keep a file from ever being a
// page.
func servedAsDownload(contentType string) func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
	return func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
		t.Helper()
		h := res.Header()
		if got := h.Get("Content-Type"); got != contentType {
			t.Errorf("Content-Type %q; want %q", got, contentType)
		}
		if got := h.Get("Content-Disposition"); !strings.HasPrefix(got, "attachment") {
			t.Errorf("Content-Disposition %q; want attachment", got)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("missing nosniff or CSP sandbox: %v", h)
		}
	}
}
