-- An inquiry carries its tags, sorted, as a JSON array: the inbox reads
-- them with the row instead of aggregating inquiry_tags in a subquery per
-- row. inquiry_tags stays, for filtering by a tag and counting them;
-- changeTags writes both in one transaction.

-- +goose Up
ALTER TABLE inquiries ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
UPDATE inquiries SET tags = (SELECT json_agg(tag ORDER BY tag) FROM inquiry_tags t WHERE t.inquiry_id = inquiries.id)::text
WHERE id IN (SELECT inquiry_id FROM inquiry_tags);

-- +goose Down
ALTER TABLE inquiries DROP COLUMN tags;
