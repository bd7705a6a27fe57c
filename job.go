package vocdesk

import (
	"context"
	"time"
)

// Job is a unit of durable background work: sending a mail, executing a
// refund, delivering a webhook, firing an SLA timer. A job is enqueued in the
// same transaction as the change that calls for it, so it exists if and only
// if that change committed, and it runs at least once: handlers are written
// to be idempotent.
type Job struct {
	ID      int64
	Kind    string
	Payload []byte // JSON, owned by the kind's handler
	// Attempt counts claims, this one included. It is also the fencing token:
	// Complete and Retry of an older attempt (a worker whose lease ran out
	// while another took the job over) change nothing.
	Attempt   int
	RunAt     time.Time
	CreatedAt time.Time
	LastError string
}

// Job kinds. Each has one handler in package jobs' wiring.
const (
	JobSendMail = "mail.send"
)

// JobQueue is the durable queue the job runner works from.
type JobQueue interface {
	// Claim takes up to limit jobs of the given kinds that are due, or whose
	// previous holder's lease ran out (it crashed), and leases them for lease.
	Claim(ctx context.Context, kinds []string, limit int, lease time.Duration) ([]*Job, error)
	// Complete removes a finished job.
	Complete(ctx context.Context, j *Job) error
	// Retry releases a job to run again at runAt, noting why it failed.
	Retry(ctx context.Context, j *Job, runAt time.Time, reason string) error
	// Fail parks a job that will never succeed, keeping it for operators.
	Fail(ctx context.Context, j *Job, reason string) error
	// Enqueue adds a job outside any other change (an operator's "retry").
	// A non-empty key makes it unique among live jobs: a second Enqueue with
	// the same key is a no-op.
	Enqueue(ctx context.Context, kind string, payload []byte, runAt time.Time, key string) error
	// Wake is signalled (without blocking) after a commit that enqueued a job
	// in this process, so runners need not wait for their next poll.
	Wake() <-chan struct{}
}
