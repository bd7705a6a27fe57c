-- The satisfaction survey (survey.go): an inquiry's customer is asked once,
-- when it is first resolved. survey_at is when that was (the mail went out,
-- or the customer resolved it on My Page and was asked there); a later
-- resolution finds it set and asks nothing. rated_at is when the first
-- rating was given: a change is allowed within a window after it.
-- Inquiries resolved before this migration were told of it by the old
-- resolution notice: they count as asked, and their ratings as given when
-- the inquiry last changed.
--
-- server_keys holds the server's own secrets, made once from crypto/rand by
-- the first process that needs one (sqlstore.DB.ServerKey) and shared by
-- every process on the database: a survey link signed by one is good on all.

-- +goose Up
ALTER TABLE inquiries ADD COLUMN survey_at BIGINT;
ALTER TABLE inquiries ADD COLUMN rated_at BIGINT;
UPDATE inquiries SET survey_at = updated_at WHERE status IN ('resolved', 'closed');
UPDATE inquiries SET rated_at = updated_at WHERE rating > 0;
CREATE INDEX inquiries_unrated ON inquiries (customer_id, updated_at DESC, id DESC) WHERE status = 'resolved' AND rating = 0;

CREATE TABLE server_keys (
    name       TEXT   PRIMARY KEY,
    secret     TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE server_keys;
DROP INDEX inquiries_unrated;
ALTER TABLE inquiries DROP COLUMN rated_at;
ALTER TABLE inquiries DROP COLUMN survey_at;
