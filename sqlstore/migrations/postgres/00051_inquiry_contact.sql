-- An inquiry carries who asked and the txid of its purchase, as the inbox
-- shows them, so that a page of the inbox reads its rows and nothing else:
-- joining each row to customers (2M rows) and purchases (10M) took more than
-- half of a page's time, one random page read per row and table. Both are
-- copied when the inquiry is opened and never change afterwards: a txid
-- never does, and customers are never updated (a change to a customer's
-- name, email or phone would have to rewrite their inquiries' copy too).
-- The asker's name is the store account's when the inquiry has one, the
-- email and phone those the channel gave, else the account's.

-- +goose Up
ALTER TABLE inquiries ADD COLUMN purchase_txid TEXT NOT NULL DEFAULT '';
UPDATE inquiries SET purchase_txid = p.txid FROM purchases p WHERE p.id = inquiries.purchase_id;
UPDATE inquiries SET
    contact_name  = CASE WHEN c.name <> '' THEN c.name ELSE inquiries.contact_name END,
    contact_email = CASE WHEN inquiries.contact_email = '' THEN c.email ELSE inquiries.contact_email END,
    contact_phone = CASE WHEN inquiries.contact_phone = '' THEN c.phone ELSE inquiries.contact_phone END
FROM customers c WHERE c.id = inquiries.customer_id;

-- +goose Down
ALTER TABLE inquiries DROP COLUMN purchase_txid;
