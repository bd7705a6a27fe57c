-- Webhooks to developers' servers: one endpoint per developer, deliveries
-- (one per event, its body frozen when the event happened) and the log of
-- attempts with their response codes.

-- +goose Up
CREATE TABLE webhook_endpoints (
    developer_id BIGINT  PRIMARY KEY REFERENCES developers (id),
    url          TEXT    NOT NULL,
    secret       TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);

CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    event_id         TEXT    NOT NULL UNIQUE,
    developer_id     BIGINT  NOT NULL REFERENCES developers (id),
    type             TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    redeliveries     INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT    NOT NULL DEFAULT '',
    created_at       BIGINT  NOT NULL,
    delivered_at     BIGINT
);
CREATE INDEX webhook_deliveries_developer ON webhook_deliveries (developer_id, id DESC);

CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id BIGINT  NOT NULL REFERENCES webhook_deliveries (id),
    at          BIGINT  NOT NULL,
    status_code INTEGER NOT NULL,
    error       TEXT    NOT NULL DEFAULT '',
    duration_us BIGINT  NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id DESC);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
