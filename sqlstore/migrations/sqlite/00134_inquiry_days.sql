-- Reports: daily counters of inquiry_stats (00110), so that a range's
-- counts and percentiles read a few rows a day instead of every inquiry
-- (bench/reports). Triggers on inquiry_stats keep them, in the statement
-- that writes the row, so every path that changes a row (created, status
-- moved, first answer, breach, a merge and its undo) keeps them exact in
-- its own transaction, and they can never say other than inquiry_stats.
--
-- A row counts the inquiries created on day (in Seoul, report.DaySQL) of
-- one developer's app (developer_id, app_id), or of the whole store
-- (developer_id = app_id = 0), under dim and key:
--   c channel, g category, s status: key is the value;
--   b breached (a wait ended late): key '';
--   f first answer, r resolution: key is the bucket of the duration in
--     business seconds (fr_bucket, res_bucket below);
--   n every inquiry, a answered: key ''; an app's only (the store's
--     ranking and its count by app);
--   m first answer in coarse buckets (fr_bucket / 4, 4 per doubling): a
--     developer's (app_id 0) only, for the ranking's medians, where finer
--     buckets would make about a row per value.
-- n, a, f, r and m are also counted by 32-day block (day a multiple of 32,
-- dim in capitals: N, A, F, R, M), so that a year reads a dozen blocks and
-- the days at its ends rather than every day.
-- The store's rows of c, g, s and b are spread over 4 shards (the
-- inquiry's id mod 4): every new inquiry adds to them, and concurrent
-- writers would otherwise queue on one row per day; a read sums the shards.
-- The buckets are spread by their key already.
--
-- Buckets are fixed: values under 16 are their own; then 16 per doubling
-- (a bucket spans at most 1/16 of its values), report.Bucket in Go.
-- A percentile is exact by narrowing: the histogram gives the bucket that
-- holds the wanted rank, and only that bucket's values are read, from the
-- indexes on (bucket, created_at, seconds).

-- +goose Up
CREATE TABLE inquiry_days (
    developer_id BIGINT  NOT NULL,
    app_id       BIGINT  NOT NULL,
    day          BIGINT  NOT NULL,
    dim          TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    shard        INTEGER NOT NULL,
    n            BIGINT  NOT NULL,
    PRIMARY KEY (developer_id, dim, day, key, app_id, shard)
) WITHOUT ROWID;
-- The apps' n and a rows across the store: the ranking and the count by app.
CREATE INDEX inquiry_days_dim ON inquiry_days (dim, day, developer_id, app_id, key, n);

