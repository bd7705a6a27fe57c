package crashtest

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// Merge crash test sizes: pairs of one customer's inquiries, each with
// enough messages that a merge takes a while to write.
const (
	mergePairs    = 100
	mergeMessages = 100
	// mergeKills is how many times the server is killed; then the rest
	// of the work finishes on a server that stays up (a start on a loaded
	// machine can take longer than the work between kills).
	mergeKills = 6
)

// TestMergeCrash merges (and undoes half of the merges of) pairs of
// inquiries on the real binary over 4 connections while killing it with
// SIGKILL again and again. Afterwards every pair is either two inquiries,
// each with its own thread, or one: the survivor with both threads and the
// merged one a closed pointer; never half. The inbox's counts per status
// agree with the inquiries.
func TestMergeCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test builds and runs the binary")
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := t.TempDir() + "/merge.db"
		mergeCrash(t, path, func() (*sql.DB, error) { return sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)") })
	})
	if u := os.Getenv(sqlstoretest.EnvPostgres); u != "" {
		t.Run("postgres", func(t *testing.T) {
			t.Parallel()
			dsn, _ := sqlstoretest.NewPostgresSchema(t, u)
			mergeCrash(t, dsn, func() (*sql.DB, error) { return sql.Open("pgx", dsn) })
		})
	}
}

