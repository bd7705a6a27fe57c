-- Snoozed inquiries: out of the inbox's default view until a time (until)
-- or the customer's next message (until NULL: only that). A table of its
-- own rather than a column, so the inbox's walk of its covering indexes
-- (migration 00023) asks a small table's primary key about the few rows it
-- keeps instead of reading every row it passes. A wake job (kind
-- inquiry.wake) is enqueued for until with the snooze; it ends the snooze
-- only if until is still the same (a later snooze replaced it otherwise).

-- +goose Up
CREATE TABLE inquiry_snoozes (
    inquiry_id   BIGINT  PRIMARY KEY REFERENCES inquiries (id),
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    until        BIGINT,
    by_member    BIGINT  NOT NULL DEFAULT 0,
    by_name      TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL
);
CREATE INDEX inquiry_snoozes_developer ON inquiry_snoozes (developer_id, inquiry_id);

-- +goose Down
DROP TABLE inquiry_snoozes;
