package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// InquiryService implements vocdesk.InquiryService: the desk's inquiries,
// threads and workflow, every call scoped by its actor (inquiry_scope.go).
type InquiryService struct{ db *DB }

// NewInquiryService returns the desk on db.
func NewInquiryService(db *DB) vocdesk.InquiryService { return &InquiryService{db: db} }

// purchaseRef is what an inquiry takes from the purchase it is about.
type purchaseRef struct {
	ID, CustomerID, DeveloperID, AppID int64
	AppSlug                            string
}

// CreateInquiry opens an inquiry with its first message, which is the
// customer's words whoever typed them in (the customer on My Page, a call
// centre agent, the mail intake). The inquiry's developer and app come from
// the purchase when a txid is given, else from the app.
func (s *InquiryService) CreateInquiry(ctx context.Context, in *vocdesk.Inquiry, first *vocdesk.Message) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	if in.Channel == "" && a.IsCustomer() {
		in.Channel = vocdesk.ChannelStore
	}
	if err := in.Validate(); err != nil {
		return err
	}
	if err := checkChannel(a, in.Channel); err != nil {
		return err
	}
	if first == nil {
		return vocdesk.Errorf(vocdesk.EINVALID, "body is required")
	}
	if err := vocdesk.ValidateBody(first.Body); err != nil {
		return err
	}
	files, err := checkAttachments(first.Attachments)
	if err != nil {
		return err
	}
	// A phone inquiry logged here records no consent of the caller, so the
	// developer gets it without the caller's ids (call.go); LogCall is the
	// call centre's way to record one.
	in.WithholdIDs = in.Channel == vocdesk.ChannelPhone
	err = s.db.inWrite(ctx, func(tx *Tx) error { return tx.createInquiry(ctx, a, in, first, files) })
	if err != nil {
		return err
	}
	maskInquiry(a, in)
	return nil
}

// createInquiry opens the inquiry in tx (CreateInquiry's checks done): the
// desk's one way to open one, shared with the mail intake's transaction.
func (tx *Tx) createInquiry(ctx context.Context, a *vocdesk.Actor, in *vocdesk.Inquiry, first *vocdesk.Message, files []*vocdesk.Attachment) error {
	if err := tx.resolveInquiry(ctx, a, in); err != nil {
		return err
	}
	if a.IsDeveloper() {
		if err := canWriteInquiry(a, in.DeveloperID); err != nil {
			return err
		}
	}

	in.Subject = strings.TrimSpace(in.Subject)
	in.Status, in.UnreadByDeveloper, in.UnreadByCustomer = vocdesk.InquiryNew, true, false
	in.CreatedAt, in.UpdatedAt, in.LastMessageAt = tx.now, tx.now, tx.now
	in.AssigneeID, in.Rating, in.RatingComment, in.Tags, in.Priority = 0, 0, "", nil, vocdesk.PriorityNormal
	in.FirstResponseAt, in.WaitingSince, in.DueAt, in.EscalatedAt = nil, nil, nil, nil
	// The customer's first message starts the SLA clock (startWait), and
	// the created event's rules apply before the row is written
	// (rule_created.go): the row goes in once, with its deadlines,
	// assignee, tags and priority, where updating it after cost a write of
	// the row and its indexes each. The count comes first, as it did when
	// the rules ran last: a rule's round-robin cursor is locked after it in
	// every transaction that takes both.
	dl, err := tx.beginWait(ctx, in)
	if err != nil {
		return err
	}
	if err := tx.countStatus(ctx, in.DeveloperID, vocdesk.InquiryNew); err != nil {
		return err
	}
	rules, err := tx.rulesBeforeInsert(ctx, in, first.Body)
	if err != nil {
		return err
	}
	tags, err := tagsJSON(in.Tags)
	if err != nil {
		return err
	}
	err = tx.queryRow(ctx, `INSERT INTO inquiries (developer_id, app_id, customer_id, contact_name, contact_email,
		contact_phone, purchase_id, purchase_txid, channel, category, subject, status, unread_by_customer, unread_by_developer,
		created_at, updated_at, last_message_at, withhold_ids, assignee_id, tags, priority,
		waiting_since, due_at, due_soon_at, escalate_at, wait_sort, due_sort)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'new', $12, $13, $14, $14, $14, $15,
		$16, $17, $18, $14, $19, $20, $21, $14, $19) RETURNING id`,
		in.DeveloperID, in.AppID, nullID(in.CustomerID), in.CustomerName, in.ContactEmail, in.ContactPhone,
		nullID(in.PurchaseID), in.TxID, string(in.Channel), string(in.Category), in.Subject, false, true,
		micros(tx.now), in.WithholdIDs, nullID(in.AssigneeID), tags, string(in.Priority),
		micros(*in.DueAt), micros(dl.DueSoonAt), micros(dl.EscalateAt)).Scan(&in.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: create inquiry: %w", err)
	}
	if err := tx.statsCreated(ctx, in); err != nil {
		return err
	}
	// An agent's summary of a call is the agent's words (LogCall asks so).
	agent := a.IsOperator() && first.Author == vocdesk.AuthorOperator
	first.InquiryID, first.Author, first.AuthorID, first.AuthorName = in.ID, vocdesk.AuthorCustomer, in.CustomerID, in.CustomerName
	if agent {
		first.Author, first.AuthorID, first.AuthorName = vocdesk.AuthorOperator, a.OperatorID, a.Name
	}
	first.Internal, first.CreatedAt = false, tx.now
	if err := tx.insertMessage(ctx, first, files); err != nil {
		return err
	}
	if err := tx.indexInquiry(ctx, in.ID); err != nil {
		return err
	}
	if err := tx.inquiryWebhook(ctx, eventInquiryCreated, in, first); err != nil {
		return err
	}
	// The creation's audit entry goes in with the rules' (afterInsert).
	return rules.afterInsert(ctx, tx, auditEntry{a, change{action: "inquiry.created", entity: "inquiry", entityID: in.ID,
		developerID: in.DeveloperID, after: createdView{
			Channel: in.Channel, Category: in.Category, AppID: in.AppID, CustomerID: in.CustomerID,
			PurchaseID: in.PurchaseID, Subject: in.Subject, Status: in.Status, MessageID: first.ID,
		}}})
}

