package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// TestCallsAPI: POST /calls logs a phone inquiry with the caller's consent;
// without it, the developer's API detail, list, filters and webhooks carry
// none of the caller's payment ids or contacts; with it, everything.
func TestCallsAPI(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnvWith(t, db, web.Config{AllowPrivateWebhooks: true})
		a := e.a
		if res := e.do("PUT", "/api/v1/webhook", `{"url":"http://127.0.0.1:9/hooks"}`, bearer(a.key)); res.Code != http.StatusOK {
			t.Fatalf("webhook: %d %s", res.Code, res.Body)
		}
		call := func(consent bool) (int64, string) {
			t.Helper()
			body := `{"customer":"` + a.customerEmail + `","txid":"` + a.txid + `","category":"not_received",` +
				`"summary":"고객님이 보석을 못 받으셨다고 합니다.\nCalled at 10:00.","consent":` + strconv.FormatBool(consent) + `}`
			res := e.do("POST", "/api/v1/calls", body, bearer(e.opKey))
			if res.Code != http.StatusCreated {
				t.Fatalf("call: %d %s", res.Code, res.Body)
			}
			var out struct {
				ID          int64  `json:"id"`
				TxID        string `json:"txid"`
				Channel     string `json:"channel"`
				IDsWithheld bool   `json:"ids_withheld"`
				Consent     struct {
					Given bool   `json:"given"`
					By    string `json:"by"`
				} `json:"consent"`
				Messages []struct{ Author string } `json:"messages"`
			}
			mustJSON(t, json.Unmarshal(res.Body.Bytes(), &out))
			if out.TxID != a.txid || out.Channel != "phone" || out.IDsWithheld == consent || out.Consent.Given != consent ||
				out.Consent.By == "" || len(out.Messages) != 1 || out.Messages[0].Author != "operator" {
				t.Fatalf("the store's answer: %s", res.Body)
			}
			return out.ID, res.Body.String()
		}
		without, _ := call(false)
		with, _ := call(true)
		secretsOf := []string{a.txid, a.tid, a.customerEmail, "1234-5678", `"customer_id":` + strconv.FormatInt(a.customerID, 10)}

		for _, who := range []string{a.key, a.memberToken} {
			res := e.do("GET", "/api/v1/inquiries/"+strconv.FormatInt(without, 10), "", bearer(who))
			if res.Code != http.StatusOK {
				t.Fatalf("detail: %d %s", res.Code, res.Body)
			}
			for _, s := range secretsOf {
				if strings.Contains(res.Body.String(), s) {
					t.Fatalf("the developer's detail of a call without consent shows %q:\n%s", s, res.Body)
				}
			}
			if !strings.Contains(res.Body.String(), `"ids_withheld":true`) || !strings.Contains(res.Body.String(), `"customer_purchases":[]`) {
				t.Fatalf("detail: %s", res.Body)
			}
			res = e.do("GET", "/api/v1/inquiries/"+strconv.FormatInt(with, 10), "", bearer(who))
			if !strings.Contains(res.Body.String(), `"txid":"`+a.txid+`"`) || !strings.Contains(res.Body.String(), `"customer_purchases":[{`) {
				t.Fatalf("detail with consent: %s", res.Body)
			}
		}
		// The list: the item is there, without the ids; the filters that
		// name the customer or the purchase do not find it.
		res := e.do("GET", "/api/v1/inquiries?channel=phone", "", bearer(a.key))
		var list struct {
			Items []struct {
				ID   int64  `json:"id"`
				TxID string `json:"txid"`
			} `json:"items"`
		}
		mustJSON(t, json.Unmarshal(res.Body.Bytes(), &list))
		seen := 0
		for _, it := range list.Items {
			if it.ID == without {
				seen++
				if it.TxID != "" {
					t.Fatalf("list shows the txid: %s", res.Body)
				}
			}
		}
		if seen != 1 {
			t.Fatalf("list: %s", res.Body)
		}
		for _, q := range []string{"txid=" + a.txid, "customer_id=" + strconv.FormatInt(a.customerID, 10)} {
			res := e.do("GET", "/api/v1/inquiries?"+q, "", bearer(a.key))
			if strings.Contains(res.Body.String(), `"id":`+strconv.FormatInt(without, 10)+`,`) {
				t.Fatalf("?%s finds the call without consent: %s", q, res.Body)
			}
		}
		// Webhooks: the developer's deliveries of the call carry no txid.
		res = e.do("GET", "/api/v1/webhook/deliveries", "", bearer(a.key))
		var dl struct {
			Items []struct {
				Type string          `json:"type"`
				Body json.RawMessage `json:"payload"`
			} `json:"items"`
		}
		mustJSON(t, json.Unmarshal(res.Body.Bytes(), &dl))
		created := 0
		for _, d := range dl.Items {
			b := string(d.Body)
			if d.Type == "inquiry.created" && strings.Contains(b, `"inquiry_id":`+strconv.FormatInt(without, 10)+`,`) {
				created++
				if strings.Contains(b, a.txid) {
					t.Fatalf("inquiry.created of the call without consent: %s", b)
				}
			}
		}
		if created != 1 {
			t.Fatalf("deliveries: %s", res.Body)
		}

		// Bad calls.
		for _, c := range []struct {
			body string
			want int
			msg  string
		}{
			{`{"customer":"010-1234-5678","app":"` + a.app + `","category":"other","summary":"x"}`, 400, "consent"},
			{`{"customer":"010-1234-5678","app":"` + a.app + `","category":"other","summary":"x","consent":true,"extra":1}`, 400, "unknown field"},
			{`{"customer":"010-1234-5678","app":"` + a.app + `","category":"other","summary":"x","consent":"yes"}`, 400, "consent"},
			{`{"customer":"hello","app":"` + a.app + `","category":"other","summary":"x","consent":true}`, 400, "customer"},
			{`{"customer":"010-1234-5678","category":"other","summary":"x","consent":true}`, 400, "app"},
			{`{"customer":"010-1234-5678","app":"` + a.app + `","category":"other","summary":"x",`, 400, "malformed"},
		} {
			res := e.do("POST", "/api/v1/calls", c.body, bearer(e.opKey))
			if res.Code != c.want {
				t.Errorf("%s: %d %s", c.body, res.Code, res.Body)
				continue
			}
			if _, msg := errorOf(t, res); !strings.Contains(msg, c.msg) {
				t.Errorf("%s: %s", c.body, msg)
			}
		}
		if res := e.do("POST", "/api/v1/calls", `{"customer":"010-1234-5678","app":"`+a.app+`","category":"other","summary":"x","consent":true}`,
			bearer(a.key)); res.Code != http.StatusNotFound {
			t.Errorf("a developer logs a call: %d", res.Code)
		}
	})
}

func mustJSON(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
