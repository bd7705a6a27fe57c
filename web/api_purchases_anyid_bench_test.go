package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// BenchmarkAnyIDSearch is GET /purchases?q= through the whole server
// (routing, the API key, the search, the customer, JSON), with no network:
// what one search costs the server in CPU and allocations, whatever the
// machine's load. bench/ledger part (d) measures the latency at 10M
// purchases; run this with -cpuprofile to see where a search's time goes:
//
//	go test -run '^$' -bench AnyIDSearch -benchmem -cpuprofile /tmp/anyid.prof ./web/
func BenchmarkAnyIDSearch(b *testing.B) {
	run := func(b *testing.B, db *sqlstore.DB) {
		e := newEnv(b, db)
		// The ids a customer quotes: TxID, TID, customer id, email, phone.
		queries := []string{e.a.txid, e.a.tid, strconv.FormatInt(e.a.customerID, 10), e.a.customerEmail, "010-1234-5678"}
		for _, who := range []struct{ name, key string }{{"developer", e.a.key}, {"operator", e.opKey}} {
			b.Run(who.name, func(b *testing.B) {
				header := bearer(who.key)
				k := 0
				for b.Loop() {
					req := httptest.NewRequest("GET", "/api/v1/purchases?q="+url.QueryEscape(queries[k%len(queries)]), nil)
					req.RemoteAddr = "192.0.2.1:1234"
					req.Header = header
					res := httptest.NewRecorder()
					e.srv.ServeHTTP(res, req)
					if res.Code != http.StatusOK {
						b.Fatalf("%d %s", res.Code, res.Body)
					}
					k++
				}
			})
		}
	}
	b.Run("sqlite", func(b *testing.B) { run(b, sqlstoretest.OpenSQLite(b)) })
	if u := os.Getenv(sqlstoretest.EnvPostgres); u != "" {
		b.Run("postgres", func(b *testing.B) { run(b, sqlstoretest.OpenPostgres(b, u)) })
	}
}
