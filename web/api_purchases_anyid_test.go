package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestPurchaseAnyIDSearch is GET /purchases?q= through the whole server:
// every kind of id finds the purchase with its customer, a viewer sees the
// contacts masked, another developer finds nothing, and a search too long
// to be any id is refused.
func TestPurchaseAnyIDSearch(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		type hit struct {
			TxID     string `json:"txid"`
			Customer *struct {
				ID                 int64
				Name, Email, Phone string
			}
		}
		search := func(secret, q string) []hit {
			t.Helper()
			res := e.do("GET", "/api/v1/purchases?q="+url.QueryEscape(q), "", bearer(secret))
			if res.Code != http.StatusOK {
				t.Fatalf("q=%s: %d %s", q, res.Code, res.Body)
			}
			var list struct{ Items []hit }
			if err := json.Unmarshal(res.Body.Bytes(), &list); err != nil {
				t.Fatal(err)
			}
			return list.Items
		}
		for _, q := range []string{e.a.txid, e.a.tid, strconv.FormatInt(e.a.customerID, 10), strings.ToUpper(e.a.customerEmail), "010 1234 5678", "01012345678"} {
			got := search(e.a.key, q)
			if len(got) != 1 || got[0].TxID != e.a.txid || got[0].Customer == nil {
				t.Fatalf("developer A q=%q: %+v", q, got)
			}
			if c := got[0].Customer; c.Email != e.a.customerEmail || c.Phone != "010-1234-5678" || c.ID != e.a.customerID {
				t.Errorf("developer A's key sees %+v; want the contacts unmasked", c)
			}
		}
		viewer := e.memberSession(e.a, vocdesk.RoleViewer)
		got := search(viewer, "010-1234-5678")
		if len(got) != 1 || got[0].Customer == nil || got[0].Customer.Email != vocdesk.MaskEmail(e.a.customerEmail) || got[0].Customer.Phone != "***-5678" {
			t.Errorf("a viewer sees %+v; want masked contacts", got)
		}
		// Both customers gave the same phone number: each developer finds
		// its own purchase only, and nothing by the other's ids.
		if got := search(e.b.key, "010-1234-5678"); len(got) != 1 || got[0].TxID != e.b.txid {
			t.Errorf("developer B by phone: %+v", got)
		}
		for _, q := range []string{e.a.txid, e.a.tid, e.a.customerEmail, strconv.FormatInt(e.a.customerID, 10)} {
			if got := search(e.b.key, q); len(got) != 0 {
				t.Errorf("developer B q=%q finds %+v", q, got)
			}
		}
		if got := search(e.opKey, "010-1234-5678"); len(got) != 2 {
			t.Errorf("the operator by phone: %+v", got)
		}
		res := e.do("GET", "/api/v1/purchases?q="+strings.Repeat("x", 255), "", bearer(e.a.key))
		if res.Code != http.StatusBadRequest {
			t.Errorf("a 255-character q: %d", res.Code)
		}
	})
}
