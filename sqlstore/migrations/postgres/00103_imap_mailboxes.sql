-- A developer's support mailbox hosted elsewhere, polled over IMAP: the
-- settings (the password kept like webhook secrets: in the database, never
-- read back out but by the poller) and the poller's place in the mailbox.
-- uid_validity and last_uid move in the transaction that stores each
-- fetched message, so a message is neither stored twice nor skipped.

-- +goose Up
CREATE TABLE imap_mailboxes (
    developer_id  BIGINT  PRIMARY KEY REFERENCES developers (id),
    addr          TEXT    NOT NULL,
    security      TEXT    NOT NULL CHECK (security IN ('tls', 'starttls', 'none')),
    username      TEXT    NOT NULL,
    password      TEXT    NOT NULL DEFAULT '',
    mailbox       TEXT    NOT NULL DEFAULT 'INBOX',
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    uid_validity  BIGINT  NOT NULL DEFAULT 0,
    last_uid      BIGINT  NOT NULL DEFAULT 0,
    fetched       BIGINT  NOT NULL DEFAULT 0,
    last_poll_at  BIGINT,
    last_ok_at    BIGINT,
    last_error    TEXT    NOT NULL DEFAULT '',
    failures      INTEGER NOT NULL DEFAULT 0,
    next_poll_at  BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE imap_mailboxes;