ALTER TABLE inquiry_stats ADD COLUMN fr_bucket BIGINT GENERATED ALWAYS AS (CASE WHEN first_response_secs < 16 THEN first_response_secs WHEN first_response_secs < 32 THEN 64 + ((first_response_secs >> 0) & 15) WHEN first_response_secs < 64 THEN 80 + ((first_response_secs >> 1) & 15) WHEN first_response_secs < 128 THEN 96 + ((first_response_secs >> 2) & 15) WHEN first_response_secs < 256 THEN 112 + ((first_response_secs >> 3) & 15) WHEN first_response_secs < 512 THEN 128 + ((first_response_secs >> 4) & 15) WHEN first_response_secs < 1024 THEN 144 + ((first_response_secs >> 5) & 15) WHEN first_response_secs < 2048 THEN 160 + ((first_response_secs >> 6) & 15) WHEN first_response_secs < 4096 THEN 176 + ((first_response_secs >> 7) & 15) WHEN first_response_secs < 8192 THEN 192 + ((first_response_secs >> 8) & 15) WHEN first_response_secs < 16384 THEN 208 + ((first_response_secs >> 9) & 15) WHEN first_response_secs < 32768 THEN 224 + ((first_response_secs >> 10) & 15) WHEN first_response_secs < 65536 THEN 240 + ((first_response_secs >> 11) & 15) WHEN first_response_secs < 131072 THEN 256 + ((first_response_secs >> 12) & 15) WHEN first_response_secs < 262144 THEN 272 + ((first_response_secs >> 13) & 15) WHEN first_response_secs < 524288 THEN 288 + ((first_response_secs >> 14) & 15) WHEN first_response_secs < 1048576 THEN 304 + ((first_response_secs >> 15) & 15) WHEN first_response_secs < 2097152 THEN 320 + ((first_response_secs >> 16) & 15) WHEN first_response_secs < 4194304 THEN 336 + ((first_response_secs >> 17) & 15) WHEN first_response_secs < 8388608 THEN 352 + ((first_response_secs >> 18) & 15) WHEN first_response_secs < 16777216 THEN 368 + ((first_response_secs >> 19) & 15) WHEN first_response_secs < 33554432 THEN 384 + ((first_response_secs >> 20) & 15) WHEN first_response_secs < 67108864 THEN 400 + ((first_response_secs >> 21) & 15) WHEN first_response_secs < 134217728 THEN 416 + ((first_response_secs >> 22) & 15) WHEN first_response_secs < 268435456 THEN 432 + ((first_response_secs >> 23) & 15) WHEN first_response_secs < 536870912 THEN 448 + ((first_response_secs >> 24) & 15) WHEN first_response_secs < 1073741824 THEN 464 + ((first_response_secs >> 25) & 15) WHEN first_response_secs < 2147483648 THEN 480 + ((first_response_secs >> 26) & 15) WHEN first_response_secs < 4294967296 THEN 496 + ((first_response_secs >> 27) & 15) WHEN first_response_secs < 8589934592 THEN 512 + ((first_response_secs >> 28) & 15) WHEN first_response_secs < 17179869184 THEN 528 + ((first_response_secs >> 29) & 15) WHEN first_response_secs < 34359738368 THEN 544 + ((first_response_secs >> 30) & 15) WHEN first_response_secs < 68719476736 THEN 560 + ((first_response_secs >> 31) & 15) WHEN first_response_secs < 137438953472 THEN 576 + ((first_response_secs >> 32) & 15) WHEN first_response_secs < 274877906944 THEN 592 + ((first_response_secs >> 33) & 15) WHEN first_response_secs < 549755813888 THEN 608 + ((first_response_secs >> 34) & 15) WHEN first_response_secs < 1099511627776 THEN 624 + ((first_response_secs >> 35) & 15) WHEN first_response_secs < 2199023255552 THEN 640 + ((first_response_secs >> 36) & 15) WHEN first_response_secs IS NOT NULL THEN 671 END) VIRTUAL;
ALTER TABLE inquiry_stats ADD COLUMN res_bucket BIGINT GENERATED ALWAYS AS (CASE WHEN resolution_secs < 16 THEN resolution_secs WHEN resolution_secs < 32 THEN 64 + ((resolution_secs >> 0) & 15) WHEN resolution_secs < 64 THEN 80 + ((resolution_secs >> 1) & 15) WHEN resolution_secs < 128 THEN 96 + ((resolution_secs >> 2) & 15) WHEN resolution_secs < 256 THEN 112 + ((resolution_secs >> 3) & 15) WHEN resolution_secs < 512 THEN 128 + ((resolution_secs >> 4) & 15) WHEN resolution_secs < 1024 THEN 144 + ((resolution_secs >> 5) & 15) WHEN resolution_secs < 2048 THEN 160 + ((resolution_secs >> 6) & 15) WHEN resolution_secs < 4096 THEN 176 + ((resolution_secs >> 7) & 15) WHEN resolution_secs < 8192 THEN 192 + ((resolution_secs >> 8) & 15) WHEN resolution_secs < 16384 THEN 208 + ((resolution_secs >> 9) & 15) WHEN resolution_secs < 32768 THEN 224 + ((resolution_secs >> 10) & 15) WHEN resolution_secs < 65536 THEN 240 + ((resolution_secs >> 11) & 15) WHEN resolution_secs < 131072 THEN 256 + ((resolution_secs >> 12) & 15) WHEN resolution_secs < 262144 THEN 272 + ((resolution_secs >> 13) & 15) WHEN resolution_secs < 524288 THEN 288 + ((resolution_secs >> 14) & 15) WHEN resolution_secs < 1048576 THEN 304 + ((resolution_secs >> 15) & 15) WHEN resolution_secs < 2097152 THEN 320 + ((resolution_secs >> 16) & 15) WHEN resolution_secs < 4194304 THEN 336 + ((resolution_secs >> 17) & 15) WHEN resolution_secs < 8388608 THEN 352 + ((resolution_secs >> 18) & 15) WHEN resolution_secs < 16777216 THEN 368 + ((resolution_secs >> 19) & 15) WHEN resolution_secs < 33554432 THEN 384 + ((resolution_secs >> 20) & 15) WHEN resolution_secs < 67108864 THEN 400 + ((resolution_secs >> 21) & 15) WHEN resolution_secs < 134217728 THEN 416 + ((resolution_secs >> 22) & 15) WHEN resolution_secs < 268435456 THEN 432 + ((resolution_secs >> 23) & 15) WHEN resolution_secs < 536870912 THEN 448 + ((resolution_secs >> 24) & 15) WHEN resolution_secs < 1073741824 THEN 464 + ((resolution_secs >> 25) & 15) WHEN resolution_secs < 2147483648 THEN 480 + ((resolution_secs >> 26) & 15) WHEN resolution_secs < 4294967296 THEN 496 + ((resolution_secs >> 27) & 15) WHEN resolution_secs < 8589934592 THEN 512 + ((resolution_secs >> 28) & 15) WHEN resolution_secs < 17179869184 THEN 528 + ((resolution_secs >> 29) & 15) WHEN resolution_secs < 34359738368 THEN 544 + ((resolution_secs >> 30) & 15) WHEN resolution_secs < 68719476736 THEN 560 + ((resolution_secs >> 31) & 15) WHEN resolution_secs < 137438953472 THEN 576 + ((resolution_secs >> 32) & 15) WHEN resolution_secs < 274877906944 THEN 592 + ((resolution_secs >> 33) & 15) WHEN resolution_secs < 549755813888 THEN 608 + ((resolution_secs >> 34) & 15) WHEN resolution_secs < 1099511627776 THEN 624 + ((resolution_secs >> 35) & 15) WHEN resolution_secs < 2199023255552 THEN 640 + ((resolution_secs >> 36) & 15) WHEN resolution_secs IS NOT NULL THEN 671 END) VIRTUAL;
CREATE INDEX inquiry_stats_fr ON inquiry_stats (fr_bucket, created_at, first_response_secs) WHERE fr_bucket IS NOT NULL;
CREATE INDEX inquiry_stats_fr_dev ON inquiry_stats (developer_id, fr_bucket, created_at, app_id, first_response_secs) WHERE fr_bucket IS NOT NULL;
CREATE INDEX inquiry_stats_res ON inquiry_stats (res_bucket, created_at, resolution_secs) WHERE res_bucket IS NOT NULL;
CREATE INDEX inquiry_stats_res_dev ON inquiry_stats (developer_id, res_bucket, created_at, app_id, resolution_secs) WHERE res_bucket IS NOT NULL;
-- Waits running now, which breach when their due time passes: the breaches
-- not yet counted in b.
CREATE INDEX inquiry_stats_due ON inquiry_stats (due_at, created_at, developer_id, app_id) WHERE due_at IS NOT NULL AND breached = 0;

