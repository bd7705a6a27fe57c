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
-- each new entry, in the statement that writes it.

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
) WITHOUT ROWID;

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

-- +goose StatementBegin
CREATE TRIGGER refund_days_insert AFTER INSERT ON refund_entries BEGIN
    INSERT INTO refund_days (developer_id, app_id, dim, span, day, key, currency, n, amount)
    SELECT l.dev, l.app, f.dim, s.span, t.day - t.day % s.span, f.key, NEW.currency, 1, NEW.amount
    FROM (SELECT (NEW.created_at + 32400000000) / 86400000000 AS day) t
    CROSS JOIN (SELECT 0 AS dev, 0 AS app UNION ALL SELECT NEW.developer_id, p.app_id FROM purchases p WHERE p.id = NEW.purchase_id) l
    CROSS JOIN (SELECT 'd' AS dim, '' AS key
        UNION ALL SELECT 'r', cr.reason FROM cancellation_requests cr WHERE cr.id = NEW.request_id
        UNION ALL SELECT 'm', p.method FROM purchases p WHERE p.id = NEW.purchase_id) f
    CROSS JOIN (SELECT 1 AS span UNION ALL SELECT 4 UNION ALL SELECT 32) s
    WHERE s.span = 1 OR f.dim <> 'd'
    ON CONFLICT (developer_id, dim, span, day, key, app_id, currency) DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER refund_days_insert;
DROP TABLE refund_days;
