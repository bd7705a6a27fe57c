-- The call centre: a phone inquiry logged by an operator records whether the
-- caller agreed that the store hands their payment ids (TxID, TID, receipt)
-- and contact details to the developer. withhold_ids is the inquiry's own
-- flag, read with every inquiry row, so that the one read path that hides
-- them from the developer (maskInquiry) needs no join; inquiry_calls keeps
-- who recorded the consent and when.

-- +goose Up
ALTER TABLE inquiries ADD COLUMN withhold_ids INTEGER NOT NULL DEFAULT 0;
CREATE TABLE inquiry_calls (
    inquiry_id     BIGINT  PRIMARY KEY REFERENCES inquiries (id),
    caller         TEXT    NOT NULL,
    consent        INTEGER NOT NULL,
    consent_at     BIGINT  NOT NULL,
    operator_id    BIGINT  NOT NULL DEFAULT 0,
    operator_name  TEXT    NOT NULL
);

-- +goose Down
DROP TABLE inquiry_calls;
ALTER TABLE inquiries DROP COLUMN withhold_ids;
