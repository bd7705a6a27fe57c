-- Reports: purchase_days (00111) summed over blocks of 4 and of 32 days
-- (span; day is the block's first day, a multiple of span), so that a
-- year of the store's purchases reads a dozen 32-day blocks, a few 4-day
-- ones and a few days at its ends (sqlstore spans) instead of 400 apps x
-- 2 currencies x 365 day rows (bench/reports: the ranking's purchases).
-- purchase_days' statement trigger keeps them too, in the same statement
-- and with the same care for concurrent imports: the blocks are upserted
-- after the days, each in its key's order, so that two single-statement writers
-- (an import's INSERT ... SELECT, billing's purchase, a refund's update)
-- take their counter locks in one order and wait rather than deadlock.

-- +goose Up
CREATE TABLE purchase_spans (
    developer_id       BIGINT NOT NULL,
    app_id             BIGINT NOT NULL,
    item_id            BIGINT NOT NULL,
    span               BIGINT NOT NULL,
    day                BIGINT NOT NULL,
    currency           TEXT   NOT NULL,
    purchases          BIGINT NOT NULL DEFAULT 0,
    refunded_purchases BIGINT NOT NULL DEFAULT 0,
    refunded           BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (span, day, developer_id, app_id, item_id, currency)
);
-- The key leads with the block, so that the store's ranking reads its
-- blocks in key order; a developer's report finds its rows through this
-- index. Neither holds the counters: an index that did (as purchase_days_day
-- does) is rewritten at every purchase, which made SQLite's bulk import
-- 2.3 to 2.8 times slower than with the day rows alone; without, 1.6
-- times (BenchmarkImportPurchases, bench/reports README).
CREATE INDEX purchase_spans_dev ON purchase_spans (developer_id, span, day);

-- Backfill: the blocks of the days there are.
INSERT INTO purchase_spans (developer_id, app_id, item_id, span, day, currency, purchases, refunded_purchases, refunded)
SELECT developer_id, app_id, item_id, s.span, day - day % s.span, currency, SUM(purchases), SUM(refunded_purchases), SUM(refunded)
FROM purchase_days CROSS JOIN (VALUES (4), (32)) s(span)
GROUP BY developer_id, app_id, item_id, s.span, day - day % s.span, currency;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION purchase_days_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        UPDATE purchase_days d SET purchases = d.purchases - o.n, refunded_purchases = d.refunded_purchases - o.r,
            refunded = d.refunded - o.amount
        FROM (SELECT developer_id, (paid_at + 32400000000) / 86400000000 AS day, app_id, item_id, currency, COUNT(*) AS n,
                SUM(CASE WHEN refunded > 0 THEN 1 ELSE 0 END) AS r, SUM(refunded) AS amount
              FROM old_rows GROUP BY 1, 2, 3, 4, 5) o
        WHERE d.developer_id = o.developer_id AND d.day = o.day AND d.app_id = o.app_id AND d.item_id = o.item_id
            AND d.currency = o.currency;
    END IF;
    INSERT INTO purchase_days AS d (developer_id, day, app_id, item_id, currency, purchases, refunded_purchases, refunded)
    SELECT developer_id, (paid_at + 32400000000) / 86400000000, app_id, item_id, currency, COUNT(*),
        SUM(CASE WHEN refunded > 0 THEN 1 ELSE 0 END), SUM(refunded)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (developer_id, day, app_id, item_id, currency) DO UPDATE SET purchases = d.purchases + EXCLUDED.purchases,
        refunded_purchases = d.refunded_purchases + EXCLUDED.refunded_purchases, refunded = d.refunded + EXCLUDED.refunded;
    -- The blocks: the statement's net change per block (old rows out, new
    -- rows in; none for a write that moves no counter), in key order,
    -- after the days. Only an UPDATE's trigger has old rows.
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO purchase_spans AS b (developer_id, span, day, app_id, item_id, currency, purchases, refunded_purchases, refunded)
        SELECT r.developer_id, s.span, r.day - r.day % s.span, r.app_id, r.item_id, r.currency, SUM(r.n), SUM(r.r), SUM(r.amount)
        FROM (SELECT developer_id, (paid_at + 32400000000) / 86400000000 AS day, app_id, item_id, currency, 1 AS n,
                CASE WHEN refunded > 0 THEN 1 ELSE 0 END AS r, refunded AS amount FROM new_rows
              UNION ALL
              SELECT developer_id, (paid_at + 32400000000) / 86400000000, app_id, item_id, currency, -1,
                CASE WHEN refunded > 0 THEN -1 ELSE 0 END, -refunded FROM old_rows) r
        CROSS JOIN (VALUES (4::bigint), (32::bigint)) s(span)
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING SUM(r.n) <> 0 OR SUM(r.r) <> 0 OR SUM(r.amount) <> 0
        ORDER BY 2, 3, 1, 4, 5, 6
        ON CONFLICT (span, day, developer_id, app_id, item_id, currency) DO UPDATE SET purchases = b.purchases + EXCLUDED.purchases,
            refunded_purchases = b.refunded_purchases + EXCLUDED.refunded_purchases, refunded = b.refunded + EXCLUDED.refunded;
    ELSE
        INSERT INTO purchase_spans AS b (developer_id, span, day, app_id, item_id, currency, purchases, refunded_purchases, refunded)
        SELECT r.developer_id, s.span, r.day - r.day % s.span, r.app_id, r.item_id, r.currency, COUNT(*),
            SUM(CASE WHEN r.refunded > 0 THEN 1 ELSE 0 END), SUM(r.refunded)
        FROM (SELECT developer_id, (paid_at + 32400000000) / 86400000000 AS day, app_id, item_id, currency, refunded FROM new_rows) r
        CROSS JOIN (VALUES (4::bigint), (32::bigint)) s(span)
        GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 2, 3, 1, 4, 5, 6
        ON CONFLICT (span, day, developer_id, app_id, item_id, currency) DO UPDATE SET purchases = b.purchases + EXCLUDED.purchases,
            refunded_purchases = b.refunded_purchases + EXCLUDED.refunded_purchases, refunded = b.refunded + EXCLUDED.refunded;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION purchase_days_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        UPDATE purchase_days d SET purchases = d.purchases - o.n, refunded_purchases = d.refunded_purchases - o.r,
            refunded = d.refunded - o.amount
        FROM (SELECT developer_id, (paid_at + 32400000000) / 86400000000 AS day, app_id, item_id, currency, COUNT(*) AS n,
                SUM(CASE WHEN refunded > 0 THEN 1 ELSE 0 END) AS r, SUM(refunded) AS amount
              FROM old_rows GROUP BY 1, 2, 3, 4, 5) o
        WHERE d.developer_id = o.developer_id AND d.day = o.day AND d.app_id = o.app_id AND d.item_id = o.item_id
            AND d.currency = o.currency;
    END IF;
    INSERT INTO purchase_days AS d (developer_id, day, app_id, item_id, currency, purchases, refunded_purchases, refunded)
    SELECT developer_id, (paid_at + 32400000000) / 86400000000, app_id, item_id, currency, COUNT(*),
        SUM(CASE WHEN refunded > 0 THEN 1 ELSE 0 END), SUM(refunded)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (developer_id, day, app_id, item_id, currency) DO UPDATE SET purchases = d.purchases + EXCLUDED.purchases,
        refunded_purchases = d.refunded_purchases + EXCLUDED.refunded_purchases, refunded = d.refunded + EXCLUDED.refunded;
    RETURN NULL;
END $$;
-- +goose StatementEnd
DROP TABLE purchase_spans;
