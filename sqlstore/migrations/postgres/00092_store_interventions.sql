-- The store's hand on developers who leave customers waiting: each time an
-- operator answers a customer in the store's name or cancels a purchase
-- on the store's initiative, a row here counts it against the developer
-- (the operators' view of developers). Written in the transaction of the
-- answer or the cancellation itself.

-- +goose Up
CREATE TABLE store_interventions (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    inquiry_id   BIGINT  REFERENCES inquiries (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('answer', 'cancel')),
    ref_id       BIGINT  NOT NULL, -- the message or the cancellation request
    at           BIGINT  NOT NULL
);
CREATE INDEX store_interventions_developer ON store_interventions (developer_id, kind);

-- +goose Down
DROP TABLE store_interventions;
