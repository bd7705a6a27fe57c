-- The any-id search (GET /api/v1/purchases?q=) looks a TID up for an
-- operator across every developer. UNIQUE (developer_id, tid) answers it
-- only with one probe per developer: at 2,000 developers and 10M purchases
-- (bench/desk's store) 2,000 probes took 270-285 ms of every operator
-- search. This index answers it in one. It costs every insert of a
-- purchase one more B-tree. Numbered 102, not in 93-96, so that a
-- database already at 100 (reviews) takes it in order.

-- +goose Up
CREATE INDEX purchases_tid ON purchases (tid);

-- +goose Down
DROP INDEX purchases_tid;
