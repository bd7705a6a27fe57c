-- The any-id search (GET /api/v1/purchases?q=) finds a customer by phone
-- number with digits compared: this index holds the number with the other
-- characters a phone may hold removed, the same expression as
-- phoneDigitsSQL in sqlstore/purchase_anyid.go (a planner uses an expression
-- index only for the identical expression). Not partial, though most
-- customers give no phone: PostgreSQL's ANALYZE keeps statistics of an
-- index's expression only for an index without a predicate, and without
-- them it guesses that a number matches 0.5% of customers and hashes the
-- whole ledger. TxID, TID, email and customer id have unique indexes.

-- +goose Up
CREATE INDEX customers_phone_digits ON customers ((replace(replace(replace(replace(replace(phone, '-', ''), ' ', ''), '(', ''), ')', ''), '+', '')));

-- +goose Down
DROP INDEX customers_phone_digits;
