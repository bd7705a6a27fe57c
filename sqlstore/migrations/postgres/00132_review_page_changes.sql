-- The cached first pages of reviews (sqlstore/review_page_cache.go) are
-- told what changed instead of checking a version on every read.
--
-- Every change of something the public app page or a developer's reviews
-- inbox shows sends a notification on the channel vocdesk_review_pages, by
-- trigger, in the writing transaction: PostgreSQL delivers it when, and
-- only if, the transaction commits. Each vocdesk process listens on one
-- connection of its own (review_page_feed.go) and drops the pages named.
-- So no write path and no process (another vocdesk serve, a command, a hand
-- edit) can leave a page standing: a review written, hidden, replied to or
-- voted on, an app's counts, an app renamed or moved, a developer's slug,
-- and a purchase whose paid state changes for a customer who reviewed its
-- app (the "verified purchase" mark: a paid purchase of the app, not fully
-- refunded).
--
-- The payload is "schema app_id developer_id customer_id": the schema of
-- the table written, as several stores may share one database (the
-- channel is the database's); customer_id set names the pages showing that
-- customer's review of app_id; else app_id's public page and developer_id's
-- inbox (either may be 0); app_id 0 with developer_id set, the inbox and
-- every public page of that developer's apps; all three 0, every page.
-- Identical notifications of one transaction are delivered once.
--
-- The versions of migration 00101, which every read checked, go.

-- +goose Up
DROP TRIGGER apps_review_versions ON apps;
DROP FUNCTION apps_bump_review_versions();
DROP TRIGGER reviews_versions ON reviews;
DROP FUNCTION reviews_bump_versions();
DROP TABLE review_inbox_versions;
ALTER TABLE review_counts DROP COLUMN version;

-- Statement triggers: a statement that writes many reviews (a load, a
-- bulk hide) sends one notification per app and developer.
-- +goose StatementBegin
CREATE FUNCTION reviews_notify_pages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('vocdesk_review_pages', concat_ws(' ', TG_TABLE_SCHEMA, o.app_id, o.developer_id, 0))
        FROM (SELECT DISTINCT app_id, developer_id FROM old_rows) o;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('vocdesk_review_pages', concat_ws(' ', TG_TABLE_SCHEMA, n.app_id, n.developer_id, 0))
        FROM (SELECT DISTINCT app_id, developer_id FROM new_rows) n;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER reviews_pages_insert AFTER INSERT ON reviews REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_notify_pages();
CREATE TRIGGER reviews_pages_update AFTER UPDATE ON reviews REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_notify_pages();
CREATE TRIGGER reviews_pages_delete AFTER DELETE ON reviews REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_notify_pages();

-- +goose StatementBegin
CREATE FUNCTION review_counts_notify_pages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('vocdesk_review_pages', concat_ws(' ', TG_TABLE_SCHEMA, OLD.app_id, 0, 0));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('vocdesk_review_pages', concat_ws(' ', TG_TABLE_SCHEMA, NEW.app_id, 0, 0));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER review_counts_pages AFTER INSERT OR UPDATE OR DELETE ON review_counts
    FOR EACH ROW EXECUTE FUNCTION review_counts_notify_pages();

-- +goose StatementBegin
CREATE FUNCTION apps_notify_pages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('vocdesk_review_pages', concat_ws(' ', TG_TABLE_SCHEMA, NEW.id, OLD.developer_id, 0));
    PERFORM pg_notify('vocdesk_review_pages', concat_ws(' ', TG_TABLE_SCHEMA, NEW.id, NEW.developer_id, 0));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER apps_pages AFTER UPDATE OF slug, name, developer_id ON apps FOR EACH ROW
    WHEN ((OLD.slug, OLD.name, OLD.developer_id) IS DISTINCT FROM (NEW.slug, NEW.name, NEW.developer_id))
    EXECUTE FUNCTION apps_notify_pages();

-- +goose StatementBegin
CREATE FUNCTION developers_notify_pages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('vocdesk_review_pages', concat_ws(' ', TG_TABLE_SCHEMA, 0, NEW.id, 0));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER developers_pages AFTER UPDATE OF slug ON developers FOR EACH ROW
    WHEN (OLD.slug IS DISTINCT FROM NEW.slug)
    EXECUTE FUNCTION developers_notify_pages();

-- A purchase counts for the mark while refunded < amount. Only a change of
-- that for a customer who reviewed the app can change a page: the
-- statement's purchases whose paid state changed are looked up in reviews'
-- UNIQUE (customer_id, app_id), one probe each (1-2 us; a scalar subquery,
-- not EXISTS, which PostgreSQL planned as a hash join reading every review:
-- 190 ms for an import batch of 10,000 at 100k reviews). A purchase's
-- customer and app never change (migration 00053).
-- +goose StatementBegin
CREATE FUNCTION purchases_notify_pages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM pg_notify('vocdesk_review_pages', concat_ws(' ', TG_TABLE_SCHEMA, p.app_id, p.developer_id, p.customer_id))
        FROM (SELECT DISTINCT app_id, developer_id, customer_id FROM new_rows WHERE refunded < amount) p
        WHERE (SELECT 1 FROM reviews r WHERE r.customer_id = p.customer_id AND r.app_id = p.app_id LIMIT 1) IS NOT NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM pg_notify('vocdesk_review_pages', concat_ws(' ', TG_TABLE_SCHEMA, p.app_id, p.developer_id, p.customer_id))
        FROM (SELECT DISTINCT n.app_id, n.developer_id, n.customer_id FROM old_rows o JOIN new_rows n ON n.id = o.id
              WHERE (o.refunded < o.amount) <> (n.refunded < n.amount)) p
        WHERE (SELECT 1 FROM reviews r WHERE r.customer_id = p.customer_id AND r.app_id = p.app_id LIMIT 1) IS NOT NULL;
    ELSE
        PERFORM pg_notify('vocdesk_review_pages', concat_ws(' ', TG_TABLE_SCHEMA, p.app_id, p.developer_id, p.customer_id))
        FROM (SELECT DISTINCT app_id, developer_id, customer_id FROM old_rows WHERE refunded < amount) p
        WHERE (SELECT 1 FROM reviews r WHERE r.customer_id = p.customer_id AND r.app_id = p.app_id LIMIT 1) IS NOT NULL;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER purchases_pages_insert AFTER INSERT ON purchases REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION purchases_notify_pages();
CREATE TRIGGER purchases_pages_update AFTER UPDATE ON purchases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION purchases_notify_pages();
CREATE TRIGGER purchases_pages_delete AFTER DELETE ON purchases REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION purchases_notify_pages();

-- TRUNCATE fires no row or transition-table trigger: every page goes.
-- +goose StatementBegin
CREATE FUNCTION truncate_notify_pages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('vocdesk_review_pages', concat_ws(' ', TG_TABLE_SCHEMA, 0, 0, 0));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER reviews_pages_truncate AFTER TRUNCATE ON reviews
    FOR EACH STATEMENT EXECUTE FUNCTION truncate_notify_pages();
CREATE TRIGGER review_counts_pages_truncate AFTER TRUNCATE ON review_counts
    FOR EACH STATEMENT EXECUTE FUNCTION truncate_notify_pages();
CREATE TRIGGER purchases_pages_truncate AFTER TRUNCATE ON purchases
    FOR EACH STATEMENT EXECUTE FUNCTION truncate_notify_pages();

-- +goose Down
DROP TRIGGER purchases_pages_truncate ON purchases;
DROP TRIGGER review_counts_pages_truncate ON review_counts;
DROP TRIGGER reviews_pages_truncate ON reviews;
DROP FUNCTION truncate_notify_pages();
DROP TRIGGER purchases_pages_delete ON purchases;
DROP TRIGGER purchases_pages_update ON purchases;
DROP TRIGGER purchases_pages_insert ON purchases;
DROP FUNCTION purchases_notify_pages();
DROP TRIGGER developers_pages ON developers;
DROP FUNCTION developers_notify_pages();
DROP TRIGGER apps_pages ON apps;
DROP FUNCTION apps_notify_pages();
DROP TRIGGER review_counts_pages ON review_counts;
DROP FUNCTION review_counts_notify_pages();
DROP TRIGGER reviews_pages_delete ON reviews;
DROP TRIGGER reviews_pages_update ON reviews;
DROP TRIGGER reviews_pages_insert ON reviews;
DROP FUNCTION reviews_notify_pages();

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
