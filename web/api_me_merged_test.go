package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestMyInquiryMergedInto: the customer's API detail of a merged inquiry
// points to the one it went into, as My Page does; null before the merge,
// on the survivor, and again after an undo.
func TestMyInquiryMergedInto(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		cust := bearer(e.b.customerToken)
		res := e.do("POST", "/api/v1/me/inquiries", `{"txid":"`+e.b.txid+`","category":"bug","subject":"second","body":"again"}`, cust)
		if res.Code != http.StatusCreated {
			t.Fatalf("second inquiry: %d %s", res.Code, res.Body)
		}
		var second struct{ ID int64 }
		mustJSON(t, json.Unmarshal(res.Body.Bytes(), &second))
		id, into := strconv.FormatInt(second.ID, 10), strconv.FormatInt(e.b.desk.inquiryID, 10)
		type detail struct {
			MergedInto *struct {
				ID      int64
				Subject string
			} `json:"merged_into"`
			Subject string
		}
		get := func(id string) detail {
			t.Helper()
			res := e.do("GET", "/api/v1/me/inquiries/"+id, "", cust)
			if res.Code != http.StatusOK {
				t.Fatalf("detail %s: %d %s", id, res.Code, res.Body)
			}
			var d detail
			mustJSON(t, json.Unmarshal(res.Body.Bytes(), &d))
			return d
		}
		if d := get(id); d.MergedInto != nil {
			t.Fatalf("before the merge: %+v", d.MergedInto)
		}
		dev := bearer(e.b.memberToken)
		if res := e.do("POST", "/api/v1/inquiries/"+id+"/merge", `{"into":`+into+`}`, dev); res.Code != http.StatusOK {
			t.Fatalf("merge: %d %s", res.Code, res.Body)
		}
		survivor := get(into)
		if d := get(id); d.MergedInto == nil || d.MergedInto.ID != e.b.desk.inquiryID || d.MergedInto.Subject != survivor.Subject || survivor.Subject == "" {
			t.Fatalf("merged: %+v, survivor %q", d.MergedInto, survivor.Subject)
		}
		if survivor.MergedInto != nil {
			t.Fatalf("survivor points to %+v", survivor.MergedInto)
		}
		if res := e.do("POST", "/api/v1/inquiries/"+id+"/merge/undo", "", dev); res.Code != http.StatusNoContent {
			t.Fatalf("undo: %d %s", res.Code, res.Body)
		}
		if d := get(id); d.MergedInto != nil {
			t.Fatalf("after the undo: %+v", d.MergedInto)
		}
	})
}
