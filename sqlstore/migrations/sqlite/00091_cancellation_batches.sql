-- Bulk cancellation (POST /api/v1/cancellation-batches): an uploaded file's
-- rows, each checked when the batch is stored and carried out when it runs.
-- A row's request and the mark that the row is done commit in one
-- transaction, so a crash and a rerun make each request exactly once. The
-- Idempotency-Key is scoped to the developer, like a single request's; the
-- file's hash tells a retry of the same file from another file under the
-- same key.

-- +goose Up
CREATE TABLE cancellation_batches (
    id           INTEGER PRIMARY KEY,
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    idem_key     TEXT    NOT NULL,
    file_hash    TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('ready', 'running', 'done')),
    rows_total   INTEGER NOT NULL,
    created_by   TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    finished_at  BIGINT,
    UNIQUE (developer_id, idem_key)
);

CREATE TABLE cancellation_batch_items (
    batch_id   BIGINT  NOT NULL REFERENCES cancellation_batches (id),
    line       INTEGER NOT NULL,
    txid       TEXT NOT NULL,
    requested  BIGINT  NOT NULL DEFAULT 0, -- minor units as written; 0: what is left
    amount     BIGINT  NOT NULL DEFAULT 0,
    currency   TEXT    NOT NULL DEFAULT '',
    reason     TEXT    NOT NULL,
    outcome    TEXT    NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    error      TEXT    NOT NULL DEFAULT '',
    request_id BIGINT  REFERENCES cancellation_requests (id),
    done       INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    PRIMARY KEY (batch_id, line)
);
-- What a run still has to do, in line order.
CREATE INDEX cancellation_batch_items_pending ON cancellation_batch_items (batch_id, line) WHERE done = 0;

-- +goose Down
DROP TABLE cancellation_batch_items;
DROP TABLE cancellation_batches;