func mergeCrash(t *testing.T, dsn string, openDB func() (*sql.DB, error)) {
	run(t, "migrate", "--db", dsn)
	opKey := lastLine(run(t, "key", "create", "--operator", "--name", "crashtest", "--db", dsn))
	srv := newServer(t, dsn, "--mailer", "discard")
	srv.start()
	api := &client{base: srv.url()}
	api.must(t, "POST", "/api/v1/developers", opKey, "", `{"slug":"merge-dev","name":"Merge Dev","email":"merge@dev.example.com"}`, 201)
	api.must(t, "POST", "/api/v1/apps", opKey, "", `{"developer":"merge-dev","slug":"merge-app","name":"Merge App"}`, 201)
	var cust struct{ ID int64 }
	_ = json.Unmarshal(api.must(t, "POST", "/api/v1/customers", opKey, "", `{"email":"merge@example.com","name":"Merge","locale":"en"}`, 201), &cust)
	devKey := lastLine(run(t, "key", "create", "--developer", "merge-dev", "--db", dsn))

	type pair struct {
		merged, survivor int64
		undo             bool // every other pair's merge is undone
	}
	pairs := make([]pair, mergePairs)
	ask := func(subject string) int64 {
		// Channel api: a phone inquiry made this way records no consent,
		// so its ids are withheld and a developer could not merge it.
		body := fmt.Sprintf(`{"channel":"api","customer_id":%d,"app":"merge-app","category":"other","subject":%q,"body":"first words"}`, cust.ID, subject)
		var in struct{ ID int64 }
		_ = json.Unmarshal(api.must(t, "POST", "/api/v1/inquiries", opKey, "", body, 201), &in)
		return in.ID
	}
	for k := range pairs {
		pairs[k] = pair{survivor: ask(fmt.Sprintf("survivor %d", k)), merged: ask(fmt.Sprintf("merged %d", k)), undo: k%2 == 0}
	}
	db, err := openDB()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The threads, written straight to the tables (numbers only, no text
	// from outside): what the merges move.
	for _, p := range pairs {
		for _, id := range []int64{p.merged, p.survivor} {
			var vals []string
			for k := range mergeMessages {
				vals = append(vals, fmt.Sprintf("(%d, 'customer', 0, '', 'filler %d', FALSE, %d)", id, k, time.Now().UnixMicro()))
			}
			if _, err := db.Exec(`INSERT INTO inquiry_messages (inquiry_id, author, author_id, author_name, body, internal, created_at) VALUES ` + strings.Join(vals, ", ")); err != nil {
				t.Fatal(err)
			}
		}
	}
	thread := func(id int64) int {
		return count(t, db, `SELECT count(*) FROM inquiry_messages WHERE inquiry_id = `+strconv.FormatInt(id, 10))
	}
	before := map[int64]int{}
	for _, p := range pairs {
		before[p.merged], before[p.survivor] = thread(p.merged), thread(p.survivor)
	}

	// Four workers merge their pairs (and undo every other merge),
	// retrying through the kills: a merge that answers 409 committed
	// before its answer was lost, an undo that answers 404 likewise.
	var wg sync.WaitGroup
	work := make(chan pair)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				id := strconv.FormatInt(p.merged, 10)
				// A call retries through the kills, not past an answer
				// that will never change: that is the test failing, not
				// the server restarting.
				call := func(path, body string, done ...int) {
					for deadline := time.Now().Add(2 * time.Minute); ; {
						status, _, err := api.do("POST", path, devKey, "", body)
						if err == nil && (status < 300 || contains(done, status)) {
							return
						}
						if err == nil && status < 500 && status != 409 && status != 429 || time.Now().After(deadline) {
							t.Errorf("POST %s: %d %v", path, status, err)
							return
						}
						time.Sleep(20 * time.Millisecond)
					}
				}
				call("/api/v1/inquiries/"+id+"/merge", fmt.Sprintf(`{"into":%d}`, p.survivor), 409)
				if p.undo {
					call("/api/v1/inquiries/"+id+"/merge/undo", "", 404)
				}
			}
		}()
	}
	stop := make(chan struct{})
	kills := 0
	killer := sync.WaitGroup{}
	killer.Add(1)
	go func() {
		defer killer.Done()
		for kills < mergeKills {
			select {
			case <-stop:
				return
			case <-time.After(time.Duration(50+rand.IntN(200)) * time.Millisecond):
			}
			srv.kill()
			kills++
			srv.start()
		}
	}()
	for _, p := range pairs {
		work <- p
	}
	close(work)
	wg.Wait()
	close(stop)
	killer.Wait()

	merged, undone := 0, 0
	for _, p := range pairs {
		live := count(t, db, fmt.Sprintf(`SELECT count(*) FROM inquiry_merges WHERE merged_id = %d AND undone_at IS NULL`, p.merged))
		gone := count(t, db, fmt.Sprintf(`SELECT count(*) FROM inquiry_merges WHERE merged_id = %d AND undone_at IS NOT NULL`, p.merged))
		m, s := thread(p.merged), thread(p.survivor)
		switch {
		// Merged: the pointer's one event left, and the survivor with both
		// threads and its own event of the merge.
		case live == 1 && m == 1 && s == before[p.merged]+before[p.survivor]+1:
			merged++
			var status string
			if err := db.QueryRow(fmt.Sprintf(`SELECT status FROM inquiries WHERE id = %d`, p.merged)).Scan(&status); err != nil || status != "closed" {
				t.Errorf("pair %+v: merged inquiry %s (%v)", p, status, err)
			}
		case live == 0 && m == before[p.merged] && s == before[p.survivor]:
			if gone > 0 {
				undone++
			}
		default:
			t.Errorf("pair %+v is half merged: live merge %d, threads %d and %d (before %d and %d)",
				p, live, m, s, before[p.merged], before[p.survivor])
		}
		if p.undo && live != 0 {
			t.Errorf("pair %+v: the undo was answered but the merge is live", p)
		}
	}
	// Attachments and messages agree, and the tab counts are the rows'.
	if n := count(t, db, `SELECT count(*) FROM inquiry_attachments f JOIN inquiry_messages m ON m.id = f.message_id WHERE f.inquiry_id <> m.inquiry_id`); n != 0 {
		t.Errorf("%d attachments apart from their message", n)
	}
	if n := count(t, db, `SELECT count(*) FROM inquiry_counts c WHERE c.n <> (SELECT count(*) FROM inquiries i WHERE i.developer_id = c.developer_id AND i.status = c.status)`); n != 0 {
		t.Errorf("%d inbox counts disagree with the inquiries", n)
	}
	if merged+undone != mergePairs || undone != mergePairs/2 {
		t.Errorf("%d merged and %d undone of %d pairs", merged, undone, mergePairs)
	}
	if kills < 2 {
		t.Errorf("only %d kills: the work ended before the server was killed", kills)
	}
	t.Logf("%d kills; %d pairs merged, %d merged and undone, none half", kills, merged, undone)
}

func contains(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}
