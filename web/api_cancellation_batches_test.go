package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// seedBatch stores and runs a batch of tn's (cancelling what is left of
// its purchase), as its server would through the API, and returns its id.
func (e *env) seedBatch(tn tenant) int64 {
	e.t.Helper()
	h := bearer(tn.key)
	h.Set("Content-Type", "text/csv")
	h.Set("Idempotency-Key", "seed-batch")
	res := e.do("POST", "/api/v1/cancellation-batches", "txid,amount,reason\n"+tn.txid+",1,other\n", h)
	if res.Code != http.StatusCreated {
		e.t.Fatalf("seed batch: %d %s", res.Code, res.Body)
	}
	var b struct{ ID int64 }
	if err := json.Unmarshal(res.Body.Bytes(), &b); err != nil || b.ID == 0 {
		e.t.Fatalf("seed batch: %v %s", err, res.Body)
	}
	return b.ID
}

type batchAnswer struct {
	ID       *int64
	Status   string
	Rows     int
	Accepted int
	Rejected int
	Items    []struct {
		Line      int
		TxID      string
		Amount    *string
		Outcome   string
		RequestID *int64 `json:"request_id"`
		Error     *string
	}
}

// TestCancellationBatchAPI is the contract's bulk cancellation through the
// whole server: a dry run writes nothing, the batch runs, the same key and
// file answers the same batch, another file under the key is 422, and the
// results read back as JSON and CSV.
func TestCancellationBatchAPI(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		post := func(query, key, body string) (*batchAnswer, int, string) {
			t.Helper()
			h := bearer(e.a.key)
			h.Set("Content-Type", "text/csv")
			if key != "" {
				h.Set("Idempotency-Key", key)
			}
			res := e.do("POST", "/api/v1/cancellation-batches"+query, body, h)
			var b batchAnswer
			_ = json.Unmarshal(res.Body.Bytes(), &b)
			return &b, res.Code, res.Body.String()
		}
		file := "TxID,Amount,Reason\n" + e.a.txid + ",200,other\n" + e.b.txid + ",,\nTX-NOPE,1,\n" + e.a.txid + ",1,\n"
		b, code, body := post("?dry_run=true", "", file)
		if code != http.StatusOK || b.ID != nil || b.Rows != 4 || b.Accepted != 1 || b.Rejected != 3 {
			t.Fatalf("dry run: %d %s", code, body)
		}
		wantErrs := []string{"", "unknown_purchase", "unknown_purchase", "duplicate_row"}
		for i, it := range b.Items {
			got := ""
			if it.Error != nil {
				got = *it.Error
			}
			if got != wantErrs[i] || it.Line != i+2 {
				t.Errorf("dry run line %d: %q; want %q", it.Line, got, wantErrs[i])
			}
		}
		before := e.countRequests()
		if _, code, _ := post("", "", file); code != http.StatusBadRequest {
			t.Errorf("without a key: %d", code)
		}
		b, code, body = post("", "k-1", file)
		if code != http.StatusCreated || b.ID == nil || b.Status != "done" || b.Items[0].RequestID == nil || *b.Items[0].Amount != "200" {
			t.Fatalf("the batch: %d %s", code, body)
		}
		again, code, _ := post("", "k-1", file)
		if code != http.StatusCreated || *again.ID != *b.ID {
			t.Fatalf("the same key and file: %d %+v", code, again)
		}
		if e.countRequests() != before+1 {
			t.Errorf("%d requests made; want 1", e.countRequests()-before)
		}
		if _, code, body := post("", "k-1", "txid\n"+e.a.txid+"\n"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "idempotency_key_reused") {
			t.Errorf("the same key, another file: %d %s", code, body)
		}
		id := jsonNumber(*b.ID)
		res := e.do("GET", "/api/v1/cancellation-batches/"+id, "", bearer(e.a.key))
		if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"status":"done"`) {
			t.Fatalf("read back: %d %s", res.Code, res.Body)
		}
		res = e.do("GET", "/api/v1/cancellation-batches/"+id+"/results.csv", "", bearer(e.a.key))
		lines := strings.Split(strings.TrimSpace(res.Body.String()), "\n")
		if res.Code != http.StatusOK || len(lines) != 5 || !strings.HasPrefix(lines[1], "2,"+e.a.txid+",200,KRW,other,accepted,") ||
			lines[2] != "3,"+e.b.txid+",,,customer_request,rejected,,unknown_purchase" {
			t.Fatalf("results.csv: %d\n%s", res.Code, res.Body)
		}
		// Developer B reads A's batch as one that does not exist.
		if res := e.do("GET", "/api/v1/cancellation-batches/"+id, "", bearer(e.b.key)); res.Code != http.StatusNotFound {
			t.Errorf("developer B reads A's batch: %d", res.Code)
		}
		for _, p := range []string{"template.csv", "template.xlsx"} {
			res := e.do("GET", "/api/v1/cancellation-batches/"+p, "", bearer(e.a.key))
			if res.Code != http.StatusOK || res.Body.Len() == 0 {
				t.Errorf("%s: %d", p, res.Code)
			}
		}
	})
}

// TestCancellationBatchRefusesBadFiles: a malformed, password-protected or
// oversized file is a clear 4xx and writes nothing.
func TestCancellationBatchRefusesBadFiles(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		before := e.countRequests()
		for name, c := range map[string]struct {
			body   string
			status int
			msg    string
		}{
			"no txid column": {"id,amount\n1,2\n", http.StatusBadRequest, "no txid column"},
			"encrypted":      {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", http.StatusBadRequest, "password-protected"},
			"broken zip":     {"PK\x03\x04broken", http.StatusBadRequest, "not a readable .xlsx"},
			"too large":      {"txid\n" + strings.Repeat("x", 9<<20), http.StatusRequestEntityTooLarge, "MiB"},
		} {
			h := bearer(e.a.key)
			h.Set("Content-Type", "text/csv")
			h.Set("Idempotency-Key", "bad-"+name)
			res := serve(e.srv, "POST", "/api/v1/cancellation-batches", c.body, h)
			if res.Code != c.status || !strings.Contains(res.Body.String(), c.msg) {
				t.Errorf("%s: %d %s", name, res.Code, res.Body)
			}
		}
		if e.countRequests() != before {
			t.Error("a refused file made requests")
		}
		// Nothing was stored under the refused file's key: a good file
		// under it is a new batch, not another file under a used key (422).
		h := bearer(e.a.key)
		h.Set("Content-Type", "text/csv")
		h.Set("Idempotency-Key", "bad-encrypted")
		if res := e.do("POST", "/api/v1/cancellation-batches", "txid\n"+e.a.txid+"\n", h); res.Code != http.StatusCreated {
			t.Errorf("a good file under the refused file's key: %d %s", res.Code, res.Body)
		}
	})
}

func (e *env) countRequests() int {
	e.t.Helper()
	rs, _, err := e.svc.Cancellations.FindCancellations(systemCtx(), vocdesk.CancellationFilter{Limit: 200})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(rs)
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
