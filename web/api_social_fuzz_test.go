package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// FuzzSocialIntake sends any body to POST /api/v1/intake/social through
// the whole server and a real database, signed with the connector's secret
// (mode 0), signed and then altered (1), or signed for a stale timestamp
// (2). Whatever the bytes, the answer is 2xx or 4xx with the contract's
// error shape, never a 5xx or a panic; an unsigned or mis-signed request
// never gets past 401; and a body the decoder accepts is a post whose
// fields pass Validate, or a 4xx. With VOCDESK_TEST_POSTGRES set it runs on
// PostgreSQL.
func FuzzSocialIntake(f *testing.F) {
	e := newEnv(f, sqlstoretest.Open(f))
	c := &vocdesk.SocialConnector{Network: "kakao", Name: "fuzz", AppSlug: e.a.app}
	dev, err := e.svc.Developers.FindDeveloperBySlug(systemCtx(), e.a.slug)
	if err != nil {
		f.Fatal(err)
	}
	owner := vocdesk.NewContextWithActor(f.Context(), &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: dev.ID, Role: vocdesk.RoleOwner, Name: "o"})
	if err := e.svc.Social.CreateConnector(owner, c); err != nil {
		f.Fatal(err)
	}
	cid := strconv.FormatInt(c.ID, 10)
	for i, seed := range []string{
		`{"connector":` + cid + `,"network":"kakao","handle":"@친구","message":"환불해 주세요","url":"https://pf.kakao.example/1","customer_email":"alpha.customer@example.com","external_id":"k1"}`,
		`{"connector":` + cid + `,"handle":"a","message":"b"}`,
		`{"connector":` + cid + `,"handle":"a","message":"b","extra":true}`,
		`{"connector":` + cid + `,"handle":"a\u0000","message":"b"}`,
		`{"connector":` + cid + `,"handle":"` + strings.Repeat("h", 101) + `","message":"b"}`,
		`{"connector":-1,"handle":"a","message":"b"}`,
		`{"connector":"1","handle":"a","message":"b"}`,
		`{"connector":` + cid + `,"handle":"a","message":"\u202e\u0002"}`,
		`{"connector":` + cid + `,"handle":"a","message":"b","customer_email":"not-mail"}`,
		"null", "[]", "{", "", "\xff\xfe", `{"connector":` + cid + `}{}`,
	} {
		f.Add(uint8(i%3), seed)
	}
	n := 0
	f.Fuzz(func(t *testing.T, mode uint8, body string) {
		n++
		ts := time.Now()
		if mode%3 == 2 {
			ts = ts.Add(-time.Hour)
		}
		h := signedPost(t, c.Secret, "msg_fuzz_"+strconv.Itoa(n), ts, body)
		sent := body
		if mode%3 == 1 {
			sent = body + " "
		}
		res := serve(e.srv, "POST", "/api/v1/intake/social", sent, h)
		switch {
		case res.Code >= 500:
			t.Fatalf("answered %d to %q: %s", res.Code, body, res.Body)
		case mode%3 != 0 && res.Code < 400:
			t.Fatalf("a mis-signed or stale request was taken: %d %q", res.Code, body)
		case res.Code >= 400:
			var er struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(res.Body.Bytes(), &er); err != nil || er.Error.Code == "" || er.Error.Message == "" {
				t.Fatalf("answered %d without the error shape: %s", res.Code, res.Body)
			}
		}

		req := httptest.NewRequest("POST", "/api/v1/intake/social", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		raw, p, err := web.DecodeSocialPost(req)
		if err != nil {
			switch code := vocdesk.ErrorCode(err); code {
			case vocdesk.EINVALID, vocdesk.EINVALIDTEXT, vocdesk.ETOOLARGE:
			default:
				t.Fatalf("decode error %q (%v) for %q", code, err, body)
			}
			return
		}
		if string(raw) != body {
			t.Fatalf("the signed bytes changed: %q became %q", body, raw)
		}
		if err := p.Validate(); err != nil && vocdesk.ErrorCode(err) != vocdesk.EINVALID && vocdesk.ErrorCode(err) != vocdesk.EINVALIDTEXT {
			t.Fatalf("Validate: %v", err)
		}
	})
}
