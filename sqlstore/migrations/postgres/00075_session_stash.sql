-- One-time values kept for a browser session across a redirect (a new API
-- key's secret, shown once on the page after the post). The value is
-- sealed with the session's cookie secret, which the server stores only as
-- a hash; a row is deleted when read, and with its session.

-- +goose Up
CREATE TABLE session_stash (
    session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    sealed     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, name)
);

-- +goose Down
DROP TABLE session_stash;
