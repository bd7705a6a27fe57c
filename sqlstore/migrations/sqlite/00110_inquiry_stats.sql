-- Reports: one narrow row per inquiry with what the dashboards count and
-- measure, written in the same transaction as every change of the inquiry
-- (created, status moved, first answer, SLA wait started and ended). The
-- durations are business seconds in the developer's calendar at the time,
-- the calendar its SLA deadlines were computed in, so the reports agree
-- with the SLA. A range's figures are one index range scan of this table
-- (bench/reports), and percentiles are exact: the values themselves are
-- kept, not buckets.
--
-- Inquiries that existed before this migration get their counts but no
-- durations: their first answer and resolution times were never recorded.

-- +goose Up
CREATE TABLE inquiry_stats (
    inquiry_id          INTEGER PRIMARY KEY REFERENCES inquiries (id),
    developer_id        BIGINT  NOT NULL REFERENCES developers (id),
    app_id              BIGINT  NOT NULL REFERENCES apps (id),
    created_at          BIGINT  NOT NULL,
    channel             TEXT    NOT NULL,
    category            TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    first_response_secs BIGINT,
    resolved_at         BIGINT,
    resolution_secs     BIGINT,
    -- breached: a wait ended after its due time; due_at: the running
    -- wait's due time, which breaches when it passes unanswered.
    breached            INTEGER NOT NULL DEFAULT 0,
    due_at              BIGINT
);
-- Covering: a developer's range (and the store's) is read from the index alone.
CREATE INDEX inquiry_stats_dev ON inquiry_stats (developer_id, created_at, app_id, channel, category, status,
    first_response_secs, resolution_secs, breached, due_at);
CREATE INDEX inquiry_stats_all ON inquiry_stats (created_at, developer_id, app_id, channel, category, status,
    first_response_secs, resolution_secs, breached, due_at);
-- The backlog: open inquiries only, by age.
CREATE INDEX inquiry_stats_open ON inquiry_stats (developer_id, created_at, app_id)
    WHERE status IN ('new', 'open', 'waiting_on_customer');
-- Ratings are read from inquiries themselves, rated ones only.
CREATE INDEX inquiries_rated ON inquiries (developer_id, created_at, rating, app_id) WHERE rating > 0;
CREATE INDEX inquiries_rated_all ON inquiries (created_at, rating, developer_id, app_id) WHERE rating > 0;

INSERT INTO inquiry_stats (inquiry_id, developer_id, app_id, created_at, channel, category, status, breached, due_at)
SELECT id, developer_id, app_id, created_at, channel, category, status, 0, due_at FROM inquiries;

-- +goose Down
DROP INDEX inquiry_stats_open;
DROP INDEX inquiries_rated_all;
DROP INDEX inquiries_rated;
DROP TABLE inquiry_stats;
