package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestIMAPMailboxAPI sets, reads and deletes a developer's polled mailbox:
// the password is taken and never shown back, a plain connection is only
// for a loopback server, bad settings answer 400 with what is wrong, and
// another developer's slug answers 404 like a missing one.
func TestIMAPMailboxAPI(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		url := "/api/v1/developers/" + e.b.slug + "/imap"
		if res := e.do("GET", url, "", bearer(e.b.memberToken)); res.Code != http.StatusNotFound {
			t.Fatalf("before any settings: %d %s", res.Code, res.Body)
		}
		for _, c := range []struct{ body, want string }{
			{`{"addr":"imap.example.com","username":"u","password":"p"}`, "host:port"},
			{`{"addr":"imap.example.com:99999","username":"u","password":"p"}`, "host:port"},
			{`{"addr":"imap.example.com:993","security":"ssl","username":"u","password":"p"}`, "security must be"},
			{`{"addr":"imap.example.com:993","username":"","password":"p"}`, "username is required"},
			{`{"addr":"imap.example.com:993","username":"u"}`, "password is required"},
			{`{"addr":"imap.example.com:143","security":"none","username":"u","password":"p"}`, "only to a server on this machine"},
			{`{"addr":"imap.example.com:993","username":"u","password":"p","mailbox":"a*b"}`, "mailbox must be"},
			{`{"addr":"imap.example.com:993","username":"u","password":"p","port":1}`, "unknown"},
		} {
			res := e.do("PUT", url, c.body, bearer(e.b.memberToken))
			if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), c.want) {
				t.Errorf("%s: %d %s; want 400 saying %q", c.body, res.Code, res.Body, c.want)
			}
		}
		res := e.do("PUT", url, `{"addr":"imap.example.com:993","username":"support@bravo.example","password":"hunter2-secret"}`,
			bearer(e.b.memberToken))
		if res.Code != http.StatusOK {
			t.Fatalf("put: %d %s", res.Code, res.Body)
		}
		for _, who := range []string{e.b.memberToken, e.b.key, e.opKey} {
			res := e.do("GET", url, "", bearer(who))
			body := res.Body.String()
			if res.Code != http.StatusOK || strings.Contains(body, "hunter2") || !strings.Contains(body, `"has_password":true`) ||
				!strings.Contains(body, `"security":"tls"`) || !strings.Contains(body, `"mailbox":"INBOX"`) || !strings.Contains(body, `"enabled":true`) {
				t.Errorf("get: %d %s", res.Code, body)
			}
		}
		// The password may be left out to keep it, for the same server and
		// user only: it never goes to a server it was not typed for.
		res = e.do("PUT", url, `{"addr":"imap.example.com:993","security":"starttls","username":"support@bravo.example","mailbox":"Support","enabled":false}`,
			bearer(e.b.key))
		if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"has_password":true`) ||
			!strings.Contains(res.Body.String(), `"next_poll_at":null`) || !strings.Contains(res.Body.String(), `"mailbox":"Support"`) {
			t.Fatalf("keep the password: %d %s", res.Code, res.Body)
		}
		for _, body := range []string{`{"addr":"127.0.0.1:1143","security":"none","username":"support@bravo.example"}`,
			`{"addr":"imap.example.com:993","username":"someone-else@bravo.example"}`} {
			if res := e.do("PUT", url, body, bearer(e.b.key)); res.Code != http.StatusBadRequest ||
				!strings.Contains(res.Body.String(), "password is required again") {
				t.Errorf("%s without a password: %d %s", body, res.Code, res.Body)
			}
		}
		// Loopback may go plain.
		res = e.do("PUT", url, `{"addr":"127.0.0.1:1143","security":"none","username":"support@bravo.example","password":"x"}`, bearer(e.b.key))
		if res.Code != http.StatusOK {
			t.Fatalf("plain to loopback: %d %s", res.Code, res.Body)
		}
		if res := e.do("GET", "/api/v1/developers/"+e.a.slug+"/imap", "", bearer(e.b.key)); res.Code != http.StatusNotFound {
			t.Errorf("another developer's mailbox: %d", res.Code)
		}
		if res := e.do("DELETE", url, "", bearer(e.b.memberToken)); res.Code != http.StatusNoContent {
			t.Fatalf("delete: %d %s", res.Code, res.Body)
		}
		if res := e.do("GET", url, "", bearer(e.b.memberToken)); res.Code != http.StatusNotFound {
			t.Errorf("after delete: %d", res.Code)
		}
	})
}
