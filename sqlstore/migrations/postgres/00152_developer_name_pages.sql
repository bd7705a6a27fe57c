-- The public app page names the app's developer by name (PublicReviews
-- reads developers.name), so a developer renamed drops the cached pages
-- of its apps as a new slug does (00132's trigger heard only the slug).

-- +goose Up
DROP TRIGGER developers_pages ON developers;
CREATE TRIGGER developers_pages AFTER UPDATE OF slug, name ON developers FOR EACH ROW
    WHEN ((OLD.slug, OLD.name) IS DISTINCT FROM (NEW.slug, NEW.name))
    EXECUTE FUNCTION developers_notify_pages();

-- +goose Down
DROP TRIGGER developers_pages ON developers;
CREATE TRIGGER developers_pages AFTER UPDATE OF slug ON developers FOR EACH ROW
    WHEN (OLD.slug IS DISTINCT FROM NEW.slug)
    EXECUTE FUNCTION developers_notify_pages();
