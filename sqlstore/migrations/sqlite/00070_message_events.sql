-- A system message records its event (kind and values, as JSON) beside
-- its English sentence, so each reader's page says it in their language.
-- Events that concern the team alone (assignment, workflow steps,
-- escalation, a failed refund) are internal from now on, as notes are, so
-- customers never read them; the ones stored before are marked so here,
-- found by the sentences the older versions wrote.

-- +goose Up
ALTER TABLE inquiry_messages ADD COLUMN event TEXT NOT NULL DEFAULT '';
UPDATE inquiry_messages SET internal = 1
WHERE author = 'system' AND (body LIKE 'Assigned to %' OR body LIKE 'Unassigned / %' OR body LIKE 'Status: %'
    OR body LIKE 'Escalated to the store%' OR body LIKE 'Refund of % failed%');

-- +goose Down
ALTER TABLE inquiry_messages DROP COLUMN event;
