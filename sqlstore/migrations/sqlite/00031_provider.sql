-- The built-in payment provider's own log ("store ledger"). It stands for a
-- system outside vocdesk: only package payment's provider writes it, never
-- in a vocdesk transaction. One row per idempotency key: a repeat of a key
-- answers with its row and never refunds twice.

-- +goose Up
CREATE TABLE provider_refunds (
    idempotency_key TEXT    PRIMARY KEY,
    txid            TEXT    NOT NULL,
    amount          BIGINT  NOT NULL,
    currency        TEXT    NOT NULL,
    method          TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('succeeded', 'declined')),
    reason          TEXT    NOT NULL DEFAULT '',
    provider_ref    TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX provider_refunds_txid ON provider_refunds (txid);

-- +goose Down
DROP TABLE provider_refunds;
