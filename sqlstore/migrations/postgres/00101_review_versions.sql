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
CREATE FUNCTION reviews_bump_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO review_counts (app_id, version) VALUES (OLD.app_id, 1)
            ON CONFLICT (app_id) DO UPDATE SET version = review_counts.version + 1;
        INSERT INTO review_inbox_versions (developer_id, version) VALUES (OLD.developer_id, 1)
            ON CONFLICT (developer_id) DO UPDATE SET version = review_inbox_versions.version + 1;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.app_id <> OLD.app_id OR NEW.developer_id <> OLD.developer_id) THEN
        INSERT INTO review_counts (app_id, version) VALUES (NEW.app_id, 1)
            ON CONFLICT (app_id) DO UPDATE SET version = review_counts.version + 1;
        INSERT INTO review_inbox_versions (developer_id, version) VALUES (NEW.developer_id, 1)
            ON CONFLICT (developer_id) DO UPDATE SET version = review_inbox_versions.version + 1;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER reviews_versions AFTER INSERT OR UPDATE OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION reviews_bump_versions();

-- +goose StatementBegin
CREATE FUNCTION apps_bump_review_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO review_counts (app_id, version) VALUES (NEW.id, 1)
        ON CONFLICT (app_id) DO UPDATE SET version = review_counts.version + 1;
    INSERT INTO review_inbox_versions (developer_id, version) VALUES (NEW.developer_id, 1)
        ON CONFLICT (developer_id) DO UPDATE SET version = review_inbox_versions.version + 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER apps_review_versions AFTER UPDATE OF slug, name ON apps
    FOR EACH ROW EXECUTE FUNCTION apps_bump_review_versions();

-- +goose Down
DROP TRIGGER apps_review_versions ON apps;
DROP FUNCTION apps_bump_review_versions();
DROP TRIGGER reviews_versions ON reviews;
DROP FUNCTION reviews_bump_versions();
DROP TABLE review_inbox_versions;
ALTER TABLE review_counts DROP COLUMN version;
