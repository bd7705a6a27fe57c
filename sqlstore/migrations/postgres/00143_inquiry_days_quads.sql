-- Reports: a second block size for the daily counters (inquiry_days,
-- 00134): n, a, f, r and m are also counted by 4-day block (day a
-- multiple of 4, dim the day's dim and '4': n4, a4, f4, r4, m4), so that
-- the ends of a range outside whole 32-day blocks (up to 62 days) read at
-- most 6 short blocks and 6 days each (sqlstore cover): the ranking over
-- a year read 400 apps' n and a rows and 200 developers' m rows per day
-- at its ends (bench/reports). Ratings (q, 00135) keep their 32-day
-- blocks alone. The facts the triggers note are 00134's, with a third
-- block beside the day and the 32-day block: each change of inquiry_stats
-- notes and applies about a third more counter rows.

-- +goose Up
-- Backfill: the 4-day blocks of the days there are.
INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
SELECT developer_id, app_id, day - day % 4, dim || '4', key, shard, SUM(n) FROM inquiry_days WHERE dim IN ('n', 'a', 'f', 'r', 'm')
GROUP BY developer_id, app_id, day - day % 4, dim || '4', key, shard;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION inquiry_days_facts(r inquiry_stats, d BIGINT)
RETURNS TABLE (developer_id BIGINT, app_id BIGINT, day BIGINT, dim TEXT, key TEXT, shard BIGINT, n BIGINT)
LANGUAGE sql IMMUTABLE AS $$
    SELECT x.developer_id, x.app_id, CASE s.blk WHEN 1 THEN x.day - x.day % 32 WHEN 2 THEN x.day - x.day % 4 ELSE x.day END AS day,
        CASE s.blk WHEN 1 THEN upper(x.dim) WHEN 2 THEN x.dim || '4' ELSE x.dim END AS dim, x.key, x.shard, x.n
    FROM (SELECT l.dev AS developer_id, l.app AS app_id, (r.created_at + 32400000000) / 86400000000 AS day, f.dim, f.key,
        CASE WHEN l.dev = 0 AND f.dim IN ('c', 'g', 's', 'b') THEN r.inquiry_id % 4 ELSE 0 END AS shard, d AS n
    FROM (SELECT 'c' AS dim, r.channel AS key UNION ALL SELECT 'g', r.category UNION ALL SELECT 's', r.status
        UNION ALL SELECT 'b', CASE WHEN r.breached = 1 THEN '' END
        UNION ALL SELECT 'f', CAST(r.fr_bucket AS TEXT) UNION ALL SELECT 'r', CAST(r.res_bucket AS TEXT)
        UNION ALL SELECT 'n', '' UNION ALL SELECT 'a', CASE WHEN r.first_response_secs IS NOT NULL THEN '' END
        UNION ALL SELECT 'm', CAST(r.fr_bucket / 4 AS TEXT)) f
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT r.developer_id, r.app_id UNION ALL SELECT r.developer_id, 0) l
    WHERE f.key IS NOT NULL AND CASE WHEN l.dev = 0 THEN f.dim NOT IN ('n', 'a', 'm') WHEN l.app = 0 THEN f.dim = 'm' ELSE f.dim <> 'm' END) x
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1 UNION ALL SELECT 2) s WHERE s.blk = 0 OR x.dim IN ('n', 'a', 'f', 'r', 'm')
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION inquiry_days_facts(r inquiry_stats, d BIGINT)
RETURNS TABLE (developer_id BIGINT, app_id BIGINT, day BIGINT, dim TEXT, key TEXT, shard BIGINT, n BIGINT)
LANGUAGE sql IMMUTABLE AS $$
    SELECT x.developer_id, x.app_id, CASE WHEN s.blk = 1 THEN x.day - x.day % 32 ELSE x.day END AS day,
        CASE WHEN s.blk = 1 THEN upper(x.dim) ELSE x.dim END AS dim, x.key, x.shard, x.n
    FROM (SELECT l.dev AS developer_id, l.app AS app_id, (r.created_at + 32400000000) / 86400000000 AS day, f.dim, f.key,
        CASE WHEN l.dev = 0 AND f.dim IN ('c', 'g', 's', 'b') THEN r.inquiry_id % 4 ELSE 0 END AS shard, d AS n
    FROM (SELECT 'c' AS dim, r.channel AS key UNION ALL SELECT 'g', r.category UNION ALL SELECT 's', r.status
        UNION ALL SELECT 'b', CASE WHEN r.breached = 1 THEN '' END
        UNION ALL SELECT 'f', CAST(r.fr_bucket AS TEXT) UNION ALL SELECT 'r', CAST(r.res_bucket AS TEXT)
        UNION ALL SELECT 'n', '' UNION ALL SELECT 'a', CASE WHEN r.first_response_secs IS NOT NULL THEN '' END
        UNION ALL SELECT 'm', CAST(r.fr_bucket / 4 AS TEXT)) f
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT r.developer_id, r.app_id UNION ALL SELECT r.developer_id, 0) l
    WHERE f.key IS NOT NULL AND CASE WHEN l.dev = 0 THEN f.dim NOT IN ('n', 'a', 'm') WHEN l.app = 0 THEN f.dim = 'm' ELSE f.dim <> 'm' END) x
    CROSS JOIN (SELECT 0 AS blk UNION ALL SELECT 1) s WHERE s.blk = 0 OR x.dim IN ('n', 'a', 'f', 'r', 'm')
$$;
-- +goose StatementEnd

DELETE FROM inquiry_days WHERE dim IN ('n4', 'a4', 'f4', 'r4', 'm4');
