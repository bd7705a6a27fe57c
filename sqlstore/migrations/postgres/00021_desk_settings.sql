-- The desk's settings: canned replies, SLA policies, the store's holidays,
-- members' saved views, operators' notes on developers, and the record of
-- escalations that counts against developers.

-- +goose Up
CREATE TABLE canned_replies (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    name         TEXT    NOT NULL,
    locale       TEXT    NOT NULL CHECK (locale IN ('ko', 'en')),
    body         TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    UNIQUE (developer_id, locale, name)
);

-- One row per developer that set a policy; developer_id 0 is the store's
-- own row, which holds the escalation deadline. hours_json is
-- vocdesk.BusinessHours as JSON: seven {open, close} pairs, Sunday first.
CREATE TABLE sla_policies (
    developer_id           BIGINT  PRIMARY KEY,
    first_response_minutes INTEGER NOT NULL CHECK (first_response_minutes > 0),
    next_response_minutes  INTEGER NOT NULL CHECK (next_response_minutes > 0),
    hours_json             TEXT    NOT NULL,
    escalation_days        INTEGER NOT NULL DEFAULT 3 CHECK (escalation_days > 0),
    updated_at             BIGINT  NOT NULL
);

-- Days the store is closed, in Asia/Seoul, as data: lunar holidays,
-- substitute holidays and election days cannot be computed.
CREATE TABLE holidays (
    day  TEXT PRIMARY KEY CHECK (length(day) = 10),
    name TEXT NOT NULL
);

CREATE TABLE saved_views (
    id         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id  BIGINT  NOT NULL REFERENCES members (id),
    name       TEXT    NOT NULL,
    query      TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    UNIQUE (member_id, name)
);

CREATE TABLE developer_notes (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    operator_id  BIGINT  NOT NULL DEFAULT 0,
    author_name  TEXT    NOT NULL DEFAULT '',
    body         TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX developer_notes_developer ON developer_notes (developer_id, id);

-- Every escalation ever, so the count against a developer survives the
-- inquiry's later answer.
CREATE TABLE inquiry_escalations (
    inquiry_id   BIGINT  NOT NULL REFERENCES inquiries (id),
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    at           BIGINT  NOT NULL,
    PRIMARY KEY (inquiry_id, at)
);
CREATE INDEX inquiry_escalations_developer ON inquiry_escalations (developer_id);

-- Korean public holidays 2025-2027 (관공서의 공휴일에 관한 규정 and the
-- 공휴일에 관한 법률), with the substitute holidays they cause and election
-- days. 2025-01-27 and 2025-06-03 were declared by the government; 제헌절
-- is a public holiday again from 2026. Operators add the government's
-- later temporary holidays.
INSERT INTO holidays (day, name) VALUES
    ('2025-01-01', '신정'),
    ('2025-01-27', '임시공휴일'),
    ('2025-01-28', '설날 연휴'),
    ('2025-01-29', '설날'),
    ('2025-01-30', '설날 연휴'),
    ('2025-03-01', '삼일절'),
    ('2025-03-03', '대체공휴일(삼일절)'),
    ('2025-05-05', '어린이날, 부처님오신날'),
    ('2025-05-06', '대체공휴일(어린이날, 부처님오신날)'),
    ('2025-06-03', '제21대 대통령 선거일'),
    ('2025-06-06', '현충일'),
    ('2025-08-15', '광복절'),
    ('2025-10-03', '개천절'),
    ('2025-10-05', '추석 연휴'),
    ('2025-10-06', '추석'),
    ('2025-10-07', '추석 연휴'),
    ('2025-10-08', '대체공휴일(추석)'),
    ('2025-10-09', '한글날'),
    ('2025-12-25', '성탄절'),
    ('2026-01-01', '신정'),
    ('2026-02-16', '설날 연휴'),
    ('2026-02-17', '설날'),
    ('2026-02-18', '설날 연휴'),
    ('2026-03-01', '삼일절'),
    ('2026-03-02', '대체공휴일(삼일절)'),
    ('2026-05-05', '어린이날'),
    ('2026-05-24', '부처님오신날'),
    ('2026-05-25', '대체공휴일(부처님오신날)'),
    ('2026-06-03', '제9회 전국동시지방선거일'),
    ('2026-06-06', '현충일'),
    ('2026-07-17', '제헌절'),
    ('2026-08-15', '광복절'),
    ('2026-08-17', '대체공휴일(광복절)'),
    ('2026-09-24', '추석 연휴'),
    ('2026-09-25', '추석'),
    ('2026-09-26', '추석 연휴'),
    ('2026-10-03', '개천절'),
    ('2026-10-05', '대체공휴일(개천절)'),
    ('2026-10-09', '한글날'),
    ('2026-12-25', '성탄절'),
    ('2027-01-01', '신정'),
    ('2027-02-06', '설날 연휴'),
    ('2027-02-07', '설날'),
    ('2027-02-08', '설날 연휴'),
    ('2027-02-09', '대체공휴일(설날)'),
    ('2027-03-01', '삼일절'),
    ('2027-05-05', '어린이날'),
    ('2027-05-13', '부처님오신날'),
    ('2027-06-06', '현충일'),
    ('2027-07-17', '제헌절'),
    ('2027-07-19', '대체공휴일(제헌절)'),
    ('2027-08-15', '광복절'),
    ('2027-08-16', '대체공휴일(광복절)'),
    ('2027-09-14', '추석 연휴'),
    ('2027-09-15', '추석'),
    ('2027-09-16', '추석 연휴'),
    ('2027-10-03', '개천절'),
    ('2027-10-04', '대체공휴일(개천절)'),
    ('2027-10-09', '한글날'),
    ('2027-10-11', '대체공휴일(한글날)'),
    ('2027-12-25', '성탄절'),
    ('2027-12-27', '대체공휴일(성탄절)');

-- +goose Down
DROP TABLE inquiry_escalations;
DROP TABLE developer_notes;
DROP TABLE saved_views;
DROP TABLE holidays;
DROP TABLE sla_policies;
DROP TABLE canned_replies;
