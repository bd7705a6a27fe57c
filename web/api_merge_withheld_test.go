package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestMergeWithheldCallAPI: the developer merging a call whose customer
// withheld their ids into that customer's inquiry (or the other way) gets
// the very answer of a merge into an inquiry that does not exist, and the
// customer's inquiry does not take the call's purchase.
func TestMergeWithheldCallAPI(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		a := e.a
		body := `{"customer":"` + a.customerEmail + `","txid":"` + a.txid + `","category":"not_received","summary":"못 받음","consent":false}`
		res := e.do("POST", "/api/v1/calls", body, bearer(e.opKey))
		if res.Code != http.StatusCreated {
			t.Fatalf("call: %d %s", res.Code, res.Body)
		}
		var call struct{ ID int64 }
		mustJSON(t, json.Unmarshal(res.Body.Bytes(), &call))
		withheld := strconv.FormatInt(call.ID, 10)
		mine := strconv.FormatInt(a.desk.inquiryID, 10)
		dev := bearer(a.memberToken)
		none := e.do("POST", "/api/v1/inquiries/"+mine+"/merge", `{"into":987654399}`, dev)
		for _, c := range [][2]string{{withheld, mine}, {mine, withheld}} {
			res := e.do("POST", "/api/v1/inquiries/"+c[0]+"/merge", `{"into":`+c[1]+`}`, dev)
			if res.Code != http.StatusNotFound || res.Body.String() != none.Body.String() {
				t.Errorf("merge %s into %s: %d %s; into none: %s", c[0], c[1], res.Code, res.Body, none.Body)
			}
		}
		res = e.do("GET", "/api/v1/inquiries/"+withheld+"/merges", "", dev)
		if res.Code != http.StatusOK {
			t.Fatalf("merges of the call: %d %s", res.Code, res.Body)
		}
		var m struct {
			MergedInto *struct{ ID int64 } `json:"merged_into"`
		}
		mustJSON(t, json.Unmarshal(res.Body.Bytes(), &m))
		if m.MergedInto != nil {
			t.Fatalf("the call was merged: %s", res.Body)
		}
	})
}
