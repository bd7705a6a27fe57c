package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// inquiryCols and inquiryJoins read inquiries with the names people need
// (developer, app, assignee) and their tags in one statement, never one
// query per row. Who asked and the purchase's txid are the inquiry's own
// columns (migration 00051): joining customers and purchases cost a random
// page read per row. So are its tags, as a sorted JSON array (migration
// 00054): aggregating inquiry_tags per row was a sixth of a page's time. On
// SQLite each row comes packed in one JSON array (packed_row.go). Searches
// put their index table in front of inquiryJoins.
func inquiryCols(dialect string) string {
	if dialect == dialectPostgres {
		return inquiryColsPostgres
	}
	return inquiryColsSQLite
}

// inquiryFields are the values of an inquiry's row, in the order
// scanInquiry reads them, the tags last; inquiryWidth counts them.
const (
	inquiryFields = `i.id, i.developer_id, d.slug, i.app_id, a.slug, a.name,
	COALESCE(i.customer_id, 0), i.contact_name, i.contact_email, i.contact_phone,
	COALESCE(i.purchase_id, 0), i.purchase_txid, i.channel, i.category, i.subject, i.status,
	COALESCE(i.assignee_id, 0), COALESCE(m.name, ''), i.rating, i.rating_comment,
	i.unread_by_customer, i.unread_by_developer, i.created_at, i.updated_at, i.last_message_at,
	i.first_response_at, i.waiting_since, i.due_at, i.escalated_at, i.withhold_ids, i.priority, `
	inquiryWidth = 32
)

var (
	inquiryColsSQLite   = inquiryColsWith(dialectSQLite, "")
	inquiryColsPostgres = inquiryColsWith(dialectPostgres, "")
)

// inquiryColsWith is inquiryCols with the fields lead (each followed by a
// comma) read before the inquiry's, in the same packed row.
func inquiryColsWith(dialect, lead string) string {
	if dialect == dialectSQLite {
		// json() makes the tags an array inside the packed row, not a string.
		return `SELECT ` + packFields(dialect, lead+inquiryFields+`json(i.tags)`)
	}
	return `SELECT ` + packFields(dialect, lead+inquiryFields+`i.tags`)
}

const (
	inquiryJoins = `
	JOIN developers d ON d.id = i.developer_id` + inquiryNameJoins
	inquiryNameJoins = `
	JOIN apps a ON a.id = i.app_id
	LEFT JOIN members m ON m.id = i.assignee_id`
)

// pageJoins is inquiryJoins for a page of many rows (the inbox, a search).
// A developer's page is all of one developer, the scope says so, and its
// row is read once instead of once per inquiry: on PostgreSQL that was a
// third of an inbox page's buffer reads. There the developer's slug is an
// uncorrelated subquery, which the planner runs once where it might put a
// join inside the loop; and the page joins the developer's own apps and
// members, a few rows read once (apps_developer) where a primary-key probe
// per row read three buffers each, 153 of a page's 365.
func pageJoins(dialect string, c *conds, a *vocdesk.Actor) string {
	switch {
	case !a.IsDeveloper():
		return inquiryJoins
	case dialect == dialectPostgres:
		dev := c.next(a.DeveloperID)
		return `
	CROSS JOIN (SELECT (SELECT slug FROM developers WHERE id = ` + dev + `) AS slug) d
	JOIN (SELECT id, slug, name FROM apps WHERE developer_id = ` + dev + `) a ON a.id = i.app_id
	LEFT JOIN (SELECT id, name FROM members WHERE developer_id = ` + dev + `) m ON m.id = i.assignee_id`
	}
	return `
	JOIN developers d ON d.id = CAST(` + c.next(a.DeveloperID) + ` AS BIGINT)` + inquiryNameJoins
}

func scanInquiry(dialect string, r scanner) (*vocdesk.Inquiry, error) {
	d, err := readFields(dialect, r, inquiryWidth)
	if err != nil {
		return nil, err
	}
	return decodeInquiry(d)
}

