-- The public app page names the app's developer by name (PublicReviews
-- reads developers.name), so a developer renamed drops the cached pages
-- of its apps as a new slug does (00132's trigger heard only the slug).

-- +goose Up
DROP TRIGGER developers_pages_update;
-- +goose StatementBegin
CREATE TRIGGER developers_pages_update AFTER UPDATE OF slug, name ON developers
WHEN OLD.slug IS NOT NEW.slug OR OLD.name IS NOT NEW.name
BEGIN
    INSERT INTO review_page_changes (developer_id) VALUES (NEW.id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER developers_pages_update;
-- +goose StatementBegin
CREATE TRIGGER developers_pages_update AFTER UPDATE OF slug ON developers
WHEN OLD.slug IS NOT NEW.slug
BEGIN
    INSERT INTO review_page_changes (developer_id) VALUES (NEW.id);
END;
-- +goose StatementEnd
