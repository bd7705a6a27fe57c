-- Reports: the customers' ratings in the daily counters (inquiry_days,
-- 00134), so that a range's ratings are a few rows a day rather than a
-- scan of every rated inquiry (a third of the resolved ones): dim q, key
-- the rating (1-5), by day and by 32-day block (Q); the store's rows
-- sharded over 4 like its other counts. Ratings live on inquiries, so the
-- triggers are on inquiries: a rating given or changed, and, should one
-- ever move, an inquiry's developer, app or day.

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
CREATE TRIGGER inquiry_days_rating_insert AFTER INSERT ON inquiries WHEN NEW.rating > 0 BEGIN
    INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
    SELECT l.dev AS developer_id, l.app AS app_id,
        CASE WHEN s.blk = 1 THEN t.day - t.day % 32 ELSE t.day END AS day, CASE WHEN s.blk = 1 THEN 'Q' ELSE 'q' END AS dim,
        CAST(NEW.rating AS TEXT) AS key, CASE WHEN l.dev = 0 THEN NEW.id % 4 ELSE 0 END AS shard, 1 AS n
    FROM (SELECT (NEW.created_at + 32400000000) / 86400000000 AS day) t
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT NEW.developer_id, NEW.app_id) l
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1) s
    WHERE NEW.rating > 0
    ON CONFLICT (developer_id, dim, day, key, app_id, shard) DO UPDATE SET n = inquiry_days.n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER inquiry_days_rating_update AFTER UPDATE OF rating, developer_id, app_id, created_at ON inquiries
WHEN OLD.rating <> NEW.rating OR OLD.developer_id <> NEW.developer_id OR OLD.app_id <> NEW.app_id OR OLD.created_at <> NEW.created_at BEGIN
    INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
    SELECT developer_id, app_id, day, dim, key, shard, SUM(n) FROM (
    SELECT l.dev AS developer_id, l.app AS app_id,
        CASE WHEN s.blk = 1 THEN t.day - t.day % 32 ELSE t.day END AS day, CASE WHEN s.blk = 1 THEN 'Q' ELSE 'q' END AS dim,
        CAST(OLD.rating AS TEXT) AS key, CASE WHEN l.dev = 0 THEN OLD.id % 4 ELSE 0 END AS shard, -1 AS n
    FROM (SELECT (OLD.created_at + 32400000000) / 86400000000 AS day) t
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT OLD.developer_id, OLD.app_id) l
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1) s
    WHERE OLD.rating > 0
    UNION ALL
    SELECT l.dev AS developer_id, l.app AS app_id,
        CASE WHEN s.blk = 1 THEN t.day - t.day % 32 ELSE t.day END AS day, CASE WHEN s.blk = 1 THEN 'Q' ELSE 'q' END AS dim,
        CAST(NEW.rating AS TEXT) AS key, CASE WHEN l.dev = 0 THEN NEW.id % 4 ELSE 0 END AS shard, 1 AS n
    FROM (SELECT (NEW.created_at + 32400000000) / 86400000000 AS day) t
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT NEW.developer_id, NEW.app_id) l
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1) s
    WHERE NEW.rating > 0
    ) x GROUP BY developer_id, app_id, day, dim, key, shard HAVING SUM(n) <> 0
    ON CONFLICT (developer_id, dim, day, key, app_id, shard) DO UPDATE SET n = inquiry_days.n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER inquiry_days_rating_delete AFTER DELETE ON inquiries WHEN OLD.rating > 0 BEGIN
    INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
    SELECT l.dev AS developer_id, l.app AS app_id,
        CASE WHEN s.blk = 1 THEN t.day - t.day % 32 ELSE t.day END AS day, CASE WHEN s.blk = 1 THEN 'Q' ELSE 'q' END AS dim,
        CAST(OLD.rating AS TEXT) AS key, CASE WHEN l.dev = 0 THEN OLD.id % 4 ELSE 0 END AS shard, -1 AS n
    FROM (SELECT (OLD.created_at + 32400000000) / 86400000000 AS day) t
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT OLD.developer_id, OLD.app_id) l
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1) s
    WHERE OLD.rating > 0
    ON CONFLICT (developer_id, dim, day, key, app_id, shard) DO UPDATE SET n = inquiry_days.n + excluded.n;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER inquiry_days_rating_delete;
DROP TRIGGER inquiry_days_rating_update;
DROP TRIGGER inquiry_days_rating_insert;
DELETE FROM inquiry_days WHERE dim IN ('q', 'Q');
