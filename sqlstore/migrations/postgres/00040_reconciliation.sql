-- Reconciliation (issue 5): the deliveries a developer's server pushes, the
-- developer's settings (the remembered column mapping, continuous mode),
-- the purchases continuous mode flagged as not delivered, and stored
-- reports with their exceptions and malformed rows.

-- +goose Up
-- A delivery is the developer's claim and lives per developer; it names a
-- purchase by txid or tid as a log row does, so it is matched when read,
-- never linked when written (the purchase may be recorded after it).
-- dedupe_key is Delivery.NaturalKey: pushing the same record twice stores
-- it once.
CREATE TABLE deliveries (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    dedupe_key   TEXT    NOT NULL,
    delivery_id  TEXT    NOT NULL DEFAULT '',
    txid         TEXT    NOT NULL DEFAULT '',
    tid          TEXT    NOT NULL,
    amount       BIGINT  NOT NULL CHECK (amount >= 0),
    currency     TEXT    NOT NULL CHECK (length(currency) = 3),
    delivered_at BIGINT  NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('api', 'manual')),
    note         TEXT    NOT NULL DEFAULT '',
    created_by   TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    UNIQUE (developer_id, dedupe_key)
);
CREATE INDEX deliveries_developer ON deliveries (developer_id, id DESC);
CREATE INDEX deliveries_txid ON deliveries (developer_id, txid);
CREATE INDEX deliveries_tid ON deliveries (developer_id, tid);

-- columns is the remembered mapping as "field=column,..."; the watch flags
-- purchases paid from watch_since on, and has looked at those paid up to
-- swept_until.
CREATE TABLE recon_settings (
    developer_id BIGINT  PRIMARY KEY REFERENCES developers (id),
    columns      TEXT    NOT NULL DEFAULT '',
    continuous   INTEGER NOT NULL DEFAULT 0 CHECK (continuous IN (0, 1)),
    deadline_us  BIGINT  NOT NULL DEFAULT 600000000 CHECK (deadline_us > 0),
    watch_since  BIGINT,
    swept_until  BIGINT,
    updated_at   BIGINT  NOT NULL
);

-- A purchase continuous mode flagged paid_not_delivered; cleared_at is set
-- when a delivery for it arrives (the row stays, as history).
CREATE TABLE undelivered (
    purchase_id  BIGINT  PRIMARY KEY REFERENCES purchases (id),
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    paid_at      BIGINT  NOT NULL,
    flagged_at   BIGINT  NOT NULL,
    cleared_at   BIGINT,
    cleared_by   BIGINT  REFERENCES deliveries (id)
);
CREATE INDEX undelivered_open ON undelivered (developer_id, paid_at DESC, purchase_id DESC) WHERE cleared_at IS NULL;

CREATE TABLE reconciliations (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    source       TEXT    NOT NULL CHECK (source IN ('upload', 'deliveries')),
    file_name    TEXT    NOT NULL DEFAULT '',
    format       TEXT    NOT NULL DEFAULT '',
    columns      TEXT    NOT NULL DEFAULT '',
    from_at      BIGINT  NOT NULL,
    to_at        BIGINT  NOT NULL,
    counts       TEXT    NOT NULL,
    store_rows   BIGINT  NOT NULL,
    server_rows  BIGINT  NOT NULL,
    invalid_rows BIGINT  NOT NULL,
    exceptions   BIGINT  NOT NULL,
    errors       BIGINT  NOT NULL,
    created_by   TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL
);
CREATE INDEX reconciliations_developer ON reconciliations (developer_id, id DESC);

-- seq is the exception's place in the report (store order, then server
-- order), which is also the page key.
CREATE TABLE recon_exceptions (
    reconciliation_id BIGINT NOT NULL REFERENCES reconciliations (id) ON DELETE CASCADE,
    seq               BIGINT NOT NULL,
    category          TEXT   NOT NULL,
    txid              TEXT   NOT NULL,
    tid               TEXT   NOT NULL,
    store_amount      BIGINT NOT NULL DEFAULT 0,
    store_currency    TEXT   NOT NULL DEFAULT '',
    server_amount     BIGINT NOT NULL DEFAULT 0,
    server_currency   TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (reconciliation_id, seq)
);
CREATE INDEX recon_exceptions_category ON recon_exceptions (reconciliation_id, category, seq);

CREATE TABLE recon_errors (
    reconciliation_id BIGINT NOT NULL REFERENCES reconciliations (id) ON DELETE CASCADE,
    seq               BIGINT NOT NULL,
    source            TEXT   NOT NULL,
    line              BIGINT NOT NULL,
    message           TEXT   NOT NULL,
    PRIMARY KEY (reconciliation_id, seq)
);

-- +goose Down
DROP TABLE recon_errors;
DROP TABLE recon_exceptions;
DROP TABLE reconciliations;
DROP TABLE undelivered;
DROP TABLE recon_settings;
DROP TABLE deliveries;
