-- The ledger's references are checked once per statement, not once per row.
--
-- A foreign key checks each inserted purchase with a query of its own that
-- also locks the parent row (FOR KEY SHARE): four per purchase. Two import
-- writers lock the same developer and app rows, so each lock becomes a
-- multixact. That was more than half of a CSV import's time (1M rows in
-- 100k batches: 35.3 s with the four keys, 17.1 s with this check).
--
-- This trigger checks every purchase a statement inserted, in two joins over
-- the statement's rows, and checks more than the keys did: the item belongs
-- to the app and the app to the developer. What a foreign key also did, keep
-- the parent from being deleted, is done by refusing deletes of customers,
-- developers, apps and items altogether: vocdesk never deletes them (they
-- are history), so no parent can disappear under a purchase and no row lock
-- is needed. A purchase's references never change either.
--
-- SQLite keeps its foreign keys; its import switches them off for the
-- import's transaction, which resolves every reference itself.

-- +goose Up
ALTER TABLE purchases
    DROP CONSTRAINT purchases_customer_id_fkey,
    DROP CONSTRAINT purchases_developer_id_fkey,
    DROP CONSTRAINT purchases_app_id_fkey,
    DROP CONSTRAINT purchases_item_id_fkey;

-- +goose StatementBegin
CREATE FUNCTION purchases_check_refs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad RECORD;
BEGIN
    SELECT n.txid, n.customer_id INTO bad FROM new_purchases n
    WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = n.customer_id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = format('purchase %s: customer %s does not exist', bad.txid, bad.customer_id);
    END IF;
    SELECT n.txid, n.item_id, n.app_id, n.developer_id INTO bad FROM new_purchases n
    WHERE NOT EXISTS (SELECT 1 FROM items i JOIN apps a ON a.id = i.app_id
                      WHERE i.id = n.item_id AND a.id = n.app_id AND a.developer_id = n.developer_id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = format('purchase %s: no item %s of app %s of developer %s', bad.txid, bad.item_id, bad.app_id, bad.developer_id);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION ledger_refs_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'purchases' THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'a purchase''s customer, developer, app and item never change';
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
        MESSAGE = format('%s are never deleted: the purchase ledger refers to them', TG_TABLE_NAME);
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER purchases_refs AFTER INSERT ON purchases
    REFERENCING NEW TABLE AS new_purchases FOR EACH STATEMENT EXECUTE FUNCTION purchases_check_refs();
CREATE TRIGGER purchases_refs_fixed BEFORE UPDATE OF customer_id, developer_id, app_id, item_id ON purchases
    FOR EACH ROW WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.developer_id IS DISTINCT FROM NEW.developer_id
                       OR OLD.app_id IS DISTINCT FROM NEW.app_id OR OLD.item_id IS DISTINCT FROM NEW.item_id)
    EXECUTE FUNCTION ledger_refs_fixed();
CREATE TRIGGER customers_kept BEFORE DELETE OR TRUNCATE ON customers FOR EACH STATEMENT EXECUTE FUNCTION ledger_refs_fixed();
CREATE TRIGGER developers_kept BEFORE DELETE OR TRUNCATE ON developers FOR EACH STATEMENT EXECUTE FUNCTION ledger_refs_fixed();
CREATE TRIGGER apps_kept BEFORE DELETE OR TRUNCATE ON apps FOR EACH STATEMENT EXECUTE FUNCTION ledger_refs_fixed();
CREATE TRIGGER items_kept BEFORE DELETE OR TRUNCATE ON items FOR EACH STATEMENT EXECUTE FUNCTION ledger_refs_fixed();

-- +goose Down
DROP TRIGGER items_kept ON items;
DROP TRIGGER apps_kept ON apps;
DROP TRIGGER developers_kept ON developers;
DROP TRIGGER customers_kept ON customers;
DROP TRIGGER purchases_refs_fixed ON purchases;
DROP TRIGGER purchases_refs ON purchases;
DROP FUNCTION ledger_refs_fixed();
DROP FUNCTION purchases_check_refs();
ALTER TABLE purchases
    ADD CONSTRAINT purchases_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id),
    ADD CONSTRAINT purchases_developer_id_fkey FOREIGN KEY (developer_id) REFERENCES developers (id),
    ADD CONSTRAINT purchases_app_id_fkey FOREIGN KEY (app_id) REFERENCES apps (id),
    ADD CONSTRAINT purchases_item_id_fkey FOREIGN KEY (item_id) REFERENCES items (id);
