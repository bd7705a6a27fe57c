package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
)

// The Idempotency-Key draft, in two transactions so that "still being
// processed" is something a repeat can see (409) rather than wait on:
//
//  1. claimKey inserts the key in state processing with a fencing token and
//     a lease, and commits at once;
//  2. the work's transaction locks the key row, checks the token, does the
//     work and stores the answer (state done) before it commits.
//
// A crash between the two leaves a processing row and no work: once its
// lease runs out, the next repeat takes the key over with a new token and
// does the work. A claimant that was only slow finds its token gone and
// commits nothing, so the work is done once either way.

// claim is a key this call holds.
type claim struct {
	scope int64
	key   string
	token string
}

// stored is a finished key's answer: the request as first returned, or the
// error first returned.
type stored struct {
	req *vocdesk.CancellationRequest
	err error
}

// errTakenOver says the claim's lease ran out and another call took the key.
var errTakenOver = errors.New("sqlstore: idempotency key taken over")

// fingerprint identifies a request's parameters, so that a key reused with
// other parameters is told apart from a repeat.
func fingerprint(in *vocdesk.CancellationInput) string {
	h := sha256.New()
	for _, v := range []string{in.TxID, strconv.FormatInt(in.Amount, 10), string(in.Reason), in.Note,
		strconv.FormatInt(in.InquiryID, 10), string(in.Source)} {
		h.Write([]byte(v))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// claimKey claims (scope, key) for this call, or returns the stored answer
// of an earlier call, or EKEYREUSED / EINPROGRESS.
func (s *CancellationService) claimKey(ctx context.Context, scope int64, key, fp string) (*claim, *stored, error) {
	var (
		cl  *claim
		st  *stored
		out error
	)
	err := s.db.inWrite(ctx, func(tx *Tx) error {
		token := newToken()
		until := micros(tx.now.Add(s.keyLease()))
		var one int
		err := tx.queryRow(ctx, `INSERT INTO idempotency_keys
			(developer_id, idem_key, fingerprint, state, token, locked_until, created_at, updated_at)
			VALUES ($1, $2, $3, 'processing', $4, $5, $6, $6) ON CONFLICT DO NOTHING RETURNING 1`,
			scope, key, fp, token, until, micros(tx.now)).Scan(&one)
		if err == nil {
			cl = &claim{scope: scope, key: key, token: token}
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: claim idempotency key: %w", err)
		}
		var (
			storedFP, state, oldToken, code, msg, resp string
			locked                                     int64
		)
		err = tx.queryRow(ctx, `SELECT fingerprint, state, token, locked_until, error_code, error_message, response
			FROM idempotency_keys WHERE developer_id = $1 AND idem_key = $2`, scope, key).
			Scan(&storedFP, &state, &oldToken, &locked, &code, &msg, &resp)
		if err != nil {
			return fmt.Errorf("sqlstore: read idempotency key: %w", err)
		}
		switch {
		case storedFP != fp:
			out = vocdesk.Errorf(vocdesk.EKEYREUSED, "this Idempotency-Key was used with other parameters; use a new key for a new request")
		case state == "done":
			st, out = decodeStored(code, msg, resp)
		case locked > micros(tx.now):
			out = vocdesk.Errorf(vocdesk.EINPROGRESS, "a request with this Idempotency-Key is still being processed; retry later")
		default:
			// The claimant's lease ran out (it crashed, or is very slow):
			// take the key over. The token fences the old claimant off.
			res, err := tx.exec(ctx, `UPDATE idempotency_keys SET token = $3, locked_until = $4, updated_at = $5
				WHERE developer_id = $1 AND idem_key = $2 AND token = $6 AND state = 'processing'`,
				scope, key, token, until, micros(tx.now), oldToken)
			if err != nil {
				return fmt.Errorf("sqlstore: take over idempotency key: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				out = vocdesk.Errorf(vocdesk.EINPROGRESS, "a request with this Idempotency-Key is still being processed; retry later")
				return nil
			}
			cl = &claim{scope: scope, key: key, token: token}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if out != nil && st == nil {
		return nil, nil, out
	}
	return cl, st, nil
}

// fence locks the claimed key row for the work's transaction and checks
// that the claim still holds.
func (tx *Tx) fence(ctx context.Context, cl *claim) error {
	var token, state string
	err := tx.queryRow(ctx, `SELECT token, state FROM idempotency_keys WHERE developer_id = $1 AND idem_key = $2`+tx.forUpdate(""),
		cl.scope, cl.key).Scan(&token, &state)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (token != cl.token || state != "processing")) {
		return errTakenOver
	} else if err != nil {
		return fmt.Errorf("sqlstore: fence idempotency key: %w", err)
	}
	return nil
}

// finishKey stores the answer to replay, in the work's transaction: the
// request as created, or a rule's error.
func (tx *Tx) finishKey(ctx context.Context, cl *claim, req *vocdesk.CancellationRequest, ruleErr error) error {
	var (
		reqID         any
		code, msg, rs string
	)
	if req != nil {
		b, err := json.Marshal(snapshotOf(req))
		if err != nil {
			return fmt.Errorf("sqlstore: idempotency snapshot: %w", err)
		}
		reqID, rs = req.ID, string(b)
	} else {
		code, msg = vocdesk.ErrorCode(ruleErr), vocdesk.ErrorMessage(ruleErr)
	}
	_, err := tx.exec(ctx, `UPDATE idempotency_keys SET state = 'done', request_id = $3, error_code = $4, error_message = $5,
		response = $6, updated_at = $7 WHERE developer_id = $1 AND idem_key = $2`,
		cl.scope, cl.key, reqID, code, msg, rs, micros(tx.now))
	if err != nil {
		return fmt.Errorf("sqlstore: finish idempotency key: %w", err)
	}
	return nil
}

// releaseKey gives a claim up after an internal failure, so a retry need
// not wait for the lease. It is best effort: if it fails, the lease runs out.
func (s *CancellationService) releaseKey(cl *claim) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.db.inWrite(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM idempotency_keys WHERE developer_id = $1 AND idem_key = $2 AND token = $3 AND state = 'processing'`,
			cl.scope, cl.key, cl.token)
		return err
	})
}

func decodeStored(code, msg, resp string) (*stored, error) {
	if code != "" {
		return &stored{err: vocdesk.Errorf(code, "%s", msg)}, nil
	}
	var snap requestSnapshot
	if err := json.Unmarshal([]byte(resp), &snap); err != nil {
		return nil, fmt.Errorf("sqlstore: idempotency snapshot: %w", err)
	}
	return &stored{req: snap.request()}, nil
}

// requestSnapshot is a request frozen as it was first returned. The first
// answer is rendered from a decoded snapshot too, so that the first answer
// and every replay are byte for byte the same.
type requestSnapshot struct {
	ID              int64      `json:"id"`
	PurchaseID      int64      `json:"purchase_id"`
	TxID            string     `json:"txid"`
	TID             string     `json:"tid"`
	DeveloperID     int64      `json:"developer_id"`
	AppSlug         string     `json:"app"`
	CustomerID      int64      `json:"customer_id"`
	Amount          int64      `json:"amount"`
	Currency        string     `json:"currency"`
	PurchaseAmount  int64      `json:"purchase_amount"`
	PaymentMethod   string     `json:"payment_method"`
	Reason          string     `json:"reason"`
	Note            string     `json:"note"`
	Status          string     `json:"status"`
	Source          string     `json:"source"`
	Method          string     `json:"refund_method"`
	MethodNotice    string     `json:"method_notice"`
	RejectionReason string     `json:"rejection_reason"`
	FailureReason   string     `json:"failure_reason"`
	InquiryID       int64      `json:"inquiry_id"`
	Execution       int        `json:"execution"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	DecidedAt       *time.Time `json:"decided_at"`
	RefundedAt      *time.Time `json:"refunded_at"`
}

func snapshotOf(r *vocdesk.CancellationRequest) requestSnapshot {
	return requestSnapshot{r.ID, r.PurchaseID, r.TxID, r.TID, r.DeveloperID, r.AppSlug, r.CustomerID, r.Amount, r.Currency,
		r.PurchaseAmount, string(r.PaymentMethod), string(r.Reason), r.Note, string(r.Status), string(r.Source), string(r.Method),
		r.MethodNotice, r.RejectionReason, r.FailureReason, r.InquiryID, r.Execution, r.CreatedAt, r.UpdatedAt, r.DecidedAt, r.RefundedAt}
}

func (s requestSnapshot) request() *vocdesk.CancellationRequest {
	utc := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.UTC()
		return &u
	}
	return &vocdesk.CancellationRequest{ID: s.ID, PurchaseID: s.PurchaseID, TxID: s.TxID, TID: s.TID, DeveloperID: s.DeveloperID,
		AppSlug: s.AppSlug, CustomerID: s.CustomerID, Amount: s.Amount, Currency: s.Currency, PurchaseAmount: s.PurchaseAmount,
		PaymentMethod: vocdesk.Method(s.PaymentMethod), Reason: vocdesk.CancellationReason(s.Reason), Note: s.Note,
		Status: vocdesk.CancellationStatus(s.Status), Source: vocdesk.CancellationSource(s.Source), Method: vocdesk.RefundMethod(s.Method),
		MethodNotice: s.MethodNotice, RejectionReason: s.RejectionReason, FailureReason: s.FailureReason, InquiryID: s.InquiryID,
		Execution: s.Execution, CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC(), DecidedAt: utc(s.DecidedAt), RefundedAt: utc(s.RefundedAt)}
}
