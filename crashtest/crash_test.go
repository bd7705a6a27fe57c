// Package crashtest runs the real vocdesk binary under a burst of
// cancellation requests while killing it with SIGKILL, and checks the rules
// of money afterwards from the database and a webhook receiver.
package crashtest

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/vocdesk/vocdesk/sqlstore" // registers the sqlite and pgx drivers
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

const paid = 3300

// scenario is one run of the crash test: a burst of cancellation requests
// against the binary started with flags, killed at least minKills times.
type scenario struct {
	purchases   int
	requests    int
	duplicates  int // extra sends of earlier keys, with the same parameters
	concurrency int
	minKills    int
	flags       []string // faults of the built-in provider, leases
	// retries, when above 0, runs an operator who retries every failed
	// request until it has had that many retries: new executions while
	// the old ones' late answers are still on their way.
	retries int
	// minRetried is how many requests must have been retried for the run
	// to have tested the execution fence at all.
	minRetried int
}

// burst is the crash test's main scenario: many requests and duplicates on
// a flaky provider, killed at random.
var burst = scenario{purchases: 250, requests: 1000, duplicates: 200, concurrency: 32, minKills: 5,
	flags: []string{"--provider-fail-rate", "0.1", "--provider-timeout-rate", "0.2", "--provider-decline-rate", "0.05",
		"--provider-latency", "4ms", "--job-workers", "16", "--job-lease", "4s"}}

// fences is the oracle for the fences: a provider that declines half the
// refunds and answers half of them late (made at once, answered after 1.5s,
// past the one-second attempt timeout that a two-second job lease gives, so
// the answer is lost and the next attempt must look the refund up), and an
// operator who retries each declined request at once, twice, while other
// requests of the same purchase hold or take its money. The checks that
// follow count the provider's refunds per execution (its idempotency key):
// at most one, matched by exactly one ledger entry of the same amount, and
// never a refund the provider had to refuse for exceeding the charge, which
// is what a retry approved without room for it asks for.
//
// A late answer cannot reach FinishRefund after another worker took the
// job over: the runner ends every attempt at half the lease. The execution
// and status checks of FinishRefund and the job queue's attempt fence are
// therefore defence in depth that no run of the binary reaches; their own
// tests are in sqlstore (TestStaleRefundExecution, TestRefundWorkflow,
// TestJobQueueStaleRetryAndFail).
var fences = scenario{purchases: 80, requests: 240, duplicates: 40, concurrency: 16, minKills: 2, retries: 2, minRetried: 10,
	flags: []string{"--provider-fail-rate", "0.05", "--provider-timeout-rate", "0.1", "--provider-decline-rate", "0.5",
		"--provider-latency", "4ms", "--provider-late-rate", "0.5", "--provider-late-by", "1500ms",
		"--job-workers", "32", "--job-lease", "2s"}}

func TestCrash(t *testing.T) { runScenario(t, burst) }

// TestCrashFences runs the fences scenario.
func TestCrashFences(t *testing.T) { runScenario(t, fences) }

// runScenario runs sc on SQLite and, when VOCDESK_TEST_POSTGRES is set, on
// PostgreSQL.
func runScenario(t *testing.T, sc scenario) {
	if testing.Short() {
		t.Skip("the crash test builds and runs the binary")
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := t.TempDir() + "/crash.db"
		crash(t, sc, path, func() (*sql.DB, error) { return sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)") })
	})
	if u := os.Getenv(sqlstoretest.EnvPostgres); u != "" {
		t.Run("postgres", func(t *testing.T) {
			t.Parallel()
			dsn, _ := sqlstoretest.NewPostgresSchema(t, u)
			crash(t, sc, dsn, func() (*sql.DB, error) { return sql.Open("pgx", dsn) })
		})
	}
}

// answer is the final answer a client got for one send.
type answer struct {
	status int
	body   string
}

type task struct {
	key, txid, body string
}

