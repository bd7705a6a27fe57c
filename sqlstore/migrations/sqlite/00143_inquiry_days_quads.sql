-- Reports: a second block size for the daily counters (inquiry_days,
-- 00134): n, a, f, r and m are also counted by 4-day block (day a
-- multiple of 4, dim the day's dim and '4': n4, a4, f4, r4, m4), so that
-- the ends of a range outside whole 32-day blocks (up to 62 days) read at
-- most 6 short blocks and 6 days each (sqlstore cover): the ranking over
-- a year read 400 apps' n and a rows and 200 developers' m rows per day
-- at its ends (bench/reports). Ratings (q, 00135) keep their 32-day
-- blocks alone. The triggers are 00134's, with a third block beside the
-- day and the 32-day block: each change of inquiry_stats writes about a
-- third more counter rows.

-- +goose Up
DROP TRIGGER inquiry_days_insert;
DROP TRIGGER inquiry_days_update;
DROP TRIGGER inquiry_days_delete;

-- Backfill: the 4-day blocks of the days there are.
INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
SELECT developer_id, app_id, day - day % 4, dim || '4', key, shard, SUM(n) FROM inquiry_days WHERE dim IN ('n', 'a', 'f', 'r', 'm')
GROUP BY developer_id, app_id, day - day % 4, dim || '4', key, shard;

-- +goose StatementBegin
CREATE TRIGGER inquiry_days_insert AFTER INSERT ON inquiry_stats BEGIN
    INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
    SELECT x.developer_id, x.app_id, CASE s.blk WHEN 1 THEN x.day - x.day % 32 WHEN 2 THEN x.day - x.day % 4 ELSE x.day END AS day,
        CASE s.blk WHEN 1 THEN upper(x.dim) WHEN 2 THEN x.dim || '4' ELSE x.dim END AS dim, x.key, x.shard, x.n
    FROM (SELECT l.dev AS developer_id, l.app AS app_id, (NEW.created_at + 32400000000) / 86400000000 AS day, f.dim, f.key,
        CASE WHEN l.dev = 0 AND f.dim IN ('c', 'g', 's', 'b') THEN NEW.inquiry_id % 4 ELSE 0 END AS shard, 1 AS n
    FROM (SELECT 'c' AS dim, NEW.channel AS key UNION ALL SELECT 'g', NEW.category UNION ALL SELECT 's', NEW.status
        UNION ALL SELECT 'b', CASE WHEN NEW.breached = 1 THEN '' END
        UNION ALL SELECT 'f', CAST(NEW.fr_bucket AS TEXT) UNION ALL SELECT 'r', CAST(NEW.res_bucket AS TEXT)
        UNION ALL SELECT 'n', '' UNION ALL SELECT 'a', CASE WHEN NEW.first_response_secs IS NOT NULL THEN '' END
        UNION ALL SELECT 'm', CAST(NEW.fr_bucket / 4 AS TEXT)) f
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT NEW.developer_id, NEW.app_id UNION ALL SELECT NEW.developer_id, 0) l
    WHERE f.key IS NOT NULL AND CASE WHEN l.dev = 0 THEN f.dim NOT IN ('n', 'a', 'm') WHEN l.app = 0 THEN f.dim = 'm' ELSE f.dim <> 'm' END) x
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1 UNION ALL SELECT 2) s WHERE s.blk = 0 OR x.dim IN ('n', 'a', 'f', 'r', 'm')
    ON CONFLICT (developer_id, dim, day, key, app_id, shard) DO UPDATE SET n = inquiry_days.n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER inquiry_days_update AFTER UPDATE OF developer_id, app_id, created_at, channel, category, status,
    first_response_secs, resolution_secs, breached ON inquiry_stats BEGIN
    INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
    SELECT developer_id, app_id, day, dim, key, shard, SUM(n) FROM (
    SELECT x.developer_id, x.app_id, CASE s.blk WHEN 1 THEN x.day - x.day % 32 WHEN 2 THEN x.day - x.day % 4 ELSE x.day END AS day,
        CASE s.blk WHEN 1 THEN upper(x.dim) WHEN 2 THEN x.dim || '4' ELSE x.dim END AS dim, x.key, x.shard, x.n
    FROM (SELECT l.dev AS developer_id, l.app AS app_id, (OLD.created_at + 32400000000) / 86400000000 AS day, f.dim, f.key,
        CASE WHEN l.dev = 0 AND f.dim IN ('c', 'g', 's', 'b') THEN OLD.inquiry_id % 4 ELSE 0 END AS shard, -1 AS n
    FROM (SELECT 'c' AS dim, OLD.channel AS key UNION ALL SELECT 'g', OLD.category UNION ALL SELECT 's', OLD.status
        UNION ALL SELECT 'b', CASE WHEN OLD.breached = 1 THEN '' END
        UNION ALL SELECT 'f', CAST(OLD.fr_bucket AS TEXT) UNION ALL SELECT 'r', CAST(OLD.res_bucket AS TEXT)
        UNION ALL SELECT 'n', '' UNION ALL SELECT 'a', CASE WHEN OLD.first_response_secs IS NOT NULL THEN '' END
        UNION ALL SELECT 'm', CAST(OLD.fr_bucket / 4 AS TEXT)) f
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT OLD.developer_id, OLD.app_id UNION ALL SELECT OLD.developer_id, 0) l
    WHERE f.key IS NOT NULL AND CASE WHEN l.dev = 0 THEN f.dim NOT IN ('n', 'a', 'm') WHEN l.app = 0 THEN f.dim = 'm' ELSE f.dim <> 'm' END) x
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1 UNION ALL SELECT 2) s WHERE s.blk = 0 OR x.dim IN ('n', 'a', 'f', 'r', 'm')
    UNION ALL
    SELECT x.developer_id, x.app_id, CASE s.blk WHEN 1 THEN x.day - x.day % 32 WHEN 2 THEN x.day - x.day % 4 ELSE x.day END AS day,
        CASE s.blk WHEN 1 THEN upper(x.dim) WHEN 2 THEN x.dim || '4' ELSE x.dim END AS dim, x.key, x.shard, x.n
    FROM (SELECT l.dev AS developer_id, l.app AS app_id, (NEW.created_at + 32400000000) / 86400000000 AS day, f.dim, f.key,
        CASE WHEN l.dev = 0 AND f.dim IN ('c', 'g', 's', 'b') THEN NEW.inquiry_id % 4 ELSE 0 END AS shard, 1 AS n
    FROM (SELECT 'c' AS dim, NEW.channel AS key UNION ALL SELECT 'g', NEW.category UNION ALL SELECT 's', NEW.status
        UNION ALL SELECT 'b', CASE WHEN NEW.breached = 1 THEN '' END
        UNION ALL SELECT 'f', CAST(NEW.fr_bucket AS TEXT) UNION ALL SELECT 'r', CAST(NEW.res_bucket AS TEXT)
        UNION ALL SELECT 'n', '' UNION ALL SELECT 'a', CASE WHEN NEW.first_response_secs IS NOT NULL THEN '' END
        UNION ALL SELECT 'm', CAST(NEW.fr_bucket / 4 AS TEXT)) f
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT NEW.developer_id, NEW.app_id UNION ALL SELECT NEW.developer_id, 0) l
    WHERE f.key IS NOT NULL AND CASE WHEN l.dev = 0 THEN f.dim NOT IN ('n', 'a', 'm') WHEN l.app = 0 THEN f.dim = 'm' ELSE f.dim <> 'm' END) x
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1 UNION ALL SELECT 2) s WHERE s.blk = 0 OR x.dim IN ('n', 'a', 'f', 'r', 'm')
    ) x GROUP BY developer_id, app_id, day, dim, key, shard HAVING SUM(n) <> 0
    ON CONFLICT (developer_id, dim, day, key, app_id, shard) DO UPDATE SET n = inquiry_days.n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER inquiry_days_delete AFTER DELETE ON inquiry_stats BEGIN
    INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
    SELECT x.developer_id, x.app_id, CASE s.blk WHEN 1 THEN x.day - x.day % 32 WHEN 2 THEN x.day - x.day % 4 ELSE x.day END AS day,
        CASE s.blk WHEN 1 THEN upper(x.dim) WHEN 2 THEN x.dim || '4' ELSE x.dim END AS dim, x.key, x.shard, x.n
    FROM (SELECT l.dev AS developer_id, l.app AS app_id, (OLD.created_at + 32400000000) / 86400000000 AS day, f.dim, f.key,
        CASE WHEN l.dev = 0 AND f.dim IN ('c', 'g', 's', 'b') THEN OLD.inquiry_id % 4 ELSE 0 END AS shard, -1 AS n
    FROM (SELECT 'c' AS dim, OLD.channel AS key UNION ALL SELECT 'g', OLD.category UNION ALL SELECT 's', OLD.status
        UNION ALL SELECT 'b', CASE WHEN OLD.breached = 1 THEN '' END
        UNION ALL SELECT 'f', CAST(OLD.fr_bucket AS TEXT) UNION ALL SELECT 'r', CAST(OLD.res_bucket AS TEXT)
        UNION ALL SELECT 'n', '' UNION ALL SELECT 'a', CASE WHEN OLD.first_response_secs IS NOT NULL THEN '' END
        UNION ALL SELECT 'm', CAST(OLD.fr_bucket / 4 AS TEXT)) f
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT OLD.developer_id, OLD.app_id UNION ALL SELECT OLD.developer_id, 0) l
    WHERE f.key IS NOT NULL AND CASE WHEN l.dev = 0 THEN f.dim NOT IN ('n', 'a', 'm') WHEN l.app = 0 THEN f.dim = 'm' ELSE f.dim <> 'm' END) x
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1 UNION ALL SELECT 2) s WHERE s.blk = 0 OR x.dim IN ('n', 'a', 'f', 'r', 'm')
    ON CONFLICT (developer_id, dim, day, key, app_id, shard) DO UPDATE SET n = inquiry_days.n + excluded.n;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER inquiry_days_insert;
