package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// FindMerges returns the live merge of inquiry id into another (nil when
// it is not merged) and the live merges of others into id, for the inquiry
// pages' pointer and the survivor's undo links.
func (s *MergeService) FindMerges(ctx context.Context, id int64) (*vocdesk.InquiryMerge, []*vocdesk.InquiryMerge, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	if _, err := tx.inquiryFor(ctx, a, id, false); err != nil {
		return nil, nil, err
	}
	const cols = `SELECT g.id, g.developer_id, g.merged_id, g.survivor_id, s.subject, m.subject, g.merged_at, g.undo_until
		FROM inquiry_merges g JOIN inquiries s ON s.id = g.survivor_id JOIN inquiries m ON m.id = g.merged_id
		WHERE g.undone_at IS NULL AND `
	out, err := scanMerges(tx.query(ctx, cols+`g.merged_id = $1`, id))
	if err != nil {
		return nil, nil, err
	}
	in, err := scanMerges(tx.query(ctx, cols+`g.survivor_id = $1 ORDER BY g.id`, id))
	if err != nil {
		return nil, nil, err
	}
	var o *vocdesk.InquiryMerge
	if len(out) > 0 {
		o = out[0]
	}
	return o, in, nil
}

func scanMerges(rows *sql.Rows, err error) ([]*vocdesk.InquiryMerge, error) {
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find merges: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.InquiryMerge
	for rows.Next() {
		var g vocdesk.InquiryMerge
		var at, until int64
		if err := rows.Scan(&g.ID, &g.DeveloperID, &g.MergedID, &g.SurvivorID, &g.SurvivorSubject, &g.MergedSubject, &at, &until); err != nil {
			return nil, fmt.Errorf("sqlstore: find merges: %w", err)
		}
		g.MergedAt, g.UndoUntil = fromMicros(at), fromMicros(until)
		list = append(list, &g)
	}
	return list, rows.Err()
}

// MergeCandidates lists the inquiries inquiry id may be merged into: the
// same developer's and customer's (or, without a store account, the same
// email contact's), not merged themselves, newest first.
func (s *MergeService) MergeCandidates(ctx context.Context, id int64) ([]*vocdesk.Inquiry, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	in, err := tx.inquiryFor(ctx, a, id, false)
	if err != nil {
		return nil, err
	}
	if withheldFrom(a, in) {
		// Its customer is not the developer's to know, nor so the
		// customer's other inquiries (mergeInquiry refuses them too).
		return nil, nil
	}
	var c conds
	c.add("i.developer_id = ?", in.DeveloperID)
	c.add("i.id <> ?", in.ID)
	switch {
	case in.CustomerID != 0:
		c.add("i.customer_id = ?", in.CustomerID)
	case in.ContactEmail != "":
		c.add("i.customer_id IS NULL AND LOWER(i.contact_email) = ?", emailKey(in.ContactEmail))
	default:
		return nil, nil
	}
	scopeInquiries(&c, a, "i")
	if a.IsDeveloper() {
		c.add("i.withhold_ids = ?", false)
	}
	c.add("NOT EXISTS (SELECT 1 FROM inquiry_merges g WHERE g.merged_id = i.id AND g.undone_at IS NULL)")
	q := inquiryCols(tx.dialect) + ` FROM inquiries i` + inquiryJoins + c.where() + ` ORDER BY i.created_at DESC, i.id DESC LIMIT 50`
	return tx.findInquiries(ctx, a, q, c.args)
}
