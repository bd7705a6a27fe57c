-- Social networks: a developer's connectors (one per network account),
-- which inquiry each handle's conversation is (social_threads), the
-- webhook-ids already taken in (replay protection: the same id twice is one
-- post), and the delivery of the desk's replies back to the connector.
-- A connector is deleted softly (deleted_at): its inquiries keep naming it.

-- +goose Up
CREATE TABLE social_connectors (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    developer_id  BIGINT  NOT NULL REFERENCES developers (id),
    app_id        BIGINT  NOT NULL REFERENCES apps (id),
    network       TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    reply_url     TEXT    NOT NULL DEFAULT '',
    secret        TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    deleted_at    BIGINT
);
CREATE INDEX social_connectors_developer ON social_connectors (developer_id, id);

CREATE TABLE social_threads (
    inquiry_id    BIGINT  PRIMARY KEY REFERENCES inquiries (id),
    connector_id  BIGINT  NOT NULL REFERENCES social_connectors (id),
    handle        TEXT    NOT NULL,
    url           TEXT    NOT NULL DEFAULT '',
    external_id   TEXT    NOT NULL DEFAULT ''
);
-- "The open inquiry of this handle on this connector": newest first.
CREATE INDEX social_threads_handle ON social_threads (connector_id, handle, inquiry_id);

CREATE TABLE social_intake (
    connector_id  BIGINT  NOT NULL REFERENCES social_connectors (id),
    webhook_id    TEXT    NOT NULL,
    inquiry_id    BIGINT  NOT NULL REFERENCES inquiries (id),
    message_id    BIGINT  NOT NULL,
    continued     BOOLEAN NOT NULL DEFAULT FALSE,
    received_at   BIGINT  NOT NULL,
    PRIMARY KEY (connector_id, webhook_id)
);

CREATE TABLE social_replies (
    message_ref   BIGINT  PRIMARY KEY REFERENCES inquiry_messages (id),
    inquiry_id    BIGINT  NOT NULL REFERENCES inquiries (id),
    connector_id  BIGINT  NOT NULL REFERENCES social_connectors (id),
    event_id      TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('queued', 'delivered', 'retrying', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_status   INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT    NOT NULL DEFAULT '',
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX social_replies_inquiry ON social_replies (inquiry_id);

-- +goose Down
DROP TABLE social_replies;
DROP TABLE social_intake;
DROP TABLE social_threads;
DROP TABLE social_connectors;
