package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// MergeContact links the email contact of inquiry id to the store account
// with the same address, with every inquiry of that contact the actor may
// change. Operators act for the whole store; a developer's agent for the
// developer's own inquiries, and only towards an account the developer
// already knows (one with a purchase or an inquiry of its): otherwise the
// answer would tell a developer which addresses have store accounts, so it
// is the same as for no account at all.
func (s *MergeService) MergeContact(ctx context.Context, id int64) (*vocdesk.ContactMerge, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var out *vocdesk.ContactMerge
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		in, err := tx.inquiryFor(ctx, a, id, true)
		if err != nil {
			return err
		}
		switch {
		case a.IsOperator():
		case a.IsDeveloper():
			if err := canWriteInquiry(a, in.DeveloperID); err != nil {
				return err
			}
		default:
			return vocdesk.NotFound("inquiry")
		}
		if withheldFrom(a, in) {
			// Whether the caller has an account, and at which address,
			// is what the withheld ids hide (mergeInquiry's rule).
			return vocdesk.NotFound("inquiry")
		}
		if in.CustomerID != 0 {
			return vocdesk.Errorf(vocdesk.EUNPROCESSABLE, "this inquiry belongs to a store account already")
		}
		if in.ContactEmail == "" {
			return vocdesk.Errorf(vocdesk.EUNPROCESSABLE, "this inquiry has no email contact")
		}
		out = &vocdesk.ContactMerge{Email: in.ContactEmail}
		err = tx.queryRow(ctx, `SELECT id, name FROM customers WHERE email_key = $1`, emailKey(in.ContactEmail)).
			Scan(&out.CustomerID, &out.CustomerName)
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.NotFound("customer")
		} else if err != nil {
			return fmt.Errorf("sqlstore: contact merge: %w", err)
		}
		var c conds
		c.add("customer_id IS NULL AND LOWER(contact_email) = ?", emailKey(in.ContactEmail))
		if a.IsDeveloper() {
			var known int
			err := tx.queryRow(ctx, `SELECT 1 WHERE EXISTS (SELECT 1 FROM purchases WHERE customer_id = $1 AND developer_id = $2)
				OR EXISTS (SELECT 1 FROM inquiries WHERE customer_id = $1 AND developer_id = $2)`, out.CustomerID, a.DeveloperID).Scan(&known)
			if errors.Is(err, sql.ErrNoRows) {
				return vocdesk.NotFound("customer")
			} else if err != nil {
				return fmt.Errorf("sqlstore: contact merge: %w", err)
			}
			c.add("developer_id = ?", a.DeveloperID)
		}
		if out.InquiryIDs, err = tx.ids(ctx, `SELECT id FROM inquiries`+c.where()+` ORDER BY id`, c.args...); err != nil {
			return err
		}
		for _, x := range out.InquiryIDs {
			if _, err := tx.exec(ctx, `UPDATE inquiries SET customer_id = $2, updated_at = $3 WHERE id = $1`, x, out.CustomerID, micros(tx.now)); err != nil {
				return fmt.Errorf("sqlstore: contact merge: %w", err)
			}
			// The search document carries the customer's tenancy term.
			if err := tx.indexInquiry(ctx, x); err != nil {
				return err
			}
			ch := change{action: "inquiry.contact_merged", entity: "inquiry", entityID: x, developerID: in.DeveloperID,
				before: contactView{Email: in.ContactEmail}, after: contactView{Email: in.ContactEmail, CustomerID: out.CustomerID}}
			if x != in.ID {
				var dev int64
				if err := tx.queryRow(ctx, `SELECT developer_id FROM inquiries WHERE id = $1`, x).Scan(&dev); err != nil {
					return fmt.Errorf("sqlstore: contact merge: %w", err)
				}
				ch.developerID = dev
			}
			if err := tx.audit(ctx, a, ch); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// contactView is what the audit trail keeps of a contact merge.
type contactView struct {
	Email      string `json:"email"`
	CustomerID int64  `json:"customer_id,omitempty"`
}
