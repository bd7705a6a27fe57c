package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
	"github.com/vocdesk/vocdesk/webhooks"
)

// signedPost is a connector's request to the intake: body signed with
// secret for id at ts.
func signedPost(t *testing.T, secret, id string, ts time.Time, body string) http.Header {
	t.Helper()
	sig, err := webhooks.Sign(secret, id, ts, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
	h.Set("webhook-signature", sig)
	return h
}

// TestSocialAPI: a developer's connector, posts signed with its secret
// opening and continuing an inquiry, every kind of bad request answered
// clearly, and the developer's answer delivered, signed, to a real HTTP
// server standing in for the connector.
func TestSocialAPI(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnvWith(t, db, web.Config{AllowPrivateWebhooks: true})
		a, b := e.a, e.b

		// The connector's own server, which checks every reply's signature.
		var secret string
		got := make(chan string, 4)
		relay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if _, err := webhooks.Verify(secret, r.Header, body, time.Now(), webhooks.Tolerance); err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				got <- "refused: " + err.Error()
				return
			}
			got <- string(body)
		}))
		defer relay.Close()

		res := e.do("POST", "/api/v1/social-connectors", `{"network":"instagram","name":"@alpha.quest","app":"`+a.app+`","reply_url":"`+relay.URL+`/replies"}`, bearer(a.key))
		if res.Code != http.StatusCreated {
			t.Fatalf("create connector: %d %s", res.Code, res.Body)
		}
		var c struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
		}
		mustJSON(t, json.Unmarshal(res.Body.Bytes(), &c))
		secret = c.Secret
		res = e.do("GET", "/api/v1/social-connectors", "", bearer(a.memberToken))
		if res.Code != 200 || strings.Contains(res.Body.String(), "whsec_") || !strings.Contains(res.Body.String(), `"network":"instagram"`) {
			t.Fatalf("list: %d %s", res.Code, res.Body)
		}
		if res := e.do("GET", "/api/v1/social-connectors", "", bearer(b.key)); strings.Contains(res.Body.String(), "alpha") {
			t.Fatalf("B lists A's connectors: %s", res.Body)
		}
		cid := strconv.FormatInt(c.ID, 10)
		post := func(id, handle, msg string) *httptest.ResponseRecorder {
			body := `{"connector":` + cid + `,"network":"instagram","handle":"` + handle + `","message":"` + msg + `","url":"https://instagram.example/p/1","external_id":"` + id + `"}`
			return e.do("POST", "/api/v1/intake/social", body, signedPost(t, secret, id, time.Now(), body))
		}
		res = post("msg_1", "@Fan.One", "결제했는데 보석이 없어요")
		if res.Code != http.StatusCreated {
			t.Fatalf("first post: %d %s", res.Code, res.Body)
		}
		var in struct {
			InquiryID int64 `json:"inquiry_id"`
			Continued bool  `json:"continued"`
			Duplicate bool  `json:"duplicate"`
		}
		mustJSON(t, json.Unmarshal(res.Body.Bytes(), &in))
		if res := post("msg_2", "fan.one", "아직 없어요"); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"continued":true`) {
			t.Fatalf("second post: %d %s", res.Code, res.Body)
		}
		if res := post("msg_2", "fan.one", "아직 없어요"); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"duplicate":true`) {
			t.Fatalf("replayed post: %d %s", res.Code, res.Body)
		}
		iid := strconv.FormatInt(in.InquiryID, 10)
		res = e.do("GET", "/api/v1/inquiries/"+iid, "", bearer(a.key))
		if !strings.Contains(res.Body.String(), `"channel":"social"`) || strings.Count(res.Body.String(), `"author":"customer"`) != 2 {
			t.Fatalf("the social inquiry: %s", res.Body)
		}
		if res := e.do("GET", "/api/v1/inquiries/"+iid, "", bearer(b.key)); res.Code != http.StatusNotFound {
			t.Fatalf("B reads A's social inquiry: %d", res.Code)
		}

		// Bad requests, each with its own clear answer.
		good := `{"connector":` + cid + `,"handle":"x","message":"hi"}`
		now := time.Now()
		cases := []struct {
			name   string
			body   string
			header http.Header
			status int
			msg    string
		}{
			{"no signature headers", good, http.Header{"Content-Type": {"application/json"}}, 401, "webhook-id"},
			{"wrong secret", good, signedPost(t, "whsec_"+strings.Repeat("QUJD", 8), "msg_x1", now, good), 401, "no webhook-signature matches"},
			{"tampered body", good, signedPost(t, secret, "msg_x2", now, strings.Replace(good, "hi", "ho", 1)), 401, "no webhook-signature matches"},
			{"stale timestamp", good, signedPost(t, secret, "msg_x3", now.Add(-10*time.Minute), good), 401, "5 minutes"},
			{"unknown connector", `{"connector":987654,"handle":"x","message":"hi"}`,
				signedPost(t, secret, "msg_x4", now, `{"connector":987654,"handle":"x","message":"hi"}`), 401, "no webhook-signature matches"},
			{"B's secret on A's connector", good, signedPost(t, "whsec_"+strings.Repeat("QkJC", 8), "msg_x5", now, good), 401, "no webhook-signature matches"},
			{"malformed JSON", `{"connector":` + cid + `,`, signedPost(t, secret, "msg_x6", now, `{"connector":`+cid+`,`), 400, "malformed"},
			{"unknown field", `{"connector":` + cid + `,"handle":"x","message":"hi","likes":3}`,
				signedPost(t, secret, "msg_x7", now, `{"connector":`+cid+`,"handle":"x","message":"hi","likes":3}`), 400, "unknown field"},
			{"no handle", `{"connector":` + cid + `,"message":"hi"}`, signedPost(t, secret, "msg_x8", now, `{"connector":`+cid+`,"message":"hi"}`), 400, "handle"},
			{"another network", `{"connector":` + cid + `,"network":"x","handle":"a","message":"hi"}`,
				signedPost(t, secret, "msg_x9", now, `{"connector":`+cid+`,"network":"x","handle":"a","message":"hi"}`), 400, "network"},
		}
		for _, tc := range cases {
			res := e.do("POST", "/api/v1/intake/social", tc.body, tc.header)
			if res.Code != tc.status {
				t.Errorf("%s: %d %s", tc.name, res.Code, res.Body)
				continue
			}
			if _, msg := errorOf(t, res); !strings.Contains(msg, tc.msg) {
				t.Errorf("%s: %q", tc.name, msg)
			}
		}

		// The developer answers; the reply goes to the connector's server,
		// signed with its secret, and its state shows in the thread.
		if res := e.do("POST", "/api/v1/inquiries/"+iid+"/replies", `{"body":"보석을 다시 보내 드렸습니다"}`, bearer(a.memberToken)); res.Code != http.StatusCreated {
			t.Fatalf("reply: %d %s", res.Code, res.Body)
		}
		res = e.do("GET", "/api/v1/inquiries/"+iid, "", bearer(a.key))
		if !strings.Contains(res.Body.String(), `"social":{"state":"queued"`) {
			t.Fatalf("queued reply: %s", res.Body)
		}
		runJob(t, db, vocdesk.JobSocialReply, (&webhooks.SocialReplier{Service: e.svc.Social, Client: webhooks.NewClient(true, 5*time.Second), UserAgent: "test"}).Handle)
		select {
		case body := <-got:
			if !strings.Contains(body, `"type":"social.reply"`) || !strings.Contains(body, `"handle":"fan.one"`) ||
				!strings.Contains(body, `"in_reply_to":"msg_2"`) || !strings.Contains(body, "보석을 다시 보내 드렸습니다") {
				t.Fatalf("the connector received %s", body)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the connector's server received nothing")
		}
		res = e.do("GET", "/api/v1/inquiries/"+iid, "", bearer(a.key))
		if !strings.Contains(res.Body.String(), `"social":{"state":"delivered","attempts":1,"last_status":200`) {
			t.Fatalf("delivered reply: %s", res.Body)
		}

		// Tenancy: B cannot remove A's connector; A can, and then it
		// takes no more posts.
		if res := e.do("DELETE", "/api/v1/social-connectors/"+cid, "", bearer(b.key)); res.Code != http.StatusNotFound {
			t.Fatalf("B deletes A's connector: %d", res.Code)
		}
		if res := e.do("DELETE", "/api/v1/social-connectors/"+cid, "", bearer(a.key)); res.Code != http.StatusNoContent {
			t.Fatalf("delete: %d %s", res.Code, res.Body)
		}
		if res := post("msg_3", "fan.one", "hello?"); res.Code != http.StatusUnauthorized {
			t.Fatalf("post to a deleted connector: %d %s", res.Code, res.Body)
		}
	})
}

// runJob claims the queued jobs of kind and runs handle on each once.
func runJob(t *testing.T, db *sqlstore.DB, kind string, handle func(context.Context, *vocdesk.Job) error) {
	t.Helper()
	q := sqlstore.NewJobQueue(db)
	ctx := context.Background()
	js, err := q.Claim(ctx, []string{kind}, 10, time.Minute)
	if err != nil || len(js) == 0 {
		t.Fatalf("claim %s: %v (%d jobs)", kind, err, len(js))
	}
	for _, j := range js {
		if err := handle(ctx, j); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if err := q.Complete(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSocialReplyURLMustBePublic: without --allow-private-webhooks a
// connector's reply URL on loopback or a private network is refused, as a
// webhook's is.
func TestSocialReplyURLMustBePublic(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		for _, u := range []string{"http://127.0.0.1:8080/r", "http://10.0.0.5/r", "http://localhost/r"} {
			res := e.do("POST", "/api/v1/social-connectors", `{"network":"x","name":"n","app":"`+e.a.app+`","reply_url":"`+u+`"}`, bearer(e.a.key))
			if res.Code != http.StatusBadRequest {
				t.Errorf("%s: %d %s", u, res.Code, res.Body)
			}
		}
	})
}
