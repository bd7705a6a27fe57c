package jobs_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestRunner(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		q := sqlstore.NewJobQueue(db)

		var mu sync.Mutex
		seen := map[string]int{}
		var flaky atomic.Int32
		outcomes := make(chan string, 100)
		r := &jobs.Runner{
			Queue: q,
			Poll:  20 * time.Millisecond,
			Kinds: map[string]jobs.Kind{
				"ok": {Handler: func(ctx context.Context, j *vocdesk.Job) error {
					mu.Lock()
					seen[string(j.Payload)]++
					mu.Unlock()
					return nil
				}},
				"flaky": {
					Backoff: func(int) time.Duration { return 10 * time.Millisecond },
					Handler: func(ctx context.Context, j *vocdesk.Job) error {
						if flaky.Add(1) < 3 {
							return errors.New("transient")
						}
						return nil
					}},
				"bad": {Handler: func(ctx context.Context, j *vocdesk.Job) error {
					return jobs.Permanent(errors.New("never works"))
				}},
				"panics": {MaxAttempts: 2, Backoff: func(int) time.Duration { return 0 },
					Handler: func(ctx context.Context, j *vocdesk.Job) error { panic("boom") }},
			},
			Done: func(kind, outcome string) { outcomes <- kind + ":" + outcome },
		}
		done := make(chan error)
		go func() { done <- r.Run(ctx) }()

		for _, p := range []string{`"a"`, `"b"`, `"c"`} {
			if err := q.Enqueue(ctx, "ok", []byte(p), time.Time{}, ""); err != nil {
				t.Fatal(err)
			}
		}
		for _, k := range []string{"flaky", "bad", "panics"} {
			if err := q.Enqueue(ctx, k, []byte(`{}`), time.Time{}, ""); err != nil {
				t.Fatal(err)
			}
		}
		want := map[string]int{"ok:completed": 3, "flaky:retried": 2, "flaky:completed": 1,
			"bad:failed": 1, "panics:retried": 1, "panics:failed": 1}
		got := map[string]int{}
		deadline := time.After(20 * time.Second)
		for n := 0; n < 9; n++ {
			select {
			case o := <-outcomes:
				got[o]++
			case <-deadline:
				t.Fatalf("outcomes so far %v, want %v", got, want)
			}
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %d, want %d (all: %v)", k, got[k], v, got)
			}
		}
		mu.Lock()
		if len(seen) != 3 || seen[`"a"`] != 1 {
			t.Errorf("ok jobs ran %v, want each once", seen)
		}
		mu.Unlock()
		d, err := q.Depth(ctx)
		if err != nil || d["failed"] != 2 || d["available"]+d["running"] != 0 {
			t.Errorf("depth %v, %v; want two failed and nothing else", d, err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