DROP TRIGGER inquiry_days_update;
DROP TRIGGER inquiry_days_delete;

-- +goose StatementBegin
CREATE TRIGGER inquiry_days_insert AFTER INSERT ON inquiry_stats BEGIN
    INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
    SELECT x.developer_id, x.app_id, CASE WHEN s.blk = 1 THEN x.day - x.day % 32 ELSE x.day END AS day,
        CASE WHEN s.blk = 1 THEN upper(x.dim) ELSE x.dim END AS dim, x.key, x.shard, x.n
    FROM (SELECT l.dev AS developer_id, l.app AS app_id, (NEW.created_at + 32400000000) / 86400000000 AS day, f.dim, f.key,
        CASE WHEN l.dev = 0 AND f.dim IN ('c', 'g', 's', 'b') THEN NEW.inquiry_id % 4 ELSE 0 END AS shard, 1 AS n
    FROM (SELECT 'c' AS dim, NEW.channel AS key UNION ALL SELECT 'g', NEW.category UNION ALL SELECT 's', NEW.status
        UNION ALL SELECT 'b', CASE WHEN NEW.breached = 1 THEN '' END
        UNION ALL SELECT 'f', CAST(NEW.fr_bucket AS TEXT) UNION ALL SELECT 'r', CAST(NEW.res_bucket AS TEXT)
        UNION ALL SELECT 'n', '' UNION ALL SELECT 'a', CASE WHEN NEW.first_response_secs IS NOT NULL THEN '' END
        UNION ALL SELECT 'm', CAST(NEW.fr_bucket / 4 AS TEXT)) f
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT NEW.developer_id, NEW.app_id UNION ALL SELECT NEW.developer_id, 0) l
    WHERE f.key IS NOT NULL AND CASE WHEN l.dev = 0 THEN f.dim NOT IN ('n', 'a', 'm') WHEN l.app = 0 THEN f.dim = 'm' ELSE f.dim <> 'm' END) x
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1) s WHERE s.blk = 0 OR x.dim IN ('n', 'a', 'f', 'r', 'm')
    ON CONFLICT (developer_id, dim, day, key, app_id, shard) DO UPDATE SET n = inquiry_days.n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER inquiry_days_update AFTER UPDATE OF developer_id, app_id, created_at, channel, category, status,
    first_response_secs, resolution_secs, breached ON inquiry_stats BEGIN
    INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
    SELECT developer_id, app_id, day, dim, key, shard, SUM(n) FROM (
    SELECT x.developer_id, x.app_id, CASE WHEN s.blk = 1 THEN x.day - x.day % 32 ELSE x.day END AS day,
        CASE WHEN s.blk = 1 THEN upper(x.dim) ELSE x.dim END AS dim, x.key, x.shard, x.n
    FROM (SELECT l.dev AS developer_id, l.app AS app_id, (OLD.created_at + 32400000000) / 86400000000 AS day, f.dim, f.key,
        CASE WHEN l.dev = 0 AND f.dim IN ('c', 'g', 's', 'b') THEN OLD.inquiry_id % 4 ELSE 0 END AS shard, -1 AS n
    FROM (SELECT 'c' AS dim, OLD.channel AS key UNION ALL SELECT 'g', OLD.category UNION ALL SELECT 's', OLD.status
        UNION ALL SELECT 'b', CASE WHEN OLD.breached = 1 THEN '' END
        UNION ALL SELECT 'f', CAST(OLD.fr_bucket AS TEXT) UNION ALL SELECT 'r', CAST(OLD.res_bucket AS TEXT)
        UNION ALL SELECT 'n', '' UNION ALL SELECT 'a', CASE WHEN OLD.first_response_secs IS NOT NULL THEN '' END
        UNION ALL SELECT 'm', CAST(OLD.fr_bucket / 4 AS TEXT)) f
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT OLD.developer_id, OLD.app_id UNION ALL SELECT OLD.developer_id, 0) l
    WHERE f.key IS NOT NULL AND CASE WHEN l.dev = 0 THEN f.dim NOT IN ('n', 'a', 'm') WHEN l.app = 0 THEN f.dim = 'm' ELSE f.dim <> 'm' END) x
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1) s WHERE s.blk = 0 OR x.dim IN ('n', 'a', 'f', 'r', 'm')
    UNION ALL
    SELECT x.developer_id, x.app_id, CASE WHEN s.blk = 1 THEN x.day - x.day % 32 ELSE x.day END AS day,
        CASE WHEN s.blk = 1 THEN upper(x.dim) ELSE x.dim END AS dim, x.key, x.shard, x.n
    FROM (SELECT l.dev AS developer_id, l.app AS app_id, (NEW.created_at + 32400000000) / 86400000000 AS day, f.dim, f.key,
        CASE WHEN l.dev = 0 AND f.dim IN ('c', 'g', 's', 'b') THEN NEW.inquiry_id % 4 ELSE 0 END AS shard, 1 AS n
    FROM (SELECT 'c' AS dim, NEW.channel AS key UNION ALL SELECT 'g', NEW.category UNION ALL SELECT 's', NEW.status
        UNION ALL SELECT 'b', CASE WHEN NEW.breached = 1 THEN '' END
        UNION ALL SELECT 'f', CAST(NEW.fr_bucket AS TEXT) UNION ALL SELECT 'r', CAST(NEW.res_bucket AS TEXT)
        UNION ALL SELECT 'n', '' UNION ALL SELECT 'a', CASE WHEN NEW.first_response_secs IS NOT NULL THEN '' END
        UNION ALL SELECT 'm', CAST(NEW.fr_bucket / 4 AS TEXT)) f
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT NEW.developer_id, NEW.app_id UNION ALL SELECT NEW.developer_id, 0) l
    WHERE f.key IS NOT NULL AND CASE WHEN l.dev = 0 THEN f.dim NOT IN ('n', 'a', 'm') WHEN l.app = 0 THEN f.dim = 'm' ELSE f.dim <> 'm' END) x
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1) s WHERE s.blk = 0 OR x.dim IN ('n', 'a', 'f', 'r', 'm')
    ) x GROUP BY developer_id, app_id, day, dim, key, shard HAVING SUM(n) <> 0
    ON CONFLICT (developer_id, dim, day, key, app_id, shard) DO UPDATE SET n = inquiry_days.n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER inquiry_days_delete AFTER DELETE ON inquiry_stats BEGIN
    INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
    SELECT x.developer_id, x.app_id, CASE WHEN s.blk = 1 THEN x.day - x.day % 32 ELSE x.day END AS day,
        CASE WHEN s.blk = 1 THEN upper(x.dim) ELSE x.dim END AS dim, x.key, x.shard, x.n
    FROM (SELECT l.dev AS developer_id, l.app AS app_id, (OLD.created_at + 32400000000) / 86400000000 AS day, f.dim, f.key,
        CASE WHEN l.dev = 0 AND f.dim IN ('c', 'g', 's', 'b') THEN OLD.inquiry_id % 4 ELSE 0 END AS shard, -1 AS n
    FROM (SELECT 'c' AS dim, OLD.channel AS key UNION ALL SELECT 'g', OLD.category UNION ALL SELECT 's', OLD.status
        UNION ALL SELECT 'b', CASE WHEN OLD.breached = 1 THEN '' END
        UNION ALL SELECT 'f', CAST(OLD.fr_bucket AS TEXT) UNION ALL SELECT 'r', CAST(OLD.res_bucket AS TEXT)
        UNION ALL SELECT 'n', '' UNION ALL SELECT 'a', CASE WHEN OLD.first_response_secs IS NOT NULL THEN '' END
        UNION ALL SELECT 'm', CAST(OLD.fr_bucket / 4 AS TEXT)) f
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT OLD.developer_id, OLD.app_id UNION ALL SELECT OLD.developer_id, 0) l
    WHERE f.key IS NOT NULL AND CASE WHEN l.dev = 0 THEN f.dim NOT IN ('n', 'a', 'm') WHEN l.app = 0 THEN f.dim = 'm' ELSE f.dim <> 'm' END) x
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1) s WHERE s.blk = 0 OR x.dim IN ('n', 'a', 'f', 'r', 'm')
    ON CONFLICT (developer_id, dim, day, key, app_id, shard) DO UPDATE SET n = inquiry_days.n + excluded.n;
END;
-- +goose StatementEnd

DELETE FROM inquiry_days WHERE dim IN ('n4', 'a4', 'f4', 'r4', 'm4');