func crash(t *testing.T, sc scenario, dsn string, openDB func() (*sql.DB, error)) {
	start := time.Now()
	run(t, "migrate", "--db", dsn)
	opKey := lastLine(run(t, "key", "create", "--operator", "--name", "crashtest", "--db", dsn))
	srv := newServer(t, dsn, append([]string{"--allow-private-webhooks", "--mailer", "discard",
		"--idempotency-lease", "1s", "--refund-backoff-max", "2s"}, sc.flags...)...)
	srv.start()

	// The webhook receiver: every event id it saw, and how often.
	var hooks sync.Map // event id -> *int64
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		n, _ := hooks.LoadOrStore(r.Header.Get("webhook-id"), new(int64))
		atomic.AddInt64(n.(*int64), 1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()

	api := &client{base: srv.url()}
	api.must(t, "POST", "/api/v1/developers", opKey, "", `{"slug":"crash-dev","name":"Crash Dev","email":"crash@dev.example.com"}`, 201)
	api.must(t, "POST", "/api/v1/apps", opKey, "", `{"developer":"crash-dev","slug":"crash-app","name":"Crash App"}`, 201)
	devKey := lastLine(run(t, "key", "create", "--developer", "crash-dev", "--db", dsn))
	var cust struct{ ID int64 }
	json.Unmarshal(api.must(t, "POST", "/api/v1/customers", opKey, "", `{"email":"crash@example.com","name":"Crash","locale":"en"}`, 201), &cust)
	for i := range sc.purchases {
		method := []string{"card", "carrier", "cash", "gift"}[i%4]
		api.must(t, "POST", "/api/v1/purchases", opKey, "", fmt.Sprintf(`{"txid":"TX-CRASH-%03d","tid":"crash-%03d","customer_id":%d,"app":"crash-app","item":"gems",`+
			`"amount":"%d","currency":"KRW","method":"%s","paid_at":"%s"}`, i, i, cust.ID, paid, method, time.Now().Add(-time.Hour).Format(time.RFC3339)), 201)
	}
	api.must(t, "PUT", "/api/v1/refund-policy", opKey, "", `{"auto_approve":[{"currency":"KRW","max_amount":"1000000","within_days":3650}],"methods":[]}`, 200)
	api.must(t, "PUT", "/api/v1/webhook", devKey, "", `{"url":"`+receiver.URL+`/hooks"}`, 200)

	// The operator retries failed requests (the fences scenario).
	op := &operator{api: api, key: opKey, max: sc.retries, done: map[int64]int{}, gaveUp: map[int64]bool{}}
	stopOperator := make(chan struct{})
	operatorDone := make(chan struct{})
	go func() {
		defer close(operatorDone)
		if sc.retries > 0 {
			op.run(stopOperator)
		}
	}()

	// The burst: 1,000 requests (partial amounts and "the rest"), plus
	// duplicates of 200 of them sent at the same time by other clients.
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	var tasks []task
	for i := range sc.requests {
		body := fmt.Sprintf(`{"amount":"%d","reason":"customer_request"}`, 100+rng.IntN(1400))
		if rng.IntN(10) < 1 {
			body = `{"reason":"not_delivered"}`
		}
		tasks = append(tasks, task{key: fmt.Sprintf("crash-%04d", i), txid: fmt.Sprintf("TX-CRASH-%03d", rng.IntN(sc.purchases)), body: body})
	}
	for i := range sc.duplicates {
		tasks = append(tasks, tasks[i*sc.requests/sc.duplicates])
	}
	rng.Shuffle(len(tasks), func(i, j int) { tasks[i], tasks[j] = tasks[j], tasks[i] })

	var (
		mu      sync.Mutex
		answers = map[string][]answer{}
		sends   atomic.Int64
		queue   = make(chan task)
		wg      sync.WaitGroup
	)
	for range sc.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tk := range queue {
				a := api.retry(t, tk, devKey, &sends)
				mu.Lock()
				answers[tk.key] = append(answers[tk.key], a)
				mu.Unlock()
			}
		}()
	}
	burstDone := make(chan struct{})
	killsDone := make(chan int)
	go func() {
		kills := 0
		for {
			select {
			case <-burstDone:
				if kills >= sc.minKills {
					killsDone <- kills
					return
				}
			default:
			}
			time.Sleep(time.Duration(800+rand.IntN(1700)) * time.Millisecond) // uptime between kills, after start waited for readiness
			srv.kill()
			kills++
			srv.start()
		}
	}()
	for _, tk := range tasks {
		queue <- tk
	}
	close(queue)
	wg.Wait()
	burstAt := time.Since(start)
	close(burstDone)
	kills := <-killsDone

	// Every accepted request must reach a final state, and every event
	// must reach the receiver.
	db, err := openDB()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	waitFor(t, 90*time.Second, "every request final", func() (bool, string) {
		n := count(t, db, `SELECT count(*) FROM cancellation_requests WHERE status IN ('pending', 'approved', 'processing')`)
		// A failed request the operator has yet to retry is not final.
		m := 0
		for _, id := range ids(t, db, `SELECT id FROM cancellation_requests WHERE status = 'failed'`) {
			if sc.retries > 0 && !op.settled(id) {
				m++
			}
		}
		return n == 0 && m == 0, fmt.Sprintf("%d open, %d failed to retry", n, m)
	})
	close(stopOperator)
	<-operatorDone
	if n := count(t, db, `SELECT count(*) FROM cancellation_requests WHERE status IN ('pending', 'approved', 'processing')`); n != 0 {
		t.Fatalf("%d requests open after the operator stopped", n)
	}
	waitFor(t, 90*time.Second, "every webhook delivered", func() (bool, string) {
		n := count(t, db, `SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'`)
		return n == 0, fmt.Sprintf("%d undelivered", n)
	})

	// Idempotency: one answer per key, the same for duplicates and
	// retries; one stored request per accepted key, and no other.
	accepted, refused := map[int64]bool{}, 0
	for key, as := range answers {
		for _, a := range as[1:] {
			if a != as[0] {
				t.Errorf("key %s answered differently: %d %s / %d %s", key, as[0].status, as[0].body, a.status, a.body)
			}
		}
		switch as[0].status {
		case http.StatusCreated:
			var r struct{ ID int64 }
			if err := json.Unmarshal([]byte(as[0].body), &r); err != nil || r.ID == 0 {
				t.Fatalf("201 without an id: %s", as[0].body)
			}
			accepted[r.ID] = true
		case http.StatusUnprocessableEntity:
			refused++
		default:
			t.Errorf("key %s: final answer %d %s", key, as[0].status, as[0].body)
		}
	}
	if stored := count(t, db, `SELECT count(*) FROM cancellation_requests`); stored != len(accepted) {
		t.Errorf("%d requests stored, %d accepted: a retry made a second request, or an accepted one vanished", stored, len(accepted))
	}

	// Money: never more than paid; the purchase, the ledger and the
	// provider's own log agree; each refund once at the provider.
	if n := count(t, db, `SELECT count(*) FROM purchases WHERE refunded > amount`); n != 0 {
		t.Errorf("%d purchases refunded more than paid", n)
	}
	if n := count(t, db, `SELECT count(*) FROM purchases p WHERE p.refunded <> COALESCE((SELECT SUM(e.amount) FROM refund_entries e WHERE e.purchase_id = p.id), 0)
		OR p.refunded <> COALESCE((SELECT SUM(x.amount) FROM provider_refunds x WHERE x.txid = p.txid AND x.status = 'succeeded'), 0)`); n != 0 {
		t.Errorf("%d purchases whose refunded amount, ledger and provider log disagree", n)
	}
	if n := count(t, db, `SELECT count(*) FROM cancellation_requests r WHERE r.status = 'refunded' AND 1 <> (SELECT count(*) FROM provider_refunds x
		WHERE x.status = 'succeeded' AND x.idempotency_key LIKE 'vocdesk-refund-' || CAST(r.id AS TEXT) || '-%')`); n != 0 {
		t.Errorf("%d refunded requests without exactly one provider refund", n)
	}
	if n := count(t, db, `SELECT count(*) FROM cancellation_requests r WHERE r.status <> 'refunded' AND 0 <> (SELECT count(*) FROM provider_refunds x
		WHERE x.status = 'succeeded' AND x.idempotency_key LIKE 'vocdesk-refund-' || CAST(r.id AS TEXT) || '-%')`); n != 0 {
		t.Errorf("%d requests refunded at the provider but not in vocdesk", n)
	}

	// Per execution (the provider's key): vocdesk's ledger holds at most
	// one refund, and only one the provider made, for the same amount. A
	// late answer of an execution already finished, or of an earlier
	// execution, must not add a second.
	if n := count(t, db, `SELECT count(*) FROM (SELECT provider_key FROM refund_entries GROUP BY provider_key HAVING count(*) > 1) twice`); n != 0 {
		t.Errorf("%d executions refunded twice in the ledger", n)
	}
	if n := count(t, db, `SELECT count(*) FROM refund_entries e WHERE NOT EXISTS (SELECT 1 FROM provider_refunds x
		WHERE x.idempotency_key = e.provider_key AND x.status = 'succeeded' AND x.amount = e.amount)`); n != 0 {
		t.Errorf("%d ledger refunds the provider did not make", n)
	}
	// vocdesk reserves what it asks for, so the provider never has to
	// refuse a refund for exceeding the charge.
	if n := count(t, db, `SELECT count(*) FROM provider_refunds WHERE status = 'declined' AND reason LIKE 'refund exceeds the charge%'`); n != 0 {
		t.Errorf("%d refunds asked of the provider for more than was left", n)
	}
	if n := count(t, db, `SELECT count(*) FROM cancellation_requests WHERE execution > 1`); n < sc.minRetried {
		t.Errorf("only %d requests were retried (want %d): the run did not test the execution fence", n, sc.minRetried)
	}

	// Webhooks: every event at least once; after dedup one per event id.
	rows, err := db.Query(`SELECT event_id FROM webhook_deliveries`)
	if err != nil {
		t.Fatal(err)
	}
	events, missing := 0, 0
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		events++
		if _, ok := hooks.Load(id); !ok {
			missing++
		}
	}
	rows.Close()
	received, redundant := 0, int64(0)
	hooks.Range(func(_, v any) bool {
		received++
		redundant += atomic.LoadInt64(v.(*int64)) - 1
		return true
	})
	if missing != 0 || received != events {
		t.Errorf("webhooks: %d events, %d distinct received, %d never received", events, received, missing)
	}
	refunded := count(t, db, `SELECT count(*) FROM cancellation_requests WHERE status = 'refunded'`)
	failed := count(t, db, `SELECT count(*) FROM cancellation_requests WHERE status = 'failed'`)
	t.Logf("%d requests (%d duplicate sends, %d HTTP sends with retries) at concurrency %d; %d SIGKILLs; burst %s, all final %s",
		sc.requests, sc.duplicates, sends.Load(), sc.concurrency, kills, burstAt.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	t.Logf("accepted %d (refunded %d, failed %d), refused 422 %d; webhook events %d, received %d distinct (+%d repeats); operator retries %d",
		len(accepted), refunded, failed, refused, events, received, redundant, op.retries.Load())
	var retried []string
	api.retries.Range(func(k, v any) bool {
		retried = append(retried, fmt.Sprintf("%v: %d", k, atomic.LoadInt64(v.(*int64))))
		return true
	})
	t.Logf("retried answers by status (0: no connection): %s", strings.Join(retried, ", "))
	if kills < sc.minKills {
		t.Errorf("only %d kills", kills)
	}
}

