package crashtest

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// batchRows is an outage's worth of rows: the contract's largest batch.
const batchRows = 10000

// TestBatchCrash uploads a 10,000-row bulk cancellation, kills the server
// with SIGKILL while the batch runs (twice), and retries the upload with
// the same Idempotency-Key until it answers: each row must end as exactly
// one cancellation request.
func TestBatchCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test builds and runs the binary")
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := t.TempDir() + "/batch.db"
		batchCrash(t, path, func() (*sql.DB, error) { return sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)") })
	})
	if u := os.Getenv(sqlstoretest.EnvPostgres); u != "" {
		t.Run("postgres", func(t *testing.T) {
			t.Parallel()
			dsn, _ := sqlstoretest.NewPostgresSchema(t, u)
			batchCrash(t, dsn, func() (*sql.DB, error) { return sql.Open("pgx", dsn) })
		})
	}
}

func batchCrash(t *testing.T, dsn string, openDB func() (*sql.DB, error)) {
	run(t, "migrate", "--db", dsn)
	opKey := lastLine(run(t, "key", "create", "--operator", "--name", "crashtest", "--db", dsn))
	srv := newServer(t, dsn, "--mailer", "discard")
	srv.start()
	api := &client{base: srv.url()}
	api.must(t, "POST", "/api/v1/developers", opKey, "", `{"slug":"batch-dev","name":"Batch Dev","email":"batch@dev.example.com"}`, 201)
	api.must(t, "POST", "/api/v1/apps", opKey, "", `{"developer":"batch-dev","slug":"batch-app","name":"Batch App"}`, 201)
	var cust struct{ ID int64 }
	_ = json.Unmarshal(api.must(t, "POST", "/api/v1/customers", opKey, "", `{"email":"batch@example.com","name":"Batch","locale":"en"}`, 201), &cust)
	devKey := lastLine(run(t, "key", "create", "--developer", "batch-dev", "--db", dsn))

	// The ledger, through the billing import; the upload names every
	// purchase once.
	var ledger, upload strings.Builder
	ledger.WriteString("txid,tid,customer_id,app,item,amount,currency,method,paid_at\n")
	upload.WriteString("txid,amount,reason\n")
	paidAt := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	for i := range batchRows {
		fmt.Fprintf(&ledger, "TX-BATCH-%05d,batch-%05d,%d,batch-app,gems,3300,KRW,card,%s\n", i, i, cust.ID, paidAt)
		amount := ""
		if i%2 == 0 {
			amount = "1000"
		}
		fmt.Fprintf(&upload, "TX-BATCH-%05d,%s,other\n", i, amount)
	}
	file := filepath.Join(t.TempDir(), "ledger.csv")
	if err := os.WriteFile(file, []byte(ledger.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "import", "purchases", file, "--db", dsn)

	db, err := openDB()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Kill the server twice while the batch is part way done. The upload
	// waits as long as the batch takes (10,000 rows on PostgreSQL can take
	// longer than the other calls' 10 s): a client that gave up would end
	// the request, and the batch with it, before any kill.
	batchClient := &http.Client{Timeout: 5 * time.Minute}
	post := func() (int, []byte, error) {
		req, _ := http.NewRequest("POST", api.base+"/api/v1/cancellation-batches", strings.NewReader(upload.String()))
		req.Header.Set("Authorization", "Bearer "+devKey)
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Idempotency-Key", "outage-2026-03-10")
		res, err := batchClient.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		var b json.RawMessage
		_ = json.NewDecoder(res.Body).Decode(&b)
		return res.StatusCode, b, nil
	}
	kills := 0
	for kill := 1; kill <= 2; kill++ {
		done := make(chan struct{})
		go func() { defer close(done); _, _, _ = post() }()
		floor := count(t, db, `SELECT count(*) FROM cancellation_requests`)
		waitFor(t, 2*time.Minute, "the batch part way", func() (bool, string) {
			n := count(t, db, `SELECT count(*) FROM cancellation_requests`)
			return n > floor && n < batchRows, fmt.Sprintf("%d requests", n)
		})
		srv.kill()
		<-done
		kills++
		srv.start()
	}
	mid := count(t, db, `SELECT count(*) FROM cancellation_requests`)
	var status int
	var body []byte
	waitFor(t, 3*time.Minute, "the retried upload answered", func() (bool, string) {
		status, body, err = post()
		return err == nil && status == http.StatusCreated, fmt.Sprintf("%d %v", status, err)
	})
	var b struct {
		Status   string
		Accepted int
		Rejected int
		Done     int
	}
	if err := json.Unmarshal(body, &b); err != nil || b.Status != "done" || b.Accepted != batchRows || b.Done != batchRows {
		t.Fatalf("the batch after the retry: %v %s", err, body)
	}
	if n := count(t, db, `SELECT count(*) FROM cancellation_requests`); n != batchRows {
		t.Errorf("%d requests for %d rows", n, batchRows)
	}
	if n := count(t, db, `SELECT count(*) FROM (SELECT purchase_id FROM cancellation_requests GROUP BY purchase_id HAVING count(*) > 1) d`); n != 0 {
		t.Errorf("%d purchases have more than one request", n)
	}
	if n := count(t, db, `SELECT count(*) FROM cancellation_batch_items WHERE done = 0 OR request_id IS NULL`); n != 0 {
		t.Errorf("%d rows not carried out", n)
	}
	t.Logf("%d kills with %d of %d requests made before the retry; every row cancelled once", kills, mid, batchRows)
}
