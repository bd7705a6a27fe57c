-- The purchase ledger. developer_id is copied from the app so that the
-- developer's list and tid uniqueness need no join.

-- +goose Up
CREATE TABLE purchases (
    id           INTEGER PRIMARY KEY,
    txid         TEXT    NOT NULL UNIQUE,
    tid          TEXT    NOT NULL,
    customer_id  BIGINT  NOT NULL REFERENCES customers (id),
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    app_id       BIGINT  NOT NULL REFERENCES apps (id),
    item_id      BIGINT  NOT NULL REFERENCES items (id),
    amount       BIGINT  NOT NULL CHECK (amount > 0),
    currency     TEXT    NOT NULL, -- ISO 4217, checked by vocdesk.ParseCurrency
    refunded     BIGINT  NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
    method       TEXT    NOT NULL CHECK (method IN ('carrier', 'card', 'cash', 'gift')),
    status       TEXT    NOT NULL DEFAULT 'paid' CHECK (status IN ('paid', 'partially_refunded', 'refunded')),
    paid_at      BIGINT  NOT NULL,
    created_at   BIGINT  NOT NULL,
    UNIQUE (developer_id, tid)
);
-- No CHECK calls a function (currency's length was checked here): SQLite
-- assumes a function may fail, and then keeps a statement journal for every
-- multi-row INSERT, which was two fifths of a billing import's time.
-- My Page: a customer's history, newest first, keyset-paged.
CREATE INDEX purchases_customer ON purchases (customer_id, paid_at DESC, id DESC);
-- The developer console's list, newest first, keyset-paged.
CREATE INDEX purchases_developer ON purchases (developer_id, paid_at DESC, id DESC);
-- Looking a tid up uses UNIQUE (developer_id, tid): a developer's directly,
-- an operator's once per developer (see purchaseQuery). A separate index on
-- tid alone would cost every import a sixth B-tree for a rare search.

-- +goose Down
DROP TABLE purchases;
