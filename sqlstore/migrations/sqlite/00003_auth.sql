-- Sessions (browser sign-ins and API tokens) and API keys. Only the SHA-256
-- of a secret is stored (hex), so a copy of the database signs nobody in.

-- +goose Up
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    secret_hash  TEXT    NOT NULL UNIQUE,
    realm        TEXT    NOT NULL CHECK (realm IN ('customer', 'developer', 'operator')),
    customer_id  BIGINT  REFERENCES customers (id) ON DELETE CASCADE,
    developer_id BIGINT  REFERENCES developers (id) ON DELETE CASCADE,
    member_id    BIGINT  REFERENCES members (id) ON DELETE CASCADE,
    operator_id  BIGINT  REFERENCES operators (id) ON DELETE CASCADE,
    role         TEXT    NOT NULL DEFAULT '',
    name         TEXT    NOT NULL DEFAULT '',
    email        TEXT    NOT NULL DEFAULT '',
    csrf_token   TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    realm        TEXT    NOT NULL CHECK (realm IN ('developer', 'operator')),
    developer_id BIGINT  REFERENCES developers (id),
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL UNIQUE,
    secret_hash  TEXT    NOT NULL UNIQUE,
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT,
    CHECK ((realm = 'developer') = (developer_id IS NOT NULL))
);
CREATE INDEX api_keys_developer ON api_keys (developer_id);

-- +goose Down
DROP TABLE api_keys;
DROP TABLE sessions;
