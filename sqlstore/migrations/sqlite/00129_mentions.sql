-- Mentions of teammates in internal notes (@name), kept as references to
-- the member, and the notifications they produce. A notification belongs
-- to one member of one developer and is read by that member alone. Both go
-- with their member when the member is removed from the team.

-- +goose Up
CREATE TABLE message_mentions (
    message_id BIGINT NOT NULL REFERENCES inquiry_messages (id),
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (message_id, member_id)
);

CREATE TABLE member_notifications (
    id           INTEGER PRIMARY KEY,
    developer_id BIGINT NOT NULL REFERENCES developers (id),
    member_id    BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind         TEXT   NOT NULL CHECK (kind IN ('mention')),
    inquiry_id   BIGINT NOT NULL REFERENCES inquiries (id),
    message_id   BIGINT NOT NULL REFERENCES inquiry_messages (id),
    by_name      TEXT   NOT NULL DEFAULT '',
    excerpt      TEXT   NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    read_at      BIGINT
);
CREATE INDEX member_notifications_member ON member_notifications (member_id, id);

-- +goose Down
DROP TABLE member_notifications;
DROP TABLE message_mentions;
