-- Reports: purchases per developer, app, item, day in Seoul and currency,
-- with how many of them have a refund and the refunded sum, so a report's
-- purchase counts and refund rates read a few hundred rows a month instead
-- of every purchase (bench/reports). Triggers keep it: they run in the
-- statement that inserts or changes a purchase, so every path that writes
-- the ledger (a purchase from billing, an import, a refund) keeps it exact
-- in its own transaction. day is (paid_at + 9 h) / 1 day in microseconds,
-- the expression of report.DaySQL.

-- +goose Up
CREATE TABLE purchase_days (
    developer_id       BIGINT NOT NULL,
    app_id             BIGINT NOT NULL,
    item_id            BIGINT NOT NULL,
    day                BIGINT NOT NULL,
    currency           TEXT   NOT NULL,
    purchases          BIGINT NOT NULL DEFAULT 0,
    refunded_purchases BIGINT NOT NULL DEFAULT 0,
    refunded           BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (developer_id, day, app_id, item_id, currency)
);
CREATE INDEX purchase_days_day ON purchase_days (day, developer_id, purchases, refunded_purchases);

INSERT INTO purchase_days (developer_id, app_id, item_id, day, currency, purchases, refunded_purchases, refunded)
SELECT developer_id, app_id, item_id, (paid_at + 32400000000) / 86400000000, currency, COUNT(*),
    SUM(CASE WHEN refunded > 0 THEN 1 ELSE 0 END), SUM(refunded)
FROM purchases GROUP BY 1, 2, 3, 4, 5;

-- +goose StatementBegin
CREATE TRIGGER purchase_days_insert AFTER INSERT ON purchases BEGIN
    INSERT INTO purchase_days (developer_id, app_id, item_id, day, currency, purchases, refunded_purchases, refunded)
    VALUES (NEW.developer_id, NEW.app_id, NEW.item_id, (NEW.paid_at + 32400000000) / 86400000000, NEW.currency, 1,
        CASE WHEN NEW.refunded > 0 THEN 1 ELSE 0 END, NEW.refunded)
    ON CONFLICT (developer_id, day, app_id, item_id, currency) DO UPDATE SET purchases = purchases + 1,
        refunded_purchases = refunded_purchases + excluded.refunded_purchases, refunded = refunded + excluded.refunded;
END;
-- +goose StatementEnd

-- A purchase's refund (or, should one ever change, its day, app, item or
-- currency) moves it out of its old row and into its new one.
-- +goose StatementBegin
CREATE TRIGGER purchase_days_update AFTER UPDATE OF developer_id, app_id, item_id, paid_at, currency, refunded ON purchases BEGIN
    UPDATE purchase_days SET purchases = purchases - 1,
        refunded_purchases = refunded_purchases - CASE WHEN OLD.refunded > 0 THEN 1 ELSE 0 END, refunded = refunded - OLD.refunded
    WHERE developer_id = OLD.developer_id AND day = (OLD.paid_at + 32400000000) / 86400000000 AND app_id = OLD.app_id
        AND item_id = OLD.item_id AND currency = OLD.currency;
    INSERT INTO purchase_days (developer_id, app_id, item_id, day, currency, purchases, refunded_purchases, refunded)
    VALUES (NEW.developer_id, NEW.app_id, NEW.item_id, (NEW.paid_at + 32400000000) / 86400000000, NEW.currency, 1,
        CASE WHEN NEW.refunded > 0 THEN 1 ELSE 0 END, NEW.refunded)
    ON CONFLICT (developer_id, day, app_id, item_id, currency) DO UPDATE SET purchases = purchases + 1,
        refunded_purchases = refunded_purchases + excluded.refunded_purchases, refunded = refunded + excluded.refunded;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER purchase_days_update;
DROP TRIGGER purchase_days_insert;
DROP TABLE purchase_days;
