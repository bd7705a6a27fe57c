-- Versions of what the public app page and the developer's reviews inbox
-- show, for the cache of their first pages (sqlstore/review_page_cache.go):
-- every insert, update or delete of a review moves its app's version
-- (review_counts.version) and its developer's (review_inbox_versions) in
-- the same transaction, by trigger, so no write path, today's or a later
-- one, can leave a cached page standing; so does renaming an app (its name
-- and slug are on both pages). A page is served from the cache
-- only while the version it was read at is the one the database holds.

-- +goose Up
ALTER TABLE review_counts ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
CREATE TABLE review_inbox_versions (
    developer_id BIGINT PRIMARY KEY REFERENCES developers (id),
    version      BIGINT NOT NULL DEFAULT 0
);

-- +goose StatementBegin
CREATE TRIGGER reviews_version_insert AFTER INSERT ON reviews
BEGIN
    INSERT INTO review_counts (app_id, version) VALUES (NEW.app_id, 1)
        ON CONFLICT (app_id) DO UPDATE SET version = version + 1;
    INSERT INTO review_inbox_versions (developer_id, version) VALUES (NEW.developer_id, 1)
        ON CONFLICT (developer_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER reviews_version_update AFTER UPDATE ON reviews
BEGIN
    INSERT INTO review_counts (app_id, version) VALUES (OLD.app_id, 1)
        ON CONFLICT (app_id) DO UPDATE SET version = version + 1;
    INSERT INTO review_counts (app_id, version) VALUES (NEW.app_id, 1)
        ON CONFLICT (app_id) DO UPDATE SET version = version + 1;
    INSERT INTO review_inbox_versions (developer_id, version) VALUES (OLD.developer_id, 1)
        ON CONFLICT (developer_id) DO UPDATE SET version = version + 1;
    INSERT INTO review_inbox_versions (developer_id, version) VALUES (NEW.developer_id, 1)
        ON CONFLICT (developer_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER reviews_version_delete AFTER DELETE ON reviews
BEGIN
    INSERT INTO review_counts (app_id, version) VALUES (OLD.app_id, 1)
        ON CONFLICT (app_id) DO UPDATE SET version = version + 1;
    INSERT INTO review_inbox_versions (developer_id, version) VALUES (OLD.developer_id, 1)
        ON CONFLICT (developer_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER apps_review_version AFTER UPDATE OF slug, name ON apps
BEGIN
    INSERT INTO review_counts (app_id, version) VALUES (NEW.id, 1)
        ON CONFLICT (app_id) DO UPDATE SET version = version + 1;
    INSERT INTO review_inbox_versions (developer_id, version) VALUES (NEW.developer_id, 1)
        ON CONFLICT (developer_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER apps_review_version;
DROP TRIGGER reviews_version_delete;
DROP TRIGGER reviews_version_update;
DROP TRIGGER reviews_version_insert;
DROP TABLE review_inbox_versions;
ALTER TABLE review_counts DROP COLUMN version;