-- Backfill: the counts of the rows there are.
WITH f AS (
    SELECT inquiry_id, developer_id, app_id, (created_at + 32400000000) / 86400000000 AS day, 'c' AS dim, channel AS key FROM inquiry_stats
    UNION ALL SELECT inquiry_id, developer_id, app_id, (created_at + 32400000000) / 86400000000, 'g', category FROM inquiry_stats
    UNION ALL SELECT inquiry_id, developer_id, app_id, (created_at + 32400000000) / 86400000000, 's', status FROM inquiry_stats
    UNION ALL SELECT inquiry_id, developer_id, app_id, (created_at + 32400000000) / 86400000000, 'b', '' FROM inquiry_stats WHERE breached = 1
    UNION ALL SELECT inquiry_id, developer_id, app_id, (created_at + 32400000000) / 86400000000, 'f', CAST(fr_bucket AS TEXT)
        FROM inquiry_stats WHERE fr_bucket IS NOT NULL
    UNION ALL SELECT inquiry_id, developer_id, app_id, (created_at + 32400000000) / 86400000000, 'r', CAST(res_bucket AS TEXT)
        FROM inquiry_stats WHERE res_bucket IS NOT NULL
    UNION ALL SELECT inquiry_id, developer_id, app_id, (created_at + 32400000000) / 86400000000, 'n', '' FROM inquiry_stats
    UNION ALL SELECT inquiry_id, developer_id, app_id, (created_at + 32400000000) / 86400000000, 'a', '' FROM inquiry_stats
        WHERE first_response_secs IS NOT NULL
    UNION ALL SELECT inquiry_id, developer_id, app_id, (created_at + 32400000000) / 86400000000, 'm', CAST(fr_bucket / 4 AS TEXT)
        FROM inquiry_stats WHERE fr_bucket IS NOT NULL
)
INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
SELECT 0, 0, day, dim, key, CASE WHEN dim IN ('c', 'g', 's', 'b') THEN inquiry_id % 4 ELSE 0 END, COUNT(*)
    FROM f WHERE dim NOT IN ('n', 'a', 'm') GROUP BY 3, 4, 5, 6
UNION ALL
SELECT developer_id, app_id, day, dim, key, 0, COUNT(*) FROM f WHERE dim <> 'm' GROUP BY 1, 2, 3, 4, 5
UNION ALL
SELECT developer_id, 0, day, dim, key, 0, COUNT(*) FROM f WHERE dim = 'm' GROUP BY 1, 3, 4, 5;
-- The 32-day blocks, from the days.
INSERT INTO inquiry_days (developer_id, app_id, day, dim, key, shard, n)
SELECT developer_id, app_id, day - day % 32, upper(dim), key, shard, SUM(n) FROM inquiry_days WHERE dim IN ('n', 'a', 'f', 'r', 'm')
GROUP BY developer_id, app_id, day - day % 32, upper(dim), key, shard;

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

-- +goose Down
DROP TRIGGER inquiry_days_delete;
DROP TRIGGER inquiry_days_update;
DROP TRIGGER inquiry_days_insert;
DROP INDEX inquiry_stats_due;
DROP INDEX inquiry_stats_res_dev;
DROP INDEX inquiry_stats_res;
DROP INDEX inquiry_stats_fr_dev;
DROP INDEX inquiry_stats_fr;
ALTER TABLE inquiry_stats DROP COLUMN res_bucket;
ALTER TABLE inquiry_stats DROP COLUMN fr_bucket;
DROP TABLE inquiry_days;
