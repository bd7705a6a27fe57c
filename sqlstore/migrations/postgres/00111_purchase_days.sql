-- Reports: purchases per developer, app, item, day in Seoul and currency,
-- with how many of them have a refund and the refunded sum, so a report's
-- purchase counts and refund rates read a few hundred rows a month instead
-- of every purchase (bench/reports). Statement triggers keep it, with
-- transition tables: one grouped upsert per INSERT or UPDATE statement, in
-- that statement's transaction, so every path that writes the ledger (a
-- purchase from billing, an import's multi-row INSERT, a refund) keeps it
-- exact. Rows are upserted in key order so that two transactions touching
-- the same rows wait for each other instead of deadlocking. day is
-- (paid_at + 9 h) / 1 day in microseconds, the expression of report.DaySQL.

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
CREATE FUNCTION purchase_days_add() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER purchase_days_insert AFTER INSERT ON purchases REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION purchase_days_add();
CREATE TRIGGER purchase_days_update AFTER UPDATE ON purchases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION purchase_days_add();

-- +goose Down
DROP TRIGGER purchase_days_update ON purchases;
DROP TRIGGER purchase_days_insert ON purchases;
DROP FUNCTION purchase_days_add();
DROP TABLE purchase_days;
