package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
)

// CancellationService implements vocdesk.CancellationService.
type CancellationService struct {
	db *DB
	// KeyLease is how long a claimed idempotency key counts as "still being
	// processed" before a repeat may take it over (the claimant crashed).
	// It must be well above the time a request takes; 0 means 10 seconds.
	KeyLease time.Duration
}

// NewCancellationService returns the cancellation service on db.
func NewCancellationService(db *DB) *CancellationService { return &CancellationService{db: db} }

var _ vocdesk.CancellationService = (*CancellationService)(nil)

func (s *CancellationService) keyLease() time.Duration {
	if s.KeyLease <= 0 {
		return 10 * time.Second
	}
	return s.KeyLease
}

// RequestCancellation implements vocdesk.CancellationService.
func (s *CancellationService) RequestCancellation(ctx context.Context, in *vocdesk.CancellationInput) (*vocdesk.CancellationRequest, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var scope int64
	switch {
	case a.IsDeveloper():
		in.Source, scope = vocdesk.SourceDeveloper, a.DeveloperID
	case a.IsOperator():
		if in.Source == "" {
			in.Source = vocdesk.SourceOperator
		}
		if in.Source != vocdesk.SourceOperator && in.Source != vocdesk.SourceChargeback {
			return nil, vocdesk.Errorf(vocdesk.EINVALID, "source must be operator or chargeback")
		}
	default:
		return nil, errNotFound
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	// Who may ask about this purchase is checked before the key is
	// claimed: a request the caller may not make leaves no trace.
	if err := s.checkAccess(ctx, a, in.TxID); err != nil {
		return nil, err
	}
	fp := fingerprint(in)
	for range 3 {
		cl, st, err := s.claimKey(ctx, scope, in.IdempotencyKey, fp)
		if err != nil {
			return nil, err
		}
		if st != nil {
			return st.req, st.err
		}
		req, err := s.create(ctx, a, in, cl)
		if errors.Is(err, errTakenOver) {
			continue // answer as a repeat would: the taker's answer, or 409
		}
		return req, err
	}
	return nil, vocdesk.Errorf(vocdesk.EINPROGRESS, "a request with this Idempotency-Key is still being processed; retry later")
}

// checkAccess answers 404 for a purchase the actor may not see and 403 for
// a developer member below agent.
func (s *CancellationService) checkAccess(ctx context.Context, a *vocdesk.Actor, txid string) error {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	p, err := tx.purchaseInScope(ctx, a, txid, false)
	if err != nil {
		return err
	}
	return canManage(a, p.DeveloperID, vocdesk.RoleAgent)
}

// purchaseInScope reads a purchase the actor may see; lock takes its row
// lock on PostgreSQL, which is what serialises every change of the
// purchase's money (on SQLite the single writer does).
func (tx *Tx) purchaseInScope(ctx context.Context, a *vocdesk.Actor, txid string, lock bool) (*vocdesk.Purchase, error) {
	var c conds
	c.add("p.txid = ?", txid)
	scopePurchases(&c, a, "p")
	q := purchaseSelect(tx.dialect) + c.where()
	if lock {
		q += tx.forUpdate("p")
	}
	p, err := scanPurchase(tx.dialect, tx.queryRow(ctx, q, c.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("purchase")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: purchase: %w", err)
	}
	return p, nil
}

// lockCancellation reads request id and its purchase with the purchase's
// lock held, and reads the request again under it: every change of a
// request takes that lock first, so the second read is current.
func (tx *Tx) lockCancellation(ctx context.Context, a *vocdesk.Actor, id int64) (*vocdesk.CancellationRequest, *vocdesk.Purchase, error) {
	r, err := tx.cancellationByID(ctx, a, id, false)
	if err != nil {
		return nil, nil, err
	}
	p, err := tx.lockPurchaseByID(ctx, r.PurchaseID)
	if err != nil {
		return nil, nil, err
	}
	if r, err = tx.cancellationByID(ctx, a, id, true); err != nil {
		return nil, nil, err
	}
	return r, p, nil
}

// lockPurchaseByID reads and, on PostgreSQL, locks a purchase for the system.
func (tx *Tx) lockPurchaseByID(ctx context.Context, id int64) (*vocdesk.Purchase, error) {
	p, err := scanPurchase(tx.dialect, tx.queryRow(ctx, purchaseSelect(tx.dialect)+` WHERE p.id = $1`+tx.forUpdate("p"), id))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: purchase %d: %w", id, err)
	}
	return p, nil
}

// reserved sums what open requests of a purchase hold, but for one.
func (tx *Tx) reserved(ctx context.Context, purchaseID, except int64) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM cancellation_requests
		WHERE purchase_id = $1 AND status IN ('pending', 'approved', 'processing') AND id <> $2`, purchaseID, except).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: reserved amount: %w", err)
	}
	return n, nil
}

// available checks amount against what is left of p to refund (paid minus
// refunded minus reserved by open requests other than except) and returns
// the amount to reserve: all that is left when amount is 0.
func (tx *Tx) available(ctx context.Context, p *vocdesk.Purchase, amount, except int64) (int64, error) {
	res, err := tx.reserved(ctx, p.ID, except)
	if err != nil {
		return 0, err
	}
	left := p.Amount - p.Refunded - res
	switch {
	case left <= 0:
		return 0, vocdesk.Errorf(vocdesk.EUNPROCESSABLE, "nothing is left to refund of %s (refunded %s, requested %s)",
			p.Money(), vocdesk.Money{Amount: p.Refunded, Currency: p.Currency}, vocdesk.Money{Amount: res, Currency: p.Currency})
	case amount == 0:
		return left, nil
	case amount > left:
		return 0, vocdesk.Errorf(vocdesk.EUNPROCESSABLE, "%s is more than is left to refund (%s of %s)",
			vocdesk.Money{Amount: amount, Currency: p.Currency}, vocdesk.Money{Amount: left, Currency: p.Currency}, p.Money())
	}
	return amount, nil
}

// create is the work of a claimed key, in one transaction with the key's
// answer. A rule's error (too much, a bad inquiry) is the answer too.
// It opens its transaction itself rather than through inWrite: after an
// internal failure the transaction must be rolled back before releaseKey,
// which needs the write connection (on SQLite the only one).
func (s *CancellationService) create(ctx context.Context, a *vocdesk.Actor, in *vocdesk.CancellationInput, cl *claim) (*vocdesk.CancellationRequest, error) {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		s.releaseKey(cl)
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.fence(ctx, cl); err != nil {
		return nil, err
	}
	req, ruleErr, err := tx.insertCancellation(ctx, a, in)
	if err != nil {
		tx.Rollback()
		s.releaseKey(cl)
		return nil, err
	}
	if req != nil {
		// Replays and the first answer are rendered from the same snapshot.
		req = snapshotOf(req).request()
	}
	if err := tx.finishKey(ctx, cl, req, ruleErr); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return req, ruleErr
}

// insertCancellation reserves the amount under the purchase's lock and
// stores the request, approved at once when the policy or the actor says
// so. ruleErr is a 4xx answer to store with the key; err is internal.
func (tx *Tx) insertCancellation(ctx context.Context, a *vocdesk.Actor, in *vocdesk.CancellationInput) (req *vocdesk.CancellationRequest, ruleErr, err error) {
	p, err := tx.purchaseInScope(ctx, a, in.TxID, true)
	if err != nil {
		if vocdesk.ErrorCode(err) != vocdesk.EINTERNAL {
			return nil, err, nil
		}
		return nil, nil, err
	}
	if err := canManage(a, p.DeveloperID, vocdesk.RoleAgent); err != nil {
		return nil, err, nil
	}
	if in.InquiryID != 0 {
		if err := tx.checkInquiry(ctx, in.InquiryID, p); err != nil {
			if vocdesk.ErrorCode(err) != vocdesk.EINTERNAL {
				return nil, err, nil
			}
			return nil, nil, err
		}
	}
	amount, err := tx.available(ctx, p, in.Amount, 0)
	if err != nil {
		if vocdesk.ErrorCode(err) != vocdesk.EINTERNAL {
			return nil, err, nil
		}
		return nil, nil, err
	}
	policy, err := tx.refundPolicy(ctx)
	if err != nil {
		return nil, nil, err
	}
	d := policy.Decide(p, amount, tx.now)
	r := &vocdesk.CancellationRequest{
		PurchaseID: p.ID, TxID: p.TxID, TID: p.TID, DeveloperID: p.DeveloperID, AppSlug: p.AppSlug, CustomerID: p.CustomerID,
		Amount: amount, Currency: p.Currency, PurchaseAmount: p.Amount, PaymentMethod: p.Method,
		Reason: in.Reason, Note: in.Note, Status: vocdesk.CancellationPending, Source: in.Source,
		Method: d.Method, MethodNotice: d.Notice, InquiryID: in.InquiryID, CreatedAt: tx.now, UpdatedAt: tx.now,
	}
	// The store decides for its own operators and for chargebacks (the
	// money is already gone); developers' requests go through the policy.
	if in.Source != vocdesk.SourceDeveloper || d.AutoApprove {
		now := tx.now
		r.Status, r.DecidedAt, r.Execution = vocdesk.CancellationApproved, &now, 1
	}
	var inquiry any
	if r.InquiryID != 0 {
		inquiry = r.InquiryID
	}
	err = tx.queryRow(ctx, `INSERT INTO cancellation_requests
		(purchase_id, developer_id, customer_id, amount, currency, reason, note, status, source, refund_method, method_notice,
		 inquiry_id, execution, created_at, updated_at, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15) RETURNING id`,
		r.PurchaseID, r.DeveloperID, r.CustomerID, r.Amount, r.Currency, string(r.Reason), r.Note, string(r.Status),
		string(r.Source), string(r.Method), r.MethodNotice, inquiry, r.Execution, micros(tx.now), nullTime(r.DecidedAt)).Scan(&r.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: insert cancellation request: %w", err)
	}
	if err := tx.auditCancellation(ctx, a, "cancellation.requested", r, nil); err != nil {
		return nil, nil, err
	}
	if r.Source == vocdesk.SourceOperator && r.InquiryID != 0 {
		// The store cancelling on a customer's inquiry is its hand on the
		// developer; an operator's cancellation for billing's reasons is not.
		if err := tx.storeIntervened(ctx, r.DeveloperID, r.InquiryID, "cancel", r.ID); err != nil {
			return nil, nil, err
		}
	}
	if r.Status == vocdesk.CancellationApproved {
		if err := tx.enqueueRefund(ctx, r); err != nil {
			return nil, nil, err
		}
	}
	if err := tx.cancellationChanged(ctx, r, p, "requested"); err != nil {
		return nil, nil, err
	}
	return r, nil, nil
}

// checkInquiry accepts an inquiry of the purchase's developer, about this
// purchase or about none in particular.
func (tx *Tx) checkInquiry(ctx context.Context, id int64, p *vocdesk.Purchase) error {
	var dev int64
	var purchase sql.NullInt64
	err := tx.queryRow(ctx, `SELECT developer_id, purchase_id FROM inquiries WHERE id = $1`, id).Scan(&dev, &purchase)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (dev != p.DeveloperID || (purchase.Valid && purchase.Int64 != p.ID))) {
		return vocdesk.Errorf(vocdesk.EINVALID, "inquiry_id %d is not an inquiry about this purchase", id)
	} else if err != nil {
		return fmt.Errorf("sqlstore: inquiry for cancellation: %w", err)
	}
	return nil
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return micros(*t)
}
