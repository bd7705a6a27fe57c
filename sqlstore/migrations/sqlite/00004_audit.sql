-- The append-only audit trail: who changed what, when, before and after.
-- Triggers refuse UPDATE and DELETE, so not even a bug in vocdesk can
-- rewrite history through SQL.

-- +goose Up
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           BIGINT  NOT NULL,
    actor_realm  TEXT    NOT NULL,
    actor_id     BIGINT  NOT NULL DEFAULT 0,
    actor_key_id BIGINT  NOT NULL DEFAULT 0,
    actor_name   TEXT    NOT NULL DEFAULT '',
    developer_id BIGINT,
    action       TEXT    NOT NULL,
    entity       TEXT    NOT NULL,
    entity_id    TEXT    NOT NULL,
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_developer ON audit_log (developer_id, at);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
DROP TABLE audit_log;
