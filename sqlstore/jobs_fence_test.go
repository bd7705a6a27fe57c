package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestJobQueueStaleRetryAndFail: a worker whose lease ran out (another
// worker holds attempt 2) answers late with Retry or Fail. Its attempt
// fences both off, as it does Complete (TestJobQueue).
func TestJobQueueStaleRetryAndFail(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		q := sqlstore.NewJobQueue(db)
		must(t, q.Enqueue(ctx, "k", []byte(`{}`), time.Time{}, "stale"))
		jobs, err := q.Claim(ctx, []string{"k"}, 1, time.Minute)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claim: %+v, %v", jobs, err)
		}
		stale := jobs[0]
		now = now.Add(2 * time.Minute)
		jobs, err = q.Claim(ctx, []string{"k"}, 1, time.Minute)
		if err != nil || len(jobs) != 1 || jobs[0].Attempt != 2 {
			t.Fatalf("take-over: %+v, %v", jobs, err)
		}
		current := jobs[0]

		must(t, q.Retry(ctx, stale, time.Time{}, "stale retry"))
		if d, _ := q.Depth(ctx); d["running"] != 1 || d["available"] != 0 {
			t.Fatalf("a stale Retry released the running job: depth %v", d)
		}
		if j, _ := q.Claim(ctx, []string{"k"}, 1, time.Minute); len(j) != 0 {
			t.Fatalf("a stale Retry let the job be claimed twice: %+v", j)
		}
		must(t, q.Fail(ctx, stale, "stale fail"))
		if d, _ := q.Depth(ctx); d["running"] != 1 || d["failed"] != 0 {
			t.Fatalf("a stale Fail failed the running job: depth %v", d)
		}

		// The current attempt's own answers still work.
		must(t, q.Retry(ctx, current, time.Time{}, "now"))
		if d, _ := q.Depth(ctx); d["available"] != 1 {
			t.Fatalf("the current Retry: depth %v", d)
		}
		jobs, _ = q.Claim(ctx, []string{"k"}, 1, time.Minute)
		if len(jobs) != 1 || jobs[0].LastError != "now" {
			t.Fatalf("after the current Retry: %+v", jobs)
		}
		must(t, q.Fail(ctx, jobs[0], "gave up"))
		if d, _ := q.Depth(ctx); d["failed"] != 1 || d["running"] != 0 {
			t.Fatalf("the current Fail: depth %v", d)
		}
	})
}
