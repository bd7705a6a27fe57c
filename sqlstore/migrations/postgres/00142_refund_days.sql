-- Reports: the refund ledger's counters, so that the store's refunds over
-- a year read about a thousand rows instead of every refund of the year
-- (1% of purchases, 100k at 10M: bench/reports). A row counts, with their
-- sum, the refunds completed on day (in Seoul, report.DaySQL) in currency
-- of one developer's app (developer_id, app_id: the entry's developer, its
-- purchase's app), or of the whole store (developer_id = app_id = 0),
-- under dim and key:
--   d every refund, key '': by day only (the report's refunds by day and
--     their total);
--   r the request's reason, m the purchase's payment method: by day
--     (span 1) and by blocks of 4 and 32 days (span; day is the block's
--     first day, a multiple of span), so that a year reads a dozen blocks
--     and the days and short blocks at its ends (sqlstore spans).
-- The ledger is append-only and neither a request's reason nor a
-- purchase's method changes, so the counters only ever grow: a trigger on
-- each new entry.
--
-- On PostgreSQL refunds run at once, and the store's rows of a day are
-- every refund's: counters locked as each entry goes in would be held to
-- the commit, and a transaction writing several refunds (or a refund and
-- the purchase_days rows of its purchase) could take them crosswise with
-- another. So, as inquiry_days (00134) does, the row trigger only notes
-- the changes (refund_days_pending, unlogged, no lock shared with anyone)
-- and a deferred trigger applies the transaction's notes at its commit,
-- summed, in the primary key's order, in one statement.

-- +goose Up
CREATE TABLE refund_days (
    developer_id BIGINT NOT NULL,
    app_id       BIGINT NOT NULL,
    dim          TEXT   NOT NULL,
    span         BIGINT NOT NULL,
    day          BIGINT NOT NULL,
    key          TEXT   NOT NULL,
    currency     TEXT   NOT NULL,
    n            BIGINT NOT NULL,
    amount       BIGINT NOT NULL,
    PRIMARY KEY (developer_id, dim, span, day, key, app_id, currency)
);

-- Backfill: the entries there are.
INSERT INTO refund_days (developer_id, app_id, dim, span, day, key, currency, n, amount)
SELECT CASE WHEN x.lvl = 0 THEN 0 ELSE e.developer_id END, CASE WHEN x.lvl = 0 THEN 0 ELSE e.app_id END, d.dim, s.span,
    e.day - e.day % s.span, CASE d.dim WHEN 'r' THEN e.reason WHEN 'm' THEN e.method ELSE '' END, e.currency, COUNT(*), SUM(e.amount)
FROM (SELECT re.developer_id, p.app_id, (re.created_at + 32400000000) / 86400000000 AS day, re.currency, re.amount,
        cr.reason, p.method
      FROM refund_entries re JOIN cancellation_requests cr ON cr.id = re.request_id JOIN purchases p ON p.id = re.purchase_id) e
CROSS JOIN (SELECT 0 AS lvl UNION ALL SELECT 1) x
CROSS JOIN (SELECT 'd' AS dim UNION ALL SELECT 'r' UNION ALL SELECT 'm') d
CROSS JOIN (SELECT 1 AS span UNION ALL SELECT 4 UNION ALL SELECT 32) s
WHERE s.span = 1 OR d.dim <> 'd'
GROUP BY 1, 2, 3, 4, 5, 6, 7;

CREATE UNLOGGED TABLE refund_days_pending (
    xid          BIGINT NOT NULL,
    developer_id BIGINT NOT NULL,
    app_id       BIGINT NOT NULL,
    dim          TEXT   NOT NULL,
    span         BIGINT NOT NULL,
    day          BIGINT NOT NULL,
    key          TEXT   NOT NULL,
    currency     TEXT   NOT NULL,
    n            BIGINT NOT NULL,
    amount       BIGINT NOT NULL
);
CREATE INDEX refund_days_pending_xid ON refund_days_pending (xid);
-- One row per transaction with notes: its insert queues the deferred
-- trigger once.
CREATE UNLOGGED TABLE refund_days_flush (xid BIGINT PRIMARY KEY);

-- +goose StatementBegin
CREATE FUNCTION refund_days_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    x BIGINT := txid_current();
BEGIN
    INSERT INTO refund_days_pending (xid, developer_id, app_id, dim, span, day, key, currency, n, amount)
    SELECT x, l.dev, l.app, f.dim, s.span, t.day - t.day % s.span, f.key, NEW.currency, 1, NEW.amount
    FROM (SELECT (NEW.created_at + 32400000000) / 86400000000 AS day) t
    CROSS JOIN (SELECT 0::bigint AS dev, 0::bigint AS app UNION ALL SELECT NEW.developer_id, p.app_id FROM purchases p WHERE p.id = NEW.purchase_id) l
    CROSS JOIN (SELECT 'd' AS dim, '' AS key
        UNION ALL SELECT 'r', cr.reason FROM cancellation_requests cr WHERE cr.id = NEW.request_id
        UNION ALL SELECT 'm', p.method FROM purchases p WHERE p.id = NEW.purchase_id) f
    CROSS JOIN (VALUES (1::bigint), (4), (32)) s(span)
    WHERE s.span = 1 OR f.dim <> 'd';
    INSERT INTO refund_days_flush (xid) VALUES (x) ON CONFLICT (xid) DO NOTHING;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION refund_days_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH d AS (DELETE FROM refund_days_pending WHERE xid = NEW.xid
        RETURNING developer_id, app_id, dim, span, day, key, currency, n, amount)
    INSERT INTO refund_days (developer_id, app_id, dim, span, day, key, currency, n, amount)
    SELECT developer_id, app_id, dim, span, day, key, currency, SUM(n), SUM(amount) FROM d
    GROUP BY developer_id, dim, span, day, key, app_id, currency
    ORDER BY developer_id, dim, span, day, key, app_id, currency
    ON CONFLICT (developer_id, dim, span, day, key, app_id, currency) DO UPDATE SET n = refund_days.n + excluded.n,
        amount = refund_days.amount + excluded.amount;
    DELETE FROM refund_days_flush WHERE xid = NEW.xid;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER refund_days_insert AFTER INSERT ON refund_entries FOR EACH ROW EXECUTE FUNCTION refund_days_follow();
CREATE CONSTRAINT TRIGGER refund_days_commit AFTER INSERT ON refund_days_flush DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION refund_days_apply();

-- +goose Down
DROP TRIGGER refund_days_commit ON refund_days_flush;
DROP TRIGGER refund_days_insert ON refund_entries;
DROP FUNCTION refund_days_apply();
DROP FUNCTION refund_days_follow();
DROP TABLE refund_days_flush;
DROP TABLE refund_days_pending;
DROP TABLE refund_days;