// client sends API requests; retry sends one cancellation until it gets a
// final answer (201 or 422), through refused connections, 5xx and 409s, with
// the same Idempotency-Key each time.
type client struct {
	base string
	// retries counts the answers that were retried, by status (0: no
	// answer: the server was down).
	retries sync.Map
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

func (c *client) do(method, path, secret, key, body string) (int, []byte, error) {
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := httpClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

func (c *client) must(t *testing.T, method, path, secret, key, body string, want int) []byte {
	t.Helper()
	status, b, err := c.do(method, path, secret, key, body)
	if err != nil || status != want {
		t.Fatalf("%s %s: %d %v %s", method, path, status, err, b)
	}
	return b
}

func (c *client) retry(t *testing.T, tk task, secret string, sends *atomic.Int64) answer {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		sends.Add(1)
		status, b, err := c.do("POST", "/api/v1/purchases/"+tk.txid+"/cancellation-requests", secret, tk.key, tk.body)
		if err == nil && (status == http.StatusCreated || status == http.StatusUnprocessableEntity) {
			return answer{status, string(bytes.TrimSpace(b))}
		}
		n, _ := c.retries.LoadOrStore(status, new(int64))
		atomic.AddInt64(n.(*int64), 1)
		if err == nil && status != http.StatusConflict && status < 500 {
			t.Errorf("%s: unexpected %d %s", tk.key, status, b)
			return answer{status, string(b)}
		}
		time.Sleep(time.Duration(20+rand.IntN(100)) * time.Millisecond)
	}
	t.Errorf("%s: no final answer in 2 minutes", tk.key)
	return answer{}
}

func count(t *testing.T, db *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func ids(t *testing.T, db *sql.DB, q string) []int64 {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var list []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		list = append(list, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return list
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s: %s", d, what, state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
