package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// enqueue adds a job in the caller's transaction. A non-empty key makes the
// job unique among live and failed jobs: enqueueing the same key again is a
// no-op, which keeps "do X once for this refund" true under retries.
func (tx *Tx) enqueue(ctx context.Context, kind string, payload any, runAt time.Time, key string) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("sqlstore: enqueue %s: %w", kind, err)
	}
	if runAt.IsZero() || runAt.Before(tx.now) {
		runAt = tx.now
	}
	var k any
	if key != "" {
		k = key
	}
	if _, err := tx.exec(ctx, `INSERT INTO jobs (kind, payload, unique_key, run_at, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
		kind, string(body), k, micros(runAt), micros(tx.now)); err != nil {
		return fmt.Errorf("sqlstore: enqueue %s: %w", kind, err)
	}
	tx.enqueued = true
	return nil
}

// wakeJobs tells this process's runners that a job is waiting, without
// blocking: one pending signal is as good as many.
func (db *DB) wakeJobs() {
	select {
	case db.jobsWake <- struct{}{}:
	default:
	}
}

// JobQueue is the durable queue on the vocdesk database.
type JobQueue struct{ db *DB }

// NewJobQueue returns the job queue stored in db.
func NewJobQueue(db *DB) *JobQueue { return &JobQueue{db: db} }

var _ vocdesk.JobQueue = (*JobQueue)(nil)

// Wake implements vocdesk.JobQueue.
func (q *JobQueue) Wake() <-chan struct{} { return q.db.jobsWake }

// Enqueue implements vocdesk.JobQueue.
func (q *JobQueue) Enqueue(ctx context.Context, kind string, payload []byte, runAt time.Time, key string) error {
	return q.db.inWrite(ctx, func(tx *Tx) error {
		return tx.enqueue(ctx, kind, json.RawMessage(payload), runAt, key)
	})
}

// Claim implements vocdesk.JobQueue. On PostgreSQL, SKIP LOCKED lets several
// processes claim side by side without waiting on each other; on SQLite the
// single write connection already serialises claims.
func (q *JobQueue) Claim(ctx context.Context, kinds []string, limit int, lease time.Duration) ([]*vocdesk.Job, error) {
	if len(kinds) == 0 || limit <= 0 {
		return nil, nil
	}
	var jobs []*vocdesk.Job
	err := q.db.inWrite(ctx, func(tx *Tx) error {
		args := []any{micros(tx.now), micros(tx.now.Add(lease)), limit}
		marks := make([]string, len(kinds))
		for i, k := range kinds {
			args = append(args, k)
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		lock := ""
		if tx.dialect == dialectPostgres {
			lock = "FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.query(ctx, `UPDATE jobs SET state = 'running', attempt = attempt + 1, run_at = $2
			WHERE id IN (SELECT id FROM jobs WHERE state <> 'failed' AND run_at <= $1
				AND kind IN (`+strings.Join(marks, ", ")+`) ORDER BY run_at LIMIT $3 `+lock+`)
			RETURNING id, kind, payload, attempt, created_at, last_error`, args...)
		if err != nil {
			return fmt.Errorf("sqlstore: claim jobs: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var j vocdesk.Job
			var payload string
			var created int64
			if err := rows.Scan(&j.ID, &j.Kind, &payload, &j.Attempt, &created, &j.LastError); err != nil {
				return fmt.Errorf("sqlstore: claim jobs: %w", err)
			}
			j.Payload, j.CreatedAt, j.RunAt = []byte(payload), fromMicros(created), tx.now
			jobs = append(jobs, &j)
		}
		return rows.Err()
	})
	return jobs, err
}

// Complete implements vocdesk.JobQueue.
func (q *JobQueue) Complete(ctx context.Context, j *vocdesk.Job) error {
	return q.db.inWrite(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM jobs WHERE id = $1 AND attempt = $2`, j.ID, j.Attempt)
		return wrapJobErr("complete", err)
	})
}

// Retry implements vocdesk.JobQueue.
func (q *JobQueue) Retry(ctx context.Context, j *vocdesk.Job, runAt time.Time, reason string) error {
	return q.db.inWrite(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE jobs SET state = 'available', run_at = $3, last_error = $4
			WHERE id = $1 AND attempt = $2`, j.ID, j.Attempt, micros(runAt), truncate(reason, 2000))
		return wrapJobErr("retry", err)
	})
}

// Fail implements vocdesk.JobQueue.
func (q *JobQueue) Fail(ctx context.Context, j *vocdesk.Job, reason string) error {
	return q.db.inWrite(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE jobs SET state = 'failed', last_error = $3
			WHERE id = $1 AND attempt = $2`, j.ID, j.Attempt, truncate(reason, 2000))
		return wrapJobErr("fail", err)
	})
}

// Depth counts jobs by state, for the queue-depth metric.
func (q *JobQueue) Depth(ctx context.Context) (map[string]int, error) {
	rows, err := q.db.read.QueryContext(ctx, `SELECT state, count(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: job depth: %w", err)
	}
	defer rows.Close()
	depth := map[string]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("sqlstore: job depth: %w", err)
		}
		depth[state] = n
	}
	return depth, rows.Err()
}

func wrapJobErr(op string, err error) error {
	if err != nil {
		return fmt.Errorf("sqlstore: %s job: %w", op, err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a character boundary: half a character is invalid UTF-8,
	// which PostgreSQL refuses to store (a report's whole transaction
	// failed on a Korean amount cut at byte 500).
	return strings.ToValidUTF8(s[:n], "")
}
