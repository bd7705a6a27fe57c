-- Who has an inquiry open in the console, for collision detection. Each
-- open page beats every few seconds (seen_at) and once per keystroke burst
-- while its member types a reply (typing_at); a row older than the
-- presence TTL (vocdesk.PresenceTTL) is gone for readers and deleted by the
-- next page that leaves. The table is shared by every server process, so
-- agents on two processes behind a load balancer see each other; it holds
-- one row per open (inquiry, member), a few hundred at most. No foreign
-- keys: a removed member's or a stale row must never hold up other writes,
-- and readers join members, so a removed member simply is not shown.

-- +goose Up
CREATE TABLE inquiry_presence (
    inquiry_id   BIGINT NOT NULL,
    member_id    BIGINT NOT NULL,
    developer_id BIGINT NOT NULL,
    seen_at      BIGINT NOT NULL,
    typing_at    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (inquiry_id, member_id)
);
CREATE INDEX inquiry_presence_seen ON inquiry_presence (seen_at);

-- +goose Down
DROP TABLE inquiry_presence;
