package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/web"
)

// fuzzRequest is a POST of body with contentType.
func fuzzRequest(body, contentType string) *http.Request {
	req := httptest.NewRequest("POST", "/api/v1/inquiries", strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return req
}

// want4xx fails unless err is one of the request errors that answer 4xx.
func want4xx(t *testing.T, err error, body string) {
	t.Helper()
	switch code := vocdesk.ErrorCode(err); code {
	case vocdesk.EINVALID, vocdesk.ETOOLARGE:
	default:
		t.Fatalf("error with code %q (%v) for %q", code, err, body)
	}
}

// A multipart body to seed the fuzzers with, and its content type.
const fuzzBoundary = "fuzzfuzz"

var (
	fuzzMultipartType = "multipart/form-data; boundary=" + fuzzBoundary
	fuzzMultipart     = "--fuzzfuzz\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nhello\r\n" +
		"--fuzzfuzz\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nrefund\r\n" +
		"--fuzzfuzz\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nS\r\n" +
		"--fuzzfuzz\r\nContent-Disposition: form-data; name=\"txid\"\r\n\r\nT1\r\n" +
		"--fuzzfuzz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\r\n" +
		"--fuzzfuzz--\r\n"
)

// FuzzDecodeCreateInquiry feeds any body, JSON or multipart, to the decoders
// of POST /me/inquiries and POST /inquiries. They must never panic, and
// must either return an inquiry that passes Validate with a body that passes
// ValidateBody (a customer's always on the store channel), or a 4xx error.
func FuzzDecodeCreateInquiry(f *testing.F) {
	for _, seed := range []string{
		`{"txid":"T1","category":"refund","subject":"Refund","body":"Please"}`,
		`{"app":"a","category":"bug","subject":"<script>","body":"<img onerror=x>"}`,
		`{"channel":"phone","customer_id":3,"app":"a","category":"other","subject":"s","body":"b"}`,
		`{"channel":"social","app":"a","category":"other","subject":"s","body":"b","contact_name":"@x"}`,
		`{"category":"nope","subject":"s","body":"b","app":"a"}`, `{"customer_id":-1}`, `{"customer_id":1e400}`,
		`{"subject":"` + strings.Repeat("가", 201) + `"}`, `{}`, `[]`, `null`, ``, `{`, `{"x":1}`,
	} {
		f.Add(seed, "application/json", true)
		f.Add(seed, "application/json", false)
	}
	f.Add(fuzzMultipart, fuzzMultipartType, true)
	f.Add(strings.Replace(fuzzMultipart, "name=\"txid\"", "name=\"customer_id\"", 1), fuzzMultipartType, false)
	f.Add("--x\r\n\r\n--x--", "multipart/form-data; boundary=x", true)
	f.Add(`{}`, "text/plain", true)
	f.Fuzz(func(t *testing.T, body, contentType string, customer bool) {
		in, first, err := web.DecodeCreateInquiry(fuzzRequest(body, contentType), customer)
		if err != nil {
			want4xx(t, err, body)
			if in != nil || first != nil {
				t.Fatalf("both an inquiry and an error for %q", body)
			}
			return
		}
		if err := in.Validate(); err != nil {
			t.Fatalf("decoded inquiry does not validate (%v) for %q", err, body)
		}
		if err := vocdesk.ValidateBody(first.Body); err != nil {
			t.Fatalf("decoded body does not validate (%v) for %q", err, body)
		}
		if customer && in.Channel != vocdesk.ChannelStore {
			t.Fatalf("a customer's inquiry on channel %q for %q", in.Channel, body)
		}
		if len(first.Attachments) > vocdesk.MaxAttachments {
			t.Fatalf("%d attachments for %q", len(first.Attachments), body)
		}
		for _, a := range first.Attachments {
			if len(a.Data) > vocdesk.MaxAttachmentSize {
				t.Fatalf("attachment of %d bytes", len(a.Data))
			}
		}
	})
}

// FuzzDecodeReply covers replies, customers' messages and notes: a body
// that validates, or a canned reply id (never both), or a 4xx error.
func FuzzDecodeReply(f *testing.F) {
	for _, seed := range []string{`{"body":"Thanks"}`, `{"canned_reply_id":3}`, `{"body":"x","canned_reply_id":3}`,
		`{"canned_reply_id":-3}`, `{"canned_reply_id":"3"}`, `{"body":""}`, `{"body":1}`, `{}`, ``, `{"body":"a"} {}`} {
		f.Add(seed, "application/json")
	}
	f.Add(fuzzMultipart, fuzzMultipartType)
	f.Add("--x\r\nContent-Disposition: form-data; name=\"canned_reply_id\"\r\n\r\n12\r\n--x--\r\n", "multipart/form-data; boundary=x")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		m, canned, err := web.DecodeReply(fuzzRequest(body, contentType))
		switch {
		case err != nil:
			want4xx(t, err, body)
		case canned < 0:
			t.Fatalf("canned reply id %d for %q", canned, body)
		case canned > 0 && m.Body != "":
			t.Fatalf("both a body and a canned reply for %q", body)
		case canned == 0 && vocdesk.ValidateBody(m.Body) != nil:
			t.Fatalf("body does not validate for %q", body)
		}
		m2, err := web.DecodeMessage(fuzzRequest(body, contentType))
		if err != nil {
			want4xx(t, err, body)
		} else if vocdesk.ValidateBody(m2.Body) != nil || m2.Internal {
			t.Fatalf("message does not validate for %q", body)
		}
	})
}

// FuzzDecodeInquiryChanges covers PATCH /inquiries/{id} and the bulk
// update: a change of a valid status (never back to new), an assignee that
// is not negative, at least one change, and for bulk 1 to 500 positive ids.
func FuzzDecodeInquiryChanges(f *testing.F) {
	for _, seed := range []string{`{"status":"resolved"}`, `{"status":"new"}`, `{"assignee_id":0}`, `{"assignee_id":-1}`,
		`{"add_tags":["vip"],"remove_tags":["x"]}`, `{"add_tags":[""]}`, `{}`, `{"ids":[1,2],"status":"closed"}`,
		`{"ids":[],"status":"closed"}`, `{"ids":[0],"status":"closed"}`, `{"ids":[1]}`, `{"ids":"1"}`, ``} {
		f.Add(seed)
	}
	check := func(t *testing.T, u vocdesk.InquiryUpdate, body string) {
		if u.Status != nil && (!u.Status.Valid() || *u.Status == vocdesk.InquiryNew) {
			t.Fatalf("status %q for %q", *u.Status, body)
		}
		if u.AssigneeID != nil && *u.AssigneeID < 0 {
			t.Fatalf("assignee %d for %q", *u.AssigneeID, body)
		}
		if u.Status == nil && u.AssigneeID == nil && len(u.AddTags)+len(u.RemoveTags) == 0 {
			t.Fatalf("an empty change for %q", body)
		}
	}
	f.Fuzz(func(t *testing.T, body string) {
		if u, err := web.DecodePatchInquiry(fuzzRequest(body, "application/json")); err != nil {
			want4xx(t, err, body)
		} else {
			check(t, u, body)
		}
		ids, u, err := web.DecodeBulk(fuzzRequest(body, "application/json"))
		if err != nil {
			want4xx(t, err, body)
			return
		}
		check(t, u, body)
		if len(ids) == 0 || len(ids) > 500 {
			t.Fatalf("%d ids for %q", len(ids), body)
		}
		for _, id := range ids {
			if id <= 0 {
				t.Fatalf("id %d for %q", id, body)
			}
		}
	})
}
