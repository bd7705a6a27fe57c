-- Reports: purchase_days (00111) summed over blocks of 4 and of 32 days
-- (span; day is the block's first day, a multiple of span), so that a
-- year of the store's purchases reads a dozen 32-day blocks, a few 4-day
-- ones and a few days at its ends (sqlstore spans) instead of 400 apps x
-- 2 currencies x 365 day rows (bench/reports: the ranking's purchases).
-- The triggers are purchase_days' own, on purchases, with the same
-- arithmetic, in the same statement: a purchase's write keeps both exact
-- in its transaction.

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
) WITHOUT ROWID;
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
FROM purchase_days CROSS JOIN (SELECT 4 AS span UNION ALL SELECT 32) s
GROUP BY developer_id, app_id, item_id, s.span, day - day % s.span, currency;

-- One plain statement per block size, each with its block's day bound as
-- a constant, so that the update finds its rows by primary key.
-- +goose StatementBegin
CREATE TRIGGER purchase_spans_insert AFTER INSERT ON purchases BEGIN
    INSERT INTO purchase_spans (developer_id, app_id, item_id, span, day, currency, purchases, refunded_purchases, refunded)
    VALUES (NEW.developer_id, NEW.app_id, NEW.item_id, 4, (NEW.paid_at + 32400000000) / 86400000000 - (NEW.paid_at + 32400000000) / 86400000000 % 4, NEW.currency, 1,
        CASE WHEN NEW.refunded > 0 THEN 1 ELSE 0 END, NEW.refunded)
    ON CONFLICT (span, day, developer_id, app_id, item_id, currency) DO UPDATE SET purchases = purchases + 1,
        refunded_purchases = refunded_purchases + excluded.refunded_purchases, refunded = refunded + excluded.refunded;
    INSERT INTO purchase_spans (developer_id, app_id, item_id, span, day, currency, purchases, refunded_purchases, refunded)
    VALUES (NEW.developer_id, NEW.app_id, NEW.item_id, 32, (NEW.paid_at + 32400000000) / 86400000000 - (NEW.paid_at + 32400000000) / 86400000000 % 32, NEW.currency, 1,
        CASE WHEN NEW.refunded > 0 THEN 1 ELSE 0 END, NEW.refunded)
    ON CONFLICT (span, day, developer_id, app_id, item_id, currency) DO UPDATE SET purchases = purchases + 1,
        refunded_purchases = refunded_purchases + excluded.refunded_purchases, refunded = refunded + excluded.refunded;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER purchase_spans_update AFTER UPDATE OF developer_id, app_id, item_id, paid_at, currency, refunded ON purchases BEGIN
    UPDATE purchase_spans SET purchases = purchases - 1,
        refunded_purchases = refunded_purchases - CASE WHEN OLD.refunded > 0 THEN 1 ELSE 0 END, refunded = refunded - OLD.refunded
    WHERE developer_id = OLD.developer_id AND span = 4 AND day = (OLD.paid_at + 32400000000) / 86400000000 - (OLD.paid_at + 32400000000) / 86400000000 % 4
        AND app_id = OLD.app_id AND item_id = OLD.item_id AND currency = OLD.currency;
    UPDATE purchase_spans SET purchases = purchases - 1,
        refunded_purchases = refunded_purchases - CASE WHEN OLD.refunded > 0 THEN 1 ELSE 0 END, refunded = refunded - OLD.refunded
    WHERE developer_id = OLD.developer_id AND span = 32 AND day = (OLD.paid_at + 32400000000) / 86400000000 - (OLD.paid_at + 32400000000) / 86400000000 % 32
        AND app_id = OLD.app_id AND item_id = OLD.item_id AND currency = OLD.currency;
    INSERT INTO purchase_spans (developer_id, app_id, item_id, span, day, currency, purchases, refunded_purchases, refunded)
    VALUES (NEW.developer_id, NEW.app_id, NEW.item_id, 4, (NEW.paid_at + 32400000000) / 86400000000 - (NEW.paid_at + 32400000000) / 86400000000 % 4, NEW.currency, 1,
        CASE WHEN NEW.refunded > 0 THEN 1 ELSE 0 END, NEW.refunded)
    ON CONFLICT (span, day, developer_id, app_id, item_id, currency) DO UPDATE SET purchases = purchases + 1,
        refunded_purchases = refunded_purchases + excluded.refunded_purchases, refunded = refunded + excluded.refunded;
    INSERT INTO purchase_spans (developer_id, app_id, item_id, span, day, currency, purchases, refunded_purchases, refunded)
    VALUES (NEW.developer_id, NEW.app_id, NEW.item_id, 32, (NEW.paid_at + 32400000000) / 86400000000 - (NEW.paid_at + 32400000000) / 86400000000 % 32, NEW.currency, 1,
        CASE WHEN NEW.refunded > 0 THEN 1 ELSE 0 END, NEW.refunded)
    ON CONFLICT (span, day, developer_id, app_id, item_id, currency) DO UPDATE SET purchases = purchases + 1,
        refunded_purchases = refunded_purchases + excluded.refunded_purchases, refunded = refunded + excluded.refunded;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER purchase_spans_update;
DROP TRIGGER purchase_spans_insert;
DROP TABLE purchase_spans;
