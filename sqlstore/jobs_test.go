package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestJobQueue(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		q := sqlstore.NewJobQueue(db)

		if err := q.Enqueue(ctx, "k", []byte(`{"n":1}`), time.Time{}, "once"); err != nil {
			t.Fatal(err)
		}
		// The same key again is a no-op: "do this once" survives retries.
		if err := q.Enqueue(ctx, "k", []byte(`{"n":2}`), time.Time{}, "once"); err != nil {
			t.Fatal(err)
		}
		if err := q.Enqueue(ctx, "later", []byte(`{}`), now.Add(time.Hour), ""); err != nil {
			t.Fatal(err)
		}
		select {
		case <-q.Wake():
		default:
			t.Error("Enqueue did not wake the runners")
		}

		jobs, err := q.Claim(ctx, []string{"k", "later"}, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 1 || string(jobs[0].Payload) != `{"n":1}` || jobs[0].Attempt != 1 {
			t.Fatalf("claimed %+v, want the one due job of kind k, attempt 1", jobs)
		}
		first := jobs[0]
		if again, _ := q.Claim(ctx, []string{"k"}, 10, time.Minute); len(again) != 0 {
			t.Fatalf("a leased job was claimed twice: %+v", again)
		}

		// The worker dies; once the lease runs out another takes the job over.
		now = now.Add(2 * time.Minute)
		jobs, err = q.Claim(ctx, []string{"k"}, 10, time.Minute)
		if err != nil || len(jobs) != 1 || jobs[0].Attempt != 2 {
			t.Fatalf("after the lease: %+v, %v; want attempt 2", jobs, err)
		}
		// The first worker's late Complete is fenced off by its attempt.
		if err := q.Complete(ctx, first); err != nil {
			t.Fatal(err)
		}
		if d, _ := q.Depth(ctx); d["running"] != 1 {
			t.Fatalf("a stale Complete removed the job: depth %v", d)
		}

		// Retry releases it for later, with the reason kept.
		if err := q.Retry(ctx, jobs[0], now.Add(30*time.Second), "provider timeout"); err != nil {
			t.Fatal(err)
		}
		if j, _ := q.Claim(ctx, []string{"k"}, 10, time.Minute); len(j) != 0 {
			t.Fatalf("a job was claimed before its retry time: %+v", j)
		}
		now = now.Add(time.Minute)
		jobs, _ = q.Claim(ctx, []string{"k"}, 10, time.Minute)
		if len(jobs) != 1 || jobs[0].LastError != "provider timeout" || jobs[0].Attempt != 3 {
			t.Fatalf("after retry: %+v", jobs)
		}
		if err := q.Fail(ctx, jobs[0], "gave up"); err != nil {
			t.Fatal(err)
		}
		now = now.Add(24 * time.Hour)
		jobs, _ = q.Claim(ctx, []string{"k", "later"}, 10, time.Minute)
		if len(jobs) != 1 || jobs[0].Kind != "later" {
			t.Fatalf("a failed job ran again or the later one did not: %+v", jobs)
		}
		if err := q.Complete(ctx, jobs[0]); err != nil {
			t.Fatal(err)
		}
		d, err := q.Depth(ctx)
		if err != nil || d["failed"] != 1 || d["running"] != 0 || d["available"] != 0 {
			t.Fatalf("depth %v, %v; want one failed job only", d, err)
		}
		// A failed job keeps its key, so "once" stays once.
		if err := q.Enqueue(ctx, "k", []byte(`{}`), time.Time{}, "once"); err != nil {
			t.Fatal(err)
		}
		if j, _ := q.Claim(ctx, []string{"k"}, 10, time.Minute); len(j) != 0 {
			t.Fatalf("a key of a failed job was enqueued again: %+v", j)
		}
	})
}
