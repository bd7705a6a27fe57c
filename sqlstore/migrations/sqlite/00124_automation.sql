-- The desk's automation: macros agents apply, rules that run by themselves,
-- the record of each rule's run per inquiry and event (so a retried event
-- applies nothing twice), each round-robin rule's cursor, members' in/away,
-- and inquiries' priority. Actions and conditions are JSON
-- (vocdesk.MacroActions, vocdesk.RuleConditions, vocdesk.RuleActions):
-- they are read whole, never queried by field. rule_sets holds one version
-- per developer, bumped by every change of its rules, which processes compare
-- with the compiled rule set they cache.

-- +goose Up
CREATE TABLE macros (
    id           INTEGER PRIMARY KEY,
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    name         TEXT    NOT NULL,
    actions_json TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    UNIQUE (developer_id, name)
);

CREATE TABLE rules (
    id              INTEGER PRIMARY KEY,
    developer_id    BIGINT  NOT NULL REFERENCES developers (id),
    name            TEXT    NOT NULL,
    enabled         INTEGER NOT NULL DEFAULT 1,
    position        INTEGER NOT NULL DEFAULT 0,
    events_json     TEXT    NOT NULL,
    conditions_json TEXT    NOT NULL,
    actions_json    TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (developer_id, name)
);

CREATE TABLE rule_sets (
    developer_id BIGINT PRIMARY KEY REFERENCES developers (id),
    version      BIGINT NOT NULL
);

CREATE TABLE rule_runs (
    rule_id    BIGINT NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    inquiry_id BIGINT NOT NULL REFERENCES inquiries (id),
    event      TEXT   NOT NULL,
    at         BIGINT NOT NULL,
    PRIMARY KEY (rule_id, inquiry_id, event)
);

CREATE TABLE rule_cursors (
    rule_id        BIGINT PRIMARY KEY REFERENCES rules (id) ON DELETE CASCADE,
    last_member_id BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE member_availability (
    member_id    BIGINT  PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    away         INTEGER NOT NULL DEFAULT 0,
    updated_at   BIGINT  NOT NULL
);

CREATE TABLE inquiry_priorities (
    inquiry_id   BIGINT PRIMARY KEY REFERENCES inquiries (id),
    developer_id BIGINT NOT NULL REFERENCES developers (id),
    priority     TEXT   NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent'))
);

-- +goose Down
DROP TABLE inquiry_priorities;
DROP TABLE member_availability;
DROP TABLE rule_cursors;
DROP TABLE rule_runs;
DROP TABLE rule_sets;
DROP TABLE rules;
DROP TABLE macros;