// decodeInquiry reads an inquiry selected with inquiryCols.
func decodeInquiry(d fieldReader) (*vocdesk.Inquiry, error) {
	var in vocdesk.Inquiry
	in.ID, in.DeveloperID, in.DeveloperSlug, in.AppID, in.AppSlug, in.AppName = d.num(), d.num(), d.text(), d.num(), d.text(), d.text()
	in.CustomerID, in.CustomerName, in.ContactEmail, in.ContactPhone = d.num(), d.text(), d.text(), d.text()
	in.PurchaseID, in.TxID = d.num(), d.text()
	in.Channel, in.Category, in.Subject, in.Status = vocdesk.Channel(d.text()), vocdesk.Category(d.text()), d.text(), vocdesk.InquiryStatus(d.text())
	in.AssigneeID, in.AssigneeName, in.Rating, in.RatingComment = d.num(), d.text(), int(d.num()), d.text()
	in.UnreadByCustomer, in.UnreadByDeveloper = d.flag(), d.flag()
	in.CreatedAt, in.UpdatedAt, in.LastMessageAt = fromMicros(d.num()), fromMicros(d.num()), fromMicros(d.num())
	in.FirstResponseAt, in.WaitingSince = nullMicros(d.nullNum()), nullMicros(d.nullNum())
	in.DueAt, in.EscalatedAt = nullMicros(d.nullNum()), nullMicros(d.nullNum())
	in.WithholdIDs, in.Priority = d.flag(), vocdesk.Priority(d.text())
	in.Tags = d.texts()
	if err := d.end(); err != nil {
		return nil, err
	}
	return &in, nil
}

// maskInquiry hides contacts from actors that may not see them (viewers),
// and, from the developer, everything that names the customer of a call who
// did not agree to it (call.go): their account, purchase, TxID and contacts.
// Every read of an inquiry by a developer passes here (findInquiries,
// FindInquiryByID, FindThread, UpdateInquiry), so no page or API route can
// show what it hides; what the customer panel and the thread's mail
// deliveries would show follows from the zeroed ids (see also
// withheldFilter and FindDeliveries).
func maskInquiry(a *vocdesk.Actor, in *vocdesk.Inquiry) {
	if in.WithholdIDs && !a.IsOperator() && !a.IsCustomer() {
		in.CustomerID, in.PurchaseID, in.TxID = 0, 0, ""
		in.ContactEmail, in.ContactPhone = "", ""
	}
	if masksContacts(a) {
		in.ContactEmail = vocdesk.MaskEmail(in.ContactEmail)
		if in.ContactEmail == "***" {
			in.ContactEmail = ""
		}
		in.ContactPhone = vocdesk.MaskPhone(in.ContactPhone)
	}
}

// findInquiries reads a list.
func (tx *Tx) findInquiries(ctx context.Context, a *vocdesk.Actor, q string, args []any) ([]*vocdesk.Inquiry, error) {
	var list []*vocdesk.Inquiry
	err := tx.eachRow(ctx, q, args, inquiryWidth, func(d fieldReader) error {
		in, err := decodeInquiry(d)
		if err != nil {
			return err
		}
		maskInquiry(a, in)
		list = append(list, in)
		return nil
	})
	return list, err
}

// inquiryByID is the FROM and WHERE of a read of inquiry id (alias i) with
// its names, if actor a may see it; joins go between the two. It adds its
// conditions to c, after any c holds (placeholders of joins).
func inquiryByID(c *conds, a *vocdesk.Actor, id int64, joins string) string {
	c.add("i.id = ?", id)
	scopeInquiries(c, a, "i")
	return ` FROM inquiries i` + inquiryJoins + joins + c.where()
}

// inquiryFor reads one inquiry the actor may see, or ENOTFOUND. In a write
// transaction on PostgreSQL it locks the row, so concurrent replies to one
// inquiry apply one after the other (SQLite's writer is single already).
func (tx *Tx) inquiryFor(ctx context.Context, a *vocdesk.Actor, id int64, lock bool) (*vocdesk.Inquiry, error) {
	var c conds
	q := inquiryCols(tx.dialect) + inquiryByID(&c, a, id, "")
	if lock && tx.dialect == dialectPostgres {
		q += " FOR UPDATE OF i"
	}
	in, err := scanInquiry(tx.dialect, tx.queryRow(ctx, q, c.args...))
	if err == sql.ErrNoRows {
		return nil, vocdesk.NotFound("inquiry")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find inquiry: %w", err)
	}
	return in, nil
}
