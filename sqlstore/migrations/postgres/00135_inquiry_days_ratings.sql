-- Reports: the customers' ratings in the daily counters (inquiry_days,
-- 00134), so that a range's ratings are a few rows a day rather than a
-- scan of every rated inquiry (a third of the resolved ones): dim q, key
-- the rating (1-5), by day and by 32-day block (Q); the store's rows
-- sharded over 4 like its other counts. Ratings live on inquiries, so the
-- triggers are on inquiries: a rating given or changed, and, should one
-- ever move, an inquiry's developer, app or day.

-- On PostgreSQL the changes are noted and applied at commit, as 00134's.

-- +goose Up
-- Backfill: the ratings there are.
INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
SELECT 0, 0, (created_at + 32400000000) / 86400000000, 'q', CAST(rating AS TEXT), id % 4, COUNT(*)
    FROM inquiries WHERE rating > 0 GROUP BY 3, 5, 6
UNION ALL
SELECT developer_id, app_id, (created_at + 32400000000) / 86400000000, 'q', CAST(rating AS TEXT), 0, COUNT(*)
    FROM inquiries WHERE rating > 0 GROUP BY 1, 2, 3, 5;
INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
SELECT developer_id, app_id, day - day % 32, 'Q', key, shard, SUM(n) FROM inquiry_days WHERE dim = 'q'
GROUP BY developer_id, app_id, day - day % 32, key, shard;

-- +goose StatementBegin
CREATE FUNCTION inquiry_days_rating_facts(r inquiries, d BIGINT)
RETURNS TABLE (developer_id BIGINT, app_id BIGINT, day BIGINT, dim TEXT, key TEXT, shard BIGINT, n BIGINT)
LANGUAGE sql IMMUTABLE AS $$
    SELECT l.dev AS developer_id, l.app AS app_id,
        CASE WHEN s.blk = 1 THEN t.day - t.day % 32 ELSE t.day END AS day, CASE WHEN s.blk = 1 THEN 'Q' ELSE 'q' END AS dim,
        CAST(r.rating AS TEXT) AS key, CASE WHEN l.dev = 0 THEN r.id % 4 ELSE 0 END AS shard, d AS n
    FROM (SELECT (r.created_at + 32400000000) / 86400000000 AS day) t
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT r.developer_id, r.app_id) l
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1) s
    WHERE r.rating > 0
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION inquiry_days_rating_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    x BIGINT := txid_current();
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO inquiry_days_pending (xid, developer_id, app_id, day, dim, key, shard, n) SELECT x, f.* FROM inquiry_days_rating_facts(NEW, 1) f;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO inquiry_days_pending (xid, developer_id, app_id, day, dim, key, shard, n) SELECT x, f.* FROM inquiry_days_rating_facts(OLD, -1) f;
    ELSE
        INSERT INTO inquiry_days_pending (xid, developer_id, app_id, day, dim, key, shard, n)
        SELECT x, f.* FROM inquiry_days_rating_facts(OLD, -1) f UNION ALL SELECT x, f.* FROM inquiry_days_rating_facts(NEW, 1) f;
    END IF;
    INSERT INTO inquiry_days_flush (xid) VALUES (x) ON CONFLICT (xid) DO NOTHING;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER inquiry_days_rating_insert AFTER INSERT ON inquiries FOR EACH ROW WHEN (NEW.rating > 0)
    EXECUTE FUNCTION inquiry_days_rating_follow();
CREATE TRIGGER inquiry_days_rating_update AFTER UPDATE OF rating, developer_id, app_id, created_at ON inquiries FOR EACH ROW
    WHEN (OLD.rating <> NEW.rating OR OLD.developer_id <> NEW.developer_id OR OLD.app_id <> NEW.app_id OR OLD.created_at <> NEW.created_at) EXECUTE FUNCTION inquiry_days_rating_follow();
CREATE TRIGGER inquiry_days_rating_delete AFTER DELETE ON inquiries FOR EACH ROW WHEN (OLD.rating > 0)
    EXECUTE FUNCTION inquiry_days_rating_follow();

-- +goose Down
DROP TRIGGER inquiry_days_rating_delete ON inquiries;
DROP TRIGGER inquiry_days_rating_update ON inquiries;
DROP TRIGGER inquiry_days_rating_insert ON inquiries;
DROP FUNCTION inquiry_days_rating_follow();
DROP FUNCTION inquiry_days_rating_facts(inquiries, BIGINT);
DELETE FROM inquiry_days WHERE dim IN ('q', 'Q');
