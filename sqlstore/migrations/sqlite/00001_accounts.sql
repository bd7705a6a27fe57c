-- Developers, their apps and items, their members, the store's operators and
-- customers. Times are unix microseconds (UTC); email_key is the address
-- lower-cased in Go, so uniqueness ignores case the same way on both engines.

-- +goose Up
CREATE TABLE developers (
    id         INTEGER PRIMARY KEY,
    slug       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    email      TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);

CREATE TABLE apps (
    id           INTEGER PRIMARY KEY,
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    slug         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX apps_developer ON apps (developer_id);

CREATE TABLE items (
    id             INTEGER PRIMARY KEY,
    app_id         BIGINT  NOT NULL REFERENCES apps (id),
    sku            TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    price_amount   BIGINT,
    price_currency TEXT,
    created_at     BIGINT  NOT NULL,
    UNIQUE (app_id, sku),
    CHECK ((price_amount IS NULL) = (price_currency IS NULL)),
    CHECK (price_amount IS NULL OR price_amount >= 0)
);

CREATE TABLE customers (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL,
    email_key     TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    phone         TEXT    NOT NULL DEFAULT '',
    locale        TEXT    NOT NULL DEFAULT '',
    password_hash TEXT,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE members (
    id            INTEGER PRIMARY KEY,
    developer_id  BIGINT  NOT NULL REFERENCES developers (id),
    email         TEXT    NOT NULL,
    email_key     TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('owner', 'admin', 'agent', 'viewer')),
    password_hash TEXT,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX members_developer ON members (developer_id);

CREATE TABLE operators (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL,
    email_key     TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    password_hash TEXT,
    created_at    BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE operators;
DROP TABLE members;
DROP TABLE customers;
DROP TABLE items;
DROP TABLE apps;
DROP TABLE developers;
