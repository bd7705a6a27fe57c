package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestAPIRefusesAmountsThatWouldRound: an amount with more decimals than
// its currency has (KRW has none) is refused as malformed, never rounded or
// cut to fit: a refund of "300.5" KRW must not become a refund of 300.
// Zeros past the currency's decimals are the same amount and accepted.
// This is the money path's own check, independent of ParseAmount's table
// test.
func TestAPIRefusesAmountsThatWouldRound(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		url := "/api/v1/purchases/" + e.a.txid + "/cancellation-requests"
		for i, amount := range []string{"300.5", "0.9", "300.01", "1199.999"} {
			res := e.do("POST", url, `{"amount":"`+amount+`","reason":"other"}`, idemHeader(e.a.key, "round-"+string(rune('a'+i))))
			if c, _ := errorOf(t, res); res.Code != http.StatusBadRequest || c != vocdesk.EINVALID {
				t.Errorf("amount %s KRW: %d %s; want 400 %s", amount, res.Code, res.Body, vocdesk.EINVALID)
			}
		}
		res := e.do("POST", url, `{"amount":"300.00","reason":"other"}`, idemHeader(e.a.key, "round-ok"))
		if res.Code != http.StatusCreated {
			t.Fatalf("300.00 KRW: %d %s", res.Code, res.Body)
		}
		if res := e.do("GET", "/api/v1/cancellation-requests", "", bearer(e.opKey)); res.Code != http.StatusOK {
			t.Fatalf("list: %d %s", res.Code, res.Body)
		} else if got := strings.Count(res.Body.String(), `"amount":"300"`); got != 1 {
			t.Fatalf("%d requests of 300 KRW; want the one of 300.00: %s", got, res.Body)
		}
	})
}
