-- The email channel's mail log: every message that arrived by SMTP, one
-- row per developer recipient, with what became of it. The raw bytes live
-- in their own table so that listing the log never reads them.
-- message_id is the Message-ID without brackets ('' when absent); one
-- developer keeps one non-duplicate row per Message-ID, which is what makes
-- "the same Message-ID twice is one message" hold under concurrent
-- deliveries.

-- +goose Up
CREATE TABLE mail_messages (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    developer_id  BIGINT  NOT NULL REFERENCES developers (id),
    message_id    TEXT    NOT NULL,
    from_addr     TEXT    NOT NULL,
    to_addr       TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    received_at   BIGINT  NOT NULL,
    outcome       TEXT    NOT NULL CHECK (outcome IN ('inquiry', 'reply', 'duplicate', 'auto_reply', 'bounce', 'unparsed')),
    inquiry_id    BIGINT  REFERENCES inquiries (id),
    problem       TEXT    NOT NULL DEFAULT '',
    size          BIGINT  NOT NULL
);
CREATE INDEX mail_messages_dev ON mail_messages (developer_id, id DESC);
CREATE UNIQUE INDEX mail_messages_once ON mail_messages (developer_id, message_id)
    WHERE message_id <> '' AND outcome <> 'duplicate';
-- Threading by References: a customer's reply to their own earlier mail.
CREATE INDEX mail_messages_ref ON mail_messages (message_id) WHERE message_id <> '';

CREATE TABLE mail_raw (
    mail_id BIGINT PRIMARY KEY REFERENCES mail_messages (id),
    raw     BYTEA  NOT NULL
);

-- +goose Down
DROP TABLE mail_raw;
DROP TABLE mail_messages;
