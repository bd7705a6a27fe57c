-- The email delivery of answers: one row per thread message that went out
-- by mail (a developer's or operator's answer), written as 'queued' in the
-- transaction that enqueues its mail job and moved by the job's attempts.
-- The thread shows it beside the message.

-- +goose Up
CREATE TABLE mail_deliveries (
    message_ref  BIGINT  PRIMARY KEY REFERENCES inquiry_messages (id),
    inquiry_id   BIGINT  NOT NULL REFERENCES inquiries (id),
    to_addr      TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('queued', 'sent', 'retrying', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT '',
    message_id   TEXT    NOT NULL DEFAULT '',
    updated_at   BIGINT  NOT NULL
);
CREATE INDEX mail_deliveries_inquiry ON mail_deliveries (inquiry_id);
-- The customer's Message-IDs of a thread, for the answers' References.
CREATE INDEX mail_messages_inquiry ON mail_messages (inquiry_id, id) WHERE inquiry_id IS NOT NULL;

-- +goose Down
DROP INDEX mail_messages_inquiry;
DROP TABLE mail_deliveries;
