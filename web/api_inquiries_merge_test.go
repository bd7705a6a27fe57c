package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// Merging through the API: B merges its own inquiries and undoes it; B's
// inquiry into A's answers as one into an inquiry that does not exist.
func TestMergeAPI(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		res := e.do("POST", "/api/v1/me/inquiries", `{"txid":"`+e.b.txid+`","category":"bug","subject":"second","body":"again"}`, bearer(e.b.customerToken))
		if res.Code != http.StatusCreated {
			t.Fatalf("second inquiry: %d %s", res.Code, res.Body)
		}
		var second struct{ ID int64 }
		if err := json.Unmarshal(res.Body.Bytes(), &second); err != nil {
			t.Fatal(err)
		}
		dev := bearer(e.b.memberToken)
		id := strconv.FormatInt(second.ID, 10)
		into := strconv.FormatInt(e.b.desk.inquiryID, 10)

		toA := e.do("POST", "/api/v1/inquiries/"+id+"/merge", `{"into":`+strconv.FormatInt(e.a.desk.inquiryID, 10)+`}`, dev)
		toNone := e.do("POST", "/api/v1/inquiries/"+id+"/merge", `{"into":987654399}`, dev)
		if toA.Code != http.StatusNotFound || toA.Body.String() != toNone.Body.String() {
			t.Errorf("B's inquiry into A's: %d %s; into none: %s", toA.Code, toA.Body, toNone.Body)
		}
		if res := e.do("POST", "/api/v1/inquiries/"+id+"/merge", `{"into":0}`, dev); res.Code != http.StatusBadRequest {
			t.Errorf("into 0: %d", res.Code)
		}
		res = e.do("POST", "/api/v1/inquiries/"+id+"/merge", `{"into":`+into+`}`, dev)
		if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"survivor":`+into) {
			t.Fatalf("merge: %d %s", res.Code, res.Body)
		}
		res = e.do("GET", "/api/v1/inquiries/"+id+"/merges", "", dev)
		if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"merged_into":{`) {
			t.Errorf("merges of the merged one: %d %s", res.Code, res.Body)
		}
		res = e.do("GET", "/api/v1/inquiries/"+into+"/merges", "", dev)
		if !strings.Contains(res.Body.String(), `"merged_into":null`) || !strings.Contains(res.Body.String(), `"merged":`+id) {
			t.Errorf("merges of the survivor: %s", res.Body)
		}
		if res := e.do("POST", "/api/v1/inquiries/"+id+"/merge", `{"into":`+into+`}`, dev); res.Code != http.StatusConflict {
			t.Errorf("merge again: %d %s", res.Code, res.Body)
		}
		if res := e.do("POST", "/api/v1/inquiries/"+id+"/merge/undo", "", dev); res.Code != http.StatusNoContent {
			t.Errorf("undo: %d %s", res.Code, res.Body)
		}
		if res := e.do("POST", "/api/v1/inquiries/"+id+"/merge/undo", "", dev); res.Code != http.StatusNotFound {
			t.Errorf("undo again: %d %s", res.Code, res.Body)
		}
	})
}

// Snoozing through the API, and the inbox's snoozed filter.
func TestSnoozeAPI(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		dev := bearer(e.b.memberToken)
		id := strconv.FormatInt(e.b.desk.inquiryID, 10)
		if res := e.do("GET", "/api/v1/inquiries/"+id+"/snooze", "", dev); res.Code != http.StatusNotFound {
			t.Errorf("awake: %d", res.Code)
		}
		until := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
		for _, bad := range []string{`{}`, `{"until":"tomorrow"}`, `{"until":"` + until + `","until_reply":true}`, `{"until":"2001-01-01T00:00:00Z"}`, `{"until_reply":false}`} {
			if res := e.do("PUT", "/api/v1/inquiries/"+id+"/snooze", bad, dev); res.Code != http.StatusBadRequest {
				t.Errorf("%s: %d %s", bad, res.Code, res.Body)
			}
		}
		res := e.do("PUT", "/api/v1/inquiries/"+id+"/snooze", `{"until":"`+until+`"}`, dev)
		if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"until":"`+until+`"`) {
			t.Fatalf("snooze: %d %s", res.Code, res.Body)
		}
		list := func(q string) string {
			res := e.do("GET", "/api/v1/inquiries?"+q, "", dev)
			if res.Code != http.StatusOK {
				t.Fatalf("list %s: %d %s", q, res.Code, res.Body)
			}
			return res.Body.String()
		}
		if got := list("snoozed=hide"); strings.Contains(got, `"id":`+id+`,`) {
			t.Errorf("hidden view shows the snoozed inquiry: %s", got)
		}
		if got := list("snoozed=only"); !strings.Contains(got, `"id":`+id+`,`) {
			t.Errorf("snoozed view misses it: %s", got)
		}
		if res := e.do("GET", "/api/v1/inquiries?snoozed=yes", "", dev); res.Code != http.StatusBadRequest {
			t.Errorf("snoozed=yes: %d", res.Code)
		}
		// Customers have no such filter: their list takes no snoozed.
		if res := e.do("GET", "/api/v1/me/inquiries?snoozed=only", "", bearer(e.b.customerToken)); res.Code != http.StatusBadRequest {
			t.Errorf("customer's snoozed filter: %d %s", res.Code, res.Body)
		}
		if res := e.do("DELETE", "/api/v1/inquiries/"+id+"/snooze", "", dev); res.Code != http.StatusNoContent {
			t.Errorf("wake: %d %s", res.Code, res.Body)
		}
		if got := list("snoozed=hide"); !strings.Contains(got, `"id":`+id+`,`) {
			t.Errorf("awake again, but hidden: %s", got)
		}
	})
}

// FuzzDecodeMergeSnooze: the merge and snooze decoders take any body
// without a panic, and what they accept is a request the service can act on.
func FuzzDecodeMergeSnooze(f *testing.F) {
	for _, s := range []string{`{"into":5}`, `{"into":-1}`, `{"into":"5"}`, `{"into":1e400}`, `{"until":"2030-01-01T09:00:00+09:00"}`,
		`{"until_reply":true}`, `{"until":null,"until_reply":true}`, `{"until":"x"}`, `{}`, `null`, `[]`, `{"into":5}{}`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		refused := func(err error) {
			t.Helper()
			if vocdesk.ErrorCode(err) != vocdesk.EINVALIDTEXT {
				want4xx(t, err, body)
			}
		}
		into, err := web.DecodeMerge(fuzzRequest(body, "application/json"))
		if err != nil {
			refused(err)
		} else if into <= 0 {
			t.Fatalf("merge into %d from %q", into, body)
		}
		until, err := web.DecodeSnooze(fuzzRequest(body, "application/json"))
		if err != nil {
			refused(err)
		} else if until != nil && until.IsZero() {
			t.Fatalf("snooze until the zero time from %q", body)
		}
	})
}
