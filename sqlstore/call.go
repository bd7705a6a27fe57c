package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// CallService implements vocdesk.CallService: the call centre's phone
// inquiries and the caller's consent to hand their payment ids to the
// developer (migration 00104).
type CallService struct {
	db        *DB
	purchases vocdesk.PurchaseService
}

// NewCallService returns the call centre on db.
func NewCallService(db *DB) *CallService {
	return &CallService{db: db, purchases: NewPurchaseService(db)}
}

var _ vocdesk.CallService = (*CallService)(nil)

// maxCallerPurchases bounds the purchases the call form offers: a page.
const maxCallerPurchases = 50

// FindCaller implements vocdesk.CallService. The customer is found by email
// (case ignored) or by the digits of their phone number, the any-id search's
// rules; their purchases are the any-id search for the same value.
func (s *CallService) FindCaller(ctx context.Context, caller string) (*vocdesk.Customer, []*vocdesk.Purchase, error) {
	a, err := operatorFrom(ctx)
	if err != nil {
		return nil, nil, err
	}
	caller = strings.TrimSpace(caller)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	c, err := tx.callerCustomer(ctx, caller)
	if err != nil {
		return nil, nil, err
	}
	tx.Rollback()
	list, _, err := s.purchases.FindPurchases(vocdesk.NewContextWithActor(ctx, a),
		vocdesk.PurchaseFilter{Q: caller, Limit: maxCallerPurchases})
	if err != nil {
		return nil, nil, err
	}
	// The any-id search also matches a TxID or a TID equal to what was
	// typed; the caller's are those of the customer found.
	mine := list[:0]
	for _, p := range list {
		if p.CustomerID == c.ID {
			mine = append(mine, p)
		}
	}
	return c.Masked(), mine, nil
}

// callerCustomer finds the customer with the caller's email or phone
// number; ENOTFOUND when there is none, or when a phone number is shared by
// more than one account (the agent asks for the email instead).
func (tx *Tx) callerCustomer(ctx context.Context, caller string) (*vocdesk.Customer, error) {
	q := `SELECT c.id, c.email, c.name, c.phone, c.locale, c.created_at FROM customers c WHERE `
	var args []any
	switch {
	case strings.Contains(caller, "@"):
		q += `c.email_key = $1`
		args = append(args, emailKey(caller))
	case vocdesk.AnyIDDigits(caller) != "":
		q += `c.phone <> '' AND ` + phoneDigitsSQL + ` = $1`
		args = append(args, vocdesk.AnyIDDigits(caller))
	default:
		return nil, vocdesk.NotFound("customer")
	}
	rows, err := tx.query(ctx, q+` ORDER BY c.id LIMIT 2`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: caller: %w", err)
	}
	defer rows.Close()
	var found []*vocdesk.Customer
	for rows.Next() {
		var c vocdesk.Customer
		var created int64
		if err := rows.Scan(&c.ID, &c.Email, &c.Name, &c.Phone, &c.Locale, &created); err != nil {
			return nil, fmt.Errorf("sqlstore: caller: %w", err)
		}
		c.CreatedAt = fromMicros(created)
		found = append(found, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: caller: %w", err)
	}
	if len(found) != 1 {
		return nil, vocdesk.NotFound("customer")
	}
	return found[0], nil
}

// LogCall implements vocdesk.CallService: the inquiry, its first message
// (the agent's summary) and the consent in one transaction. Without the
// caller's consent the inquiry is stored with withhold_ids set, which
// maskInquiry reads.
func (s *CallService) LogCall(ctx context.Context, call *vocdesk.Call) (*vocdesk.Inquiry, error) {
	a, err := operatorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := call.Validate(); err != nil {
		return nil, err
	}
	caller := strings.TrimSpace(call.Caller)
	in := &vocdesk.Inquiry{Channel: vocdesk.ChannelPhone, Category: call.Category, Subject: call.CallSubject(),
		AppSlug: strings.TrimSpace(call.AppSlug), TxID: strings.TrimSpace(call.TxID), WithholdIDs: !call.Consent}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	first := &vocdesk.Message{Body: call.Summary, Author: vocdesk.AuthorOperator}
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		c, err := tx.callerCustomer(ctx, caller)
		switch {
		case err == nil:
			in.CustomerID = c.ID
		case vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND:
			return err
		case in.TxID != "":
			// A purchase names its customer; a caller who is not that
			// customer is not handed it.
			return vocdesk.Errorf(vocdesk.EINVALID, "the caller is no store customer; leave txid empty").Because("call_not_customer")
		}
		if strings.Contains(caller, "@") {
			in.ContactEmail = caller
		} else {
			in.ContactPhone = caller
		}
		if err := tx.createInquiry(ctx, a, in, first, nil); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO inquiry_calls (inquiry_id, caller, consent, consent_at, operator_id, operator_name)
			VALUES ($1, $2, $3, $4, $5, $6)`, in.ID, clip(caller, 320), call.Consent, micros(tx.now), a.OperatorID, a.Name); err != nil {
			return fmt.Errorf("sqlstore: log call: %w", err)
		}
		return tx.auditInquiry(ctx, a, "inquiry.call_consent", in, nil, map[string]any{"consent": call.Consent})
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// FindConsent implements vocdesk.CallService.
func (s *CallService) FindConsent(ctx context.Context, inquiryID int64) (*vocdesk.CallConsent, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var c vocdesk.CallConsent
	var at int64
	err = tx.queryRow(ctx, `SELECT consent, consent_at, operator_id, operator_name FROM inquiry_calls WHERE inquiry_id = $1`, inquiryID).
		Scan(&c.Given, &at, &c.ByID, &c.ByName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("call")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: call consent: %w", err)
	}
	c.At = fromMicros(at)
	return &c, nil
}
