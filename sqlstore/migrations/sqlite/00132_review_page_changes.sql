-- The cached first pages of reviews (sqlstore/review_page_cache.go) are
-- told what changed instead of checking a version on every read.
--
-- Every change of something the public app page or a developer's reviews
-- inbox shows adds a row here, by trigger, in the writing transaction, so
-- no write path and no process (a vocdesk command on the same file, a hand
-- edit) can leave a page standing: a review written, hidden, replied to or
-- voted on, an app's counts, an app renamed or moved, a developer's slug,
-- and a purchase whose paid state changes for a customer who reviewed its
-- app (the "verified purchase" mark: a paid purchase of the app, not fully
-- refunded). The serving process reads the rows after its last one every
-- few milliseconds (review_page_feed.go) and drops the pages they name.
--
-- A row names pages this way: customer_id set, the pages showing that
-- customer's review of app_id; else app_id's public page and developer_id's
-- inbox (either may be 0); app_id 0 with developer_id set, the inbox and
-- every public page of that developer's apps. seq grows by one per row and
-- only the last 4,096 rows are kept: a reader that finds its last row gone
-- missed some, and drops every page.
--
-- The versions of migration 00101, which every read checked, go.

-- +goose Up
DROP TRIGGER apps_review_version;
DROP TRIGGER reviews_version_delete;
DROP TRIGGER reviews_version_update;
DROP TRIGGER reviews_version_insert;
DROP TABLE review_inbox_versions;
ALTER TABLE review_counts DROP COLUMN version;

CREATE TABLE review_page_changes (
    seq          INTEGER PRIMARY KEY,
    app_id       BIGINT NOT NULL DEFAULT 0,
    developer_id BIGINT NOT NULL DEFAULT 0,
    customer_id  BIGINT NOT NULL DEFAULT 0
);

-- +goose StatementBegin
CREATE TRIGGER review_page_changes_trim AFTER INSERT ON review_page_changes
BEGIN
    DELETE FROM review_page_changes WHERE seq <= NEW.seq - 4096;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER reviews_pages_insert AFTER INSERT ON reviews
BEGIN
    INSERT INTO review_page_changes (app_id, developer_id) VALUES (NEW.app_id, NEW.developer_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER reviews_pages_update AFTER UPDATE ON reviews
BEGIN
    INSERT INTO review_page_changes (app_id, developer_id)
        SELECT OLD.app_id, OLD.developer_id UNION SELECT NEW.app_id, NEW.developer_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER reviews_pages_delete AFTER DELETE ON reviews
BEGIN
    INSERT INTO review_page_changes (app_id, developer_id) VALUES (OLD.app_id, OLD.developer_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER review_counts_pages_insert AFTER INSERT ON review_counts
BEGIN
    INSERT INTO review_page_changes (app_id) VALUES (NEW.app_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER review_counts_pages_update AFTER UPDATE ON review_counts
BEGIN
    INSERT INTO review_page_changes (app_id) SELECT OLD.app_id UNION SELECT NEW.app_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER review_counts_pages_delete AFTER DELETE ON review_counts
BEGIN
    INSERT INTO review_page_changes (app_id) VALUES (OLD.app_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER apps_pages_update AFTER UPDATE OF slug, name, developer_id ON apps
WHEN OLD.slug IS NOT NEW.slug OR OLD.name IS NOT NEW.name OR OLD.developer_id IS NOT NEW.developer_id
BEGIN
    INSERT INTO review_page_changes (app_id, developer_id)
        SELECT NEW.id, OLD.developer_id UNION SELECT NEW.id, NEW.developer_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER developers_pages_update AFTER UPDATE OF slug ON developers
WHEN OLD.slug IS NOT NEW.slug
BEGIN
    INSERT INTO review_page_changes (developer_id) VALUES (NEW.id);
END;
-- +goose StatementEnd

-- A purchase counts for the mark while refunded < amount. Only a change of
-- that for a customer who reviewed the app can change a page: one probe of
-- reviews' UNIQUE (customer_id, app_id) per purchase written.
-- +goose StatementBegin
CREATE TRIGGER purchases_pages_insert AFTER INSERT ON purchases
WHEN NEW.refunded < NEW.amount
    AND EXISTS (SELECT 1 FROM reviews r WHERE r.customer_id = NEW.customer_id AND r.app_id = NEW.app_id)
BEGIN
    INSERT INTO review_page_changes (app_id, developer_id, customer_id) VALUES (NEW.app_id, NEW.developer_id, NEW.customer_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER purchases_pages_update AFTER UPDATE OF refunded, amount, customer_id, app_id ON purchases
WHEN (OLD.refunded < OLD.amount) <> (NEW.refunded < NEW.amount)
    OR OLD.customer_id <> NEW.customer_id OR OLD.app_id <> NEW.app_id
BEGIN
    INSERT INTO review_page_changes (app_id, developer_id, customer_id)
        SELECT p.app_id, p.developer_id, p.customer_id
        FROM (SELECT OLD.app_id AS app_id, OLD.developer_id AS developer_id, OLD.customer_id AS customer_id
              UNION SELECT NEW.app_id, NEW.developer_id, NEW.customer_id) p
        WHERE EXISTS (SELECT 1 FROM reviews r WHERE r.customer_id = p.customer_id AND r.app_id = p.app_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER purchases_pages_delete AFTER DELETE ON purchases
WHEN OLD.refunded < OLD.amount
    AND EXISTS (SELECT 1 FROM reviews r WHERE r.customer_id = OLD.customer_id AND r.app_id = OLD.app_id)
BEGIN
    INSERT INTO review_page_changes (app_id, developer_id, customer_id) VALUES (OLD.app_id, OLD.developer_id, OLD.customer_id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER purchases_pages_delete;
DROP TRIGGER purchases_pages_update;
DROP TRIGGER purchases_pages_insert;
DROP TRIGGER developers_pages_update;
DROP TRIGGER apps_pages_update;
DROP TRIGGER review_counts_pages_delete;
DROP TRIGGER review_counts_pages_update;
DROP TRIGGER review_counts_pages_insert;
DROP TRIGGER reviews_pages_delete;
DROP TRIGGER reviews_pages_update;
DROP TRIGGER reviews_pages_insert;
DROP TRIGGER review_page_changes_trim;
DROP TABLE review_page_changes;

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