// createdView is what the audit trail keeps of a new inquiry.
type createdView struct {
	Channel    vocdesk.Channel       `json:"channel"`
	Category   vocdesk.Category      `json:"category"`
	AppID      int64                 `json:"app_id"`
	CustomerID int64                 `json:"customer_id,omitempty"`
	PurchaseID int64                 `json:"purchase_id,omitempty"`
	Subject    string                `json:"subject"`
	Status     vocdesk.InquiryStatus `json:"status"`
	MessageID  int64                 `json:"message_id"`
}

// checkChannel applies the channel rules: customers ask on the store
// channel, operators and the intake log email, phone and social inquiries
// (or api ones), developers' integrations use api.
func checkChannel(a *vocdesk.Actor, ch vocdesk.Channel) error {
	switch {
	case a.IsCustomer() && ch != vocdesk.ChannelStore:
		return vocdesk.Errorf(vocdesk.EINVALID, "customers ask on the store channel")
	case a.IsDeveloper() && ch != vocdesk.ChannelAPI:
		return vocdesk.Errorf(vocdesk.EINVALID, "developers create inquiries on the api channel")
	case a.IsOperator() && ch == vocdesk.ChannelStore:
		return vocdesk.Errorf(vocdesk.EINVALID, "the store channel is the customer's own; use phone, social, email or api")
	}
	return nil
}

// resolveInquiry fills the inquiry's purchase, app, developer and customer
// from what the actor may see: a txid that is not the actor's answers like
// a missing one.
func (tx *Tx) resolveInquiry(ctx context.Context, a *vocdesk.Actor, in *vocdesk.Inquiry) error {
	if a.IsCustomer() {
		in.CustomerID = a.CustomerID
	}
	if in.TxID != "" {
		var c conds
		c.add("p.txid = ?", in.TxID)
		scopePurchases(&c, a, "p")
		var p purchaseRef
		err := tx.queryRow(ctx, `SELECT p.id, p.customer_id, p.developer_id, p.app_id, a.slug
			FROM purchases p JOIN apps a ON a.id = p.app_id`+c.where(), c.args...).
			Scan(&p.ID, &p.CustomerID, &p.DeveloperID, &p.AppID, &p.AppSlug)
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.NotFound("purchase")
		} else if err != nil {
			return fmt.Errorf("sqlstore: inquiry purchase: %w", err)
		}
		switch {
		case in.AppSlug != "" && in.AppSlug != p.AppSlug:
			return vocdesk.Errorf(vocdesk.EINVALID, "purchase %s is not of app %s", in.TxID, in.AppSlug)
		case in.CustomerID != 0 && in.CustomerID != p.CustomerID:
			return vocdesk.Errorf(vocdesk.EINVALID, "purchase %s is another customer's", in.TxID)
		}
		in.PurchaseID, in.CustomerID, in.DeveloperID, in.AppID, in.AppSlug = p.ID, p.CustomerID, p.DeveloperID, p.AppID, p.AppSlug
	} else {
		var c conds
		if in.AppID != 0 {
			c.add("a.id = ?", in.AppID)
		} else {
			c.add("a.slug = ?", in.AppSlug)
		}
		scopeApps(&c, a, "a")
		err := tx.queryRow(ctx, `SELECT a.id, a.slug, a.developer_id FROM apps a`+c.where(), c.args...).
			Scan(&in.AppID, &in.AppSlug, &in.DeveloperID)
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.NotFound("app")
		} else if err != nil {
			return fmt.Errorf("sqlstore: inquiry app: %w", err)
		}
		in.PurchaseID, in.TxID = 0, ""
	}
	if in.CustomerID != 0 {
		var cs conds
		cs.add("c.id = ?", in.CustomerID)
		scopeCustomers(&cs, a)
		var name, email, phone string
		err := tx.queryRow(ctx, `SELECT c.name, c.email, c.phone FROM customers c`+cs.where(), cs.args...).Scan(&name, &email, &phone)
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.NotFound("customer")
		} else if err != nil {
			return fmt.Errorf("sqlstore: inquiry customer: %w", err)
		}
		// The inquiry keeps who asked as the inbox shows it (migration
		// 00051): the store account's name, and the email and phone the
		// channel gave, else the account's.
		if name != "" {
			in.CustomerName = name
		}
		if in.ContactEmail == "" {
			in.ContactEmail = email
		}
		if in.ContactPhone == "" {
			in.ContactPhone = phone
		}
		return nil
	}
	if strings.TrimSpace(in.ContactEmail+in.ContactPhone+in.CustomerName) == "" {
		return vocdesk.Errorf(vocdesk.EINVALID, "customer_id or a contact (name, email or phone) is required")
	}
	return nil
}

// FindInquiryByID returns an inquiry the actor may see.
func (s *InquiryService) FindInquiryByID(ctx context.Context, id int64) (*vocdesk.Inquiry, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginReadGeneric(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	in, err := tx.inquiryFor(ctx, a, id, false)
	if err != nil {
		return nil, err
	}
	maskInquiry(a, in)
	return in, nil
}
