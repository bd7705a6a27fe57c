-- Purchase cancellations: requests, their idempotency keys, the refund
-- ledger and the store's refund policy. developer_id and customer_id are
-- copied from the purchase so that scopePurchases applies to these tables
-- as it does to purchases, and lists need no join to be scoped.

-- +goose Up
CREATE TABLE cancellation_requests (
    id               INTEGER PRIMARY KEY,
    purchase_id      BIGINT  NOT NULL REFERENCES purchases (id),
    developer_id     BIGINT  NOT NULL REFERENCES developers (id),
    customer_id      BIGINT  NOT NULL REFERENCES customers (id),
    amount           BIGINT  NOT NULL CHECK (amount > 0),
    currency         TEXT    NOT NULL,
    reason           TEXT    NOT NULL CHECK (reason IN ('customer_request', 'not_delivered', 'duplicate_purchase', 'defective', 'fraud', 'other')),
    note             TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'processing', 'refunded', 'rejected', 'failed')),
    source           TEXT    NOT NULL CHECK (source IN ('developer', 'operator', 'chargeback')),
    refund_method    TEXT    NOT NULL CHECK (refund_method IN ('original', 'store_cash')),
    method_notice    TEXT    NOT NULL DEFAULT '',
    rejection_reason TEXT    NOT NULL DEFAULT '',
    failure_reason   TEXT    NOT NULL DEFAULT '',
    inquiry_id       BIGINT  REFERENCES inquiries (id),
    execution        INTEGER NOT NULL DEFAULT 0,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    decided_at       BIGINT,
    refunded_at      BIGINT
);
-- The reservation: what a purchase's open requests hold, summed under the
-- purchase's lock on every new request.
CREATE INDEX cancellation_requests_open ON cancellation_requests (purchase_id)
    WHERE status IN ('pending', 'approved', 'processing');
CREATE INDEX cancellation_requests_purchase ON cancellation_requests (purchase_id, id);
CREATE INDEX cancellation_requests_developer ON cancellation_requests (developer_id, created_at DESC, id DESC);
CREATE INDEX cancellation_requests_customer ON cancellation_requests (customer_id, created_at DESC, id DESC);
-- The operators' queue.
CREATE INDEX cancellation_requests_status ON cancellation_requests (status, created_at DESC, id DESC);
CREATE INDEX cancellation_requests_new ON cancellation_requests (created_at DESC, id DESC);
CREATE INDEX cancellation_requests_inquiry ON cancellation_requests (inquiry_id) WHERE inquiry_id IS NOT NULL;

-- Idempotency keys (IETF Idempotency-Key draft), scoped to the developer
-- (0: the store's operators). A key is claimed in its own transaction
-- (state processing, with a lease and a fencing token) and completed in the
-- transaction that creates the request, with the answer to replay. A
-- claimant that dies leaves its lease to run out; the next repeat takes the
-- key over, and the token keeps the dead claimant's work from committing.
CREATE TABLE idempotency_keys (
    developer_id  BIGINT  NOT NULL,
    idem_key      TEXT    NOT NULL,
    fingerprint   TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('processing', 'done')),
    token         TEXT    NOT NULL,
    locked_until  BIGINT  NOT NULL,
    request_id    BIGINT  REFERENCES cancellation_requests (id),
    error_code    TEXT    NOT NULL DEFAULT '',
    error_message TEXT    NOT NULL DEFAULT '',
    response      TEXT    NOT NULL DEFAULT '',
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    PRIMARY KEY (developer_id, idem_key)
);

-- The refund ledger: one entry per completed refund, written in the
-- transaction that adds it to purchases.refunded. It is also the
-- voided-purchases feed.
CREATE TABLE refund_entries (
    id            INTEGER PRIMARY KEY,
    request_id    BIGINT  NOT NULL UNIQUE REFERENCES cancellation_requests (id),
    purchase_id   BIGINT  NOT NULL REFERENCES purchases (id),
    developer_id  BIGINT  NOT NULL REFERENCES developers (id),
    customer_id   BIGINT  NOT NULL REFERENCES customers (id),
    amount        BIGINT  NOT NULL CHECK (amount > 0),
    currency      TEXT    NOT NULL,
    refund_method TEXT    NOT NULL,
    provider_key  TEXT    NOT NULL UNIQUE,
    provider_ref  TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX refund_entries_developer ON refund_entries (developer_id, created_at DESC, id DESC);
CREATE INDEX refund_entries_customer ON refund_entries (customer_id, created_at DESC, id DESC);
CREATE INDEX refund_entries_new ON refund_entries (created_at DESC, id DESC);
CREATE INDEX refund_entries_purchase ON refund_entries (purchase_id);

-- The store's refund policy: one row of JSON, edited by operators.
CREATE TABLE refund_policy (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    policy     TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE refund_policy;
DROP TABLE refund_entries;
DROP TABLE idempotency_keys;
DROP TABLE cancellation_requests;
