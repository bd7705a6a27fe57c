-- Durable jobs. A job is inserted in the transaction of the change that
-- calls for it, so it exists if and only if that change committed. A
-- claimed job's run_at is its lease's end: a worker that dies leaves the job
-- due again when the lease runs out, and attempt fences off its late writes.

-- +goose Up
CREATE TABLE jobs (
    id         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    unique_key TEXT,
    state      TEXT    NOT NULL DEFAULT 'available' CHECK (state IN ('available', 'running', 'failed')),
    attempt    INTEGER NOT NULL DEFAULT 0,
    run_at     BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL,
    last_error TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX jobs_due ON jobs (run_at) WHERE state <> 'failed';

-- +goose Down
DROP TABLE jobs;
