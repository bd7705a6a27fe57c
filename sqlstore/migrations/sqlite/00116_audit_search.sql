-- The audit trail's reader (sqlstore/audit_find.go) pages newest first on
-- (at, id) under at most one of these selections, so each has an index
-- that ends in (at, id): everything (operators), one developer's entries,
-- one action, one actor; a developer's owner searching one action or a
-- family of them (bench/audit: 251 ms p95 on PostgreSQL without it, the
-- planner walking every developer's entries of the family). The entity
-- index gains (at, id) for the same reason. Free text over before/after
-- has no index: it runs over what the other filters and the date range
-- leave (docs/operations.md says so).

-- +goose Up
CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE INDEX audit_log_dev_at ON audit_log (developer_id, at, id);
CREATE INDEX audit_log_dev_action ON audit_log (developer_id, action, at, id);
DROP INDEX audit_log_developer;
CREATE INDEX audit_log_action ON audit_log (action, at, id);
CREATE INDEX audit_log_actor ON audit_log (actor_realm, actor_id, at, id);
CREATE INDEX audit_log_entity_at ON audit_log (entity, entity_id, at, id);
DROP INDEX audit_log_entity;

-- +goose Down
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
DROP INDEX audit_log_entity_at;
DROP INDEX audit_log_actor;
DROP INDEX audit_log_action;
CREATE INDEX audit_log_developer ON audit_log (developer_id, at);
DROP INDEX audit_log_dev_action;
DROP INDEX audit_log_dev_at;
DROP INDEX audit_log_at;
