-- The sign-in guard's counters (ratelimit.Guard), shared by every process
-- on the database, so that a guesser who spreads attempts over the
-- processes behind a load balancer meets one budget. key is a keyed hash
-- of what is counted (an address, an account, a pair, a device) under the
-- server key 'signin-device'; tat and last are Unix nanoseconds. A row
-- whose tat has passed counts nothing and is deleted when found.

-- +goose Up
CREATE TABLE signin_counters (
    key  BIGINT PRIMARY KEY,
    tat  BIGINT NOT NULL,
    last BIGINT NOT NULL
);
CREATE INDEX signin_counters_tat ON signin_counters (tat);

-- +goose Down
DROP TABLE signin_counters;
