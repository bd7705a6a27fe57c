-- Reviews: customers' ratings of the apps they bought, developers'
-- official replies, helpful votes, and reports for the store to decide on.
-- developer_id is copied from the app so that the developer's inbox needs no
-- join. A review is hidden while hidden_at is set: the public page's indexes
-- hold visible reviews only. review_counts keeps each app's visible ratings
-- per star, changed in the same transaction as every write, hide and
-- restore, so the public page reads one row instead of counting reviews.

-- +goose Up
CREATE TABLE reviews (
    id               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    app_id           BIGINT  NOT NULL REFERENCES apps (id),
    developer_id     BIGINT  NOT NULL REFERENCES developers (id),
    customer_id      BIGINT  NOT NULL REFERENCES customers (id),
    author_name      TEXT    NOT NULL,
    rating           INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body             TEXT    NOT NULL,
    helpful          BIGINT  NOT NULL DEFAULT 0,
    reply_body       TEXT,
    reply_at         BIGINT,
    reply_updated_at BIGINT,
    hidden_at        BIGINT,
    hidden_reason    TEXT    NOT NULL DEFAULT '',
    open_reports     INTEGER NOT NULL DEFAULT 0,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    UNIQUE (customer_id, app_id)
);
-- The public page, newest and most helpful first, visible reviews only.
CREATE INDEX reviews_app_new ON reviews (app_id, created_at DESC, id DESC) WHERE hidden_at IS NULL;
CREATE INDEX reviews_app_helpful ON reviews (app_id, helpful DESC, created_at DESC, id DESC) WHERE hidden_at IS NULL;
-- The developer's inbox, all and by stars; by app (hidden ones too).
CREATE INDEX reviews_dev_new ON reviews (developer_id, created_at DESC, id DESC);
CREATE INDEX reviews_dev_rating ON reviews (developer_id, rating, created_at DESC, id DESC);
CREATE INDEX reviews_app_all ON reviews (app_id, created_at DESC, id DESC);

CREATE TABLE review_counts (
    app_id BIGINT PRIMARY KEY REFERENCES apps (id),
    n1     BIGINT NOT NULL DEFAULT 0 CHECK (n1 >= 0),
    n2     BIGINT NOT NULL DEFAULT 0 CHECK (n2 >= 0),
    n3     BIGINT NOT NULL DEFAULT 0 CHECK (n3 >= 0),
    n4     BIGINT NOT NULL DEFAULT 0 CHECK (n4 >= 0),
    n5     BIGINT NOT NULL DEFAULT 0 CHECK (n5 >= 0)
);

CREATE TABLE review_votes (
    review_id   BIGINT NOT NULL REFERENCES reviews (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (review_id, customer_id)
);

CREATE TABLE review_reports (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id     BIGINT  NOT NULL REFERENCES reviews (id),
    developer_id  BIGINT  NOT NULL REFERENCES developers (id),
    reporter_name TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('open', 'hidden', 'kept')),
    created_at    BIGINT  NOT NULL,
    resolved_at   BIGINT
);
-- One open report per developer and review; the store's queue, oldest first.
CREATE UNIQUE INDEX review_reports_open ON review_reports (review_id, developer_id) WHERE status = 'open';
CREATE INDEX review_reports_status ON review_reports (status, created_at, id);

-- +goose Down
DROP TABLE review_reports;
DROP TABLE review_votes;
DROP TABLE review_counts;
DROP TABLE reviews;
