-- The desk: inquiries, their threads and attachments. Times are unix
-- microseconds (UTC). developer_id is copied from the app so that the inbox
-- and its indexes need no join. wait_sort and due_sort are waiting_since and
-- due_at with "nothing waits" as the largest value, so "longest waiting" and
-- "SLA due first" are plain ascending index walks with keyset paging.

-- +goose Up
CREATE TABLE inquiries (
    id                 BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    developer_id       BIGINT  NOT NULL REFERENCES developers (id),
    app_id             BIGINT  NOT NULL REFERENCES apps (id),
    customer_id        BIGINT  REFERENCES customers (id),
    contact_name       TEXT    NOT NULL DEFAULT '',
    contact_email      TEXT    NOT NULL DEFAULT '',
    contact_phone      TEXT    NOT NULL DEFAULT '',
    purchase_id        BIGINT  REFERENCES purchases (id),
    channel            TEXT    NOT NULL CHECK (channel IN ('store', 'email', 'phone', 'social', 'api')),
    category           TEXT    NOT NULL CHECK (category IN ('refund', 'not_received', 'payment', 'bug', 'account', 'other')),
    subject            TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('new', 'open', 'waiting_on_customer', 'resolved', 'closed')),
    assignee_id        BIGINT  REFERENCES members (id),
    rating             INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    rating_comment     TEXT    NOT NULL DEFAULT '',
    unread_by_customer  BOOLEAN NOT NULL DEFAULT FALSE,
    unread_by_developer BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    last_message_at    BIGINT  NOT NULL,
    first_response_at  BIGINT,
    waiting_since      BIGINT,
    due_at             BIGINT,
    due_soon_at        BIGINT,
    escalate_at        BIGINT,
    escalated_at       BIGINT,
    wait_sort          BIGINT  NOT NULL,
    due_sort           BIGINT  NOT NULL
);
-- The inbox, per sort: newest, longest waiting, SLA due first; with and
-- without the status the tabs filter on.
CREATE INDEX inquiries_dev_new ON inquiries (developer_id, created_at DESC, id DESC);
CREATE INDEX inquiries_dev_status_new ON inquiries (developer_id, status, created_at DESC, id DESC);
CREATE INDEX inquiries_dev_wait ON inquiries (developer_id, wait_sort, id);
CREATE INDEX inquiries_dev_due ON inquiries (developer_id, due_sort, id);
-- My Page and the customer panel; also "a developer may see a customer who
-- asked it something".
CREATE INDEX inquiries_customer ON inquiries (customer_id, created_at DESC, id DESC);
-- The operators' views across the store.
CREATE INDEX inquiries_new ON inquiries (created_at DESC, id DESC);
CREATE INDEX inquiries_purchase ON inquiries (purchase_id) WHERE purchase_id IS NOT NULL;
CREATE INDEX inquiries_assignee ON inquiries (assignee_id, created_at DESC, id DESC) WHERE assignee_id IS NOT NULL;
-- The escalation sweep and the operators' queue.
CREATE INDEX inquiries_escalate ON inquiries (escalate_at) WHERE escalate_at IS NOT NULL AND escalated_at IS NULL;
CREATE INDEX inquiries_escalated ON inquiries (escalated_at DESC, id DESC) WHERE escalated_at IS NOT NULL;

CREATE TABLE inquiry_messages (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inquiry_id  BIGINT  NOT NULL REFERENCES inquiries (id),
    author      TEXT    NOT NULL CHECK (author IN ('customer', 'developer', 'operator', 'system')),
    author_id   BIGINT  NOT NULL DEFAULT 0,
    author_name TEXT    NOT NULL DEFAULT '',
    body        TEXT    NOT NULL,
    internal    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX inquiry_messages_inquiry ON inquiry_messages (inquiry_id, id);

-- Attachment bytes live in their own table so that reading a thread never
-- drags them along.
CREATE TABLE inquiry_attachments (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id   BIGINT  NOT NULL REFERENCES inquiry_messages (id),
    inquiry_id   BIGINT  NOT NULL REFERENCES inquiries (id),
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf')),
    size         BIGINT  NOT NULL CHECK (size > 0 AND size <= 10485760),
    data         BYTEA   NOT NULL,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX inquiry_attachments_message ON inquiry_attachments (message_id);

CREATE TABLE inquiry_tags (
    inquiry_id   BIGINT  NOT NULL REFERENCES inquiries (id),
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    tag          TEXT    NOT NULL,
    PRIMARY KEY (inquiry_id, tag)
);
CREATE INDEX inquiry_tags_developer ON inquiry_tags (developer_id, tag, inquiry_id);

-- Inquiries per developer and status, kept in step by every status change,
-- so the inbox's tab counts are a few rows however large the inbox is.
CREATE TABLE inquiry_counts (
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    status       TEXT    NOT NULL,
    n            BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (developer_id, status)
);

-- +goose Down
DROP TABLE inquiry_counts;
DROP TABLE inquiry_tags;
DROP TABLE inquiry_attachments;
DROP TABLE inquiry_messages;
DROP TABLE inquiries;
