package web

import (
	"net/http"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// developersOnly is for routes that act on the caller's own developer
// organisation, which operators do not have.
var developersOnly = realms(vocdesk.RealmDeveloper)

// cancellationJSON is a cancellation request as API clients see it.
type cancellationJSON struct {
	ID              int64   `json:"id"`
	TxID            string  `json:"txid"`
	TID             string  `json:"tid"`
	App             string  `json:"app"`
	Amount          string  `json:"amount"`
	Currency        string  `json:"currency"`
	PurchaseAmount  string  `json:"purchase_amount"`
	Status          string  `json:"status"`
	Reason          string  `json:"reason"`
	Note            string  `json:"note"`
	Source          string  `json:"source"`
	RefundMethod    string  `json:"refund_method"`
	MethodNotice    string  `json:"method_notice"`
	RejectionReason string  `json:"rejection_reason"`
	FailureReason   string  `json:"failure_reason"`
	InquiryID       *int64  `json:"inquiry_id"`
	CreatedAt       string  `json:"created_at"`
	UpdatedAt       string  `json:"updated_at"`
	DecidedAt       *string `json:"decided_at"`
	RefundedAt      *string `json:"refunded_at"`
}

func newCancellationJSON(r *vocdesk.CancellationRequest) cancellationJSON {
	var inquiry *int64
	if r.InquiryID != 0 {
		id := r.InquiryID
		inquiry = &id
	}
	return cancellationJSON{
		ID: r.ID, TxID: r.TxID, TID: r.TID, App: r.AppSlug,
		Amount: vocdesk.FormatAmount(r.Amount, r.Currency), Currency: r.Currency,
		PurchaseAmount: vocdesk.FormatAmount(r.PurchaseAmount, r.Currency),
		Status:         string(r.Status), Reason: string(r.Reason), Note: r.Note, Source: string(r.Source),
		RefundMethod: string(r.Method), MethodNotice: r.MethodNotice,
		RejectionReason: r.RejectionReason, FailureReason: r.FailureReason, InquiryID: inquiry,
		CreatedAt: timeJSON(r.CreatedAt), UpdatedAt: timeJSON(r.UpdatedAt),
		DecidedAt: timePtrJSON(r.DecidedAt), RefundedAt: timePtrJSON(r.RefundedAt),
	}
}

// createCancellationRequest is the body of a cancellation request or a
// chargeback. The amount is a decimal string in the purchase's currency.
type createCancellationRequest struct {
	Amount    string `json:"amount"`
	Reason    string `json:"reason"`
	Note      string `json:"note"`
	InquiryID int64  `json:"inquiry_id"`
}

// cancellations is the service behind the refund routes; without it (an
// interface built without refunds) they answer like routes that do not
// exist.
func (s *Server) cancellations() (vocdesk.CancellationService, error) {
	if s.svc.Cancellations == nil {
		return nil, errNotFound
	}
	return s.svc.Cancellations, nil
}

// idempotencyKey reads the Idempotency-Key header. The draft makes it a
// structured-field string ("..."); a bare token is accepted too.
func idempotencyKey(r *http.Request) string {
	k := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if len(k) >= 2 && k[0] == '"' && k[len(k)-1] == '"' {
		k = k[1 : len(k)-1]
	}
	return k
}

// decodeCancellation reads a cancellation body for the purchase txid. The
// purchase is read first (in the caller's scope): a purchase the caller may
// not see is 404 whatever else is wrong, and an amount can only be parsed in
// the purchase's currency.
func (s *Server) decodeCancellation(w http.ResponseWriter, r *http.Request, source vocdesk.CancellationSource) (*vocdesk.CancellationInput, error) {
	in := &vocdesk.CancellationInput{TxID: r.PathValue("txid"), Source: source, IdempotencyKey: idempotencyKey(r)}
	// Another tenant's purchase is "not found" before anything else is said
	// about the request.
	p, err := s.svc.Purchases.FindPurchaseByTxID(r.Context(), in.TxID)
	if err != nil {
		return nil, err
	}
	if in.IdempotencyKey == "" {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "the Idempotency-Key header is required")
	}
	var req createCancellationRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return nil, err
	}
	if err := requireFields("reason", req.Reason); err != nil {
		return nil, err
	}
	in.Reason, in.Note, in.InquiryID = vocdesk.CancellationReason(req.Reason), req.Note, req.InquiryID
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if req.Amount != "" {
		if in.Amount, err = vocdesk.ParsePositiveAmount(req.Amount, p.Currency); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// createCancellation is POST /purchases/{txid}/cancellation-requests:
// developers ask for a refund, operators cancel on the store's behalf.
func (s *Server) createCancellation(w http.ResponseWriter, r *http.Request) error {
	source := vocdesk.SourceDeveloper
	if actorFrom(r).IsOperator() {
		source = vocdesk.SourceOperator
	}
	return s.requestCancellation(w, r, source)
}

// createChargeback is POST /purchases/{txid}/chargebacks: the card network
// took money back, and it goes the same way as any cancellation.
func (s *Server) createChargeback(w http.ResponseWriter, r *http.Request) error {
	return s.requestCancellation(w, r, vocdesk.SourceChargeback)
}

func (s *Server) requestCancellation(w http.ResponseWriter, r *http.Request, source vocdesk.CancellationSource) error {
	svc, err := s.cancellations()
	if err != nil {
		return err
	}
	in, err := s.decodeCancellation(w, r, source)
	if err != nil {
		return err
	}
	req, err := svc.RequestCancellation(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newCancellationJSON(req))
	return nil
}

// listCancellations lists the caller's requests (operators: all), newest
// first; ?status= makes the operators' queue.
func (s *Server) listCancellations(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cancellations()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := vocdesk.CancellationFilter{Status: vocdesk.CancellationStatus(q.Get("status")), TxID: q.Get("txid"), Cursor: q.Get("cursor")}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	list, next, err := svc.FindCancellations(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, newCancellationJSON))
	return nil
}

func (s *Server) getCancellation(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cancellations()
	if err != nil {
		return err
	}
	id, err := parseID("cancellation request", r.PathValue("id"))
	if err != nil {
		return err
	}
	req, err := svc.FindCancellationByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newCancellationJSON(req))
	return nil
}

// decideCancellation serves the operator's approve and retry.
func (s *Server) decideCancellation(decide func(svc vocdesk.CancellationService, r *http.Request, id int64) (*vocdesk.CancellationRequest, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		svc, err := s.cancellations()
		if err != nil {
			return err
		}
		id, err := parseID("cancellation request", r.PathValue("id"))
		if err != nil {
			return err
		}
		req, err := decide(svc, r, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, newCancellationJSON(req))
		return nil
	}
}

func (s *Server) approveCancellation(w http.ResponseWriter, r *http.Request) error {
	return s.decideCancellation(func(svc vocdesk.CancellationService, r *http.Request, id int64) (*vocdesk.CancellationRequest, error) {
		return svc.ApproveCancellation(r.Context(), id)
	})(w, r)
}

func (s *Server) retryCancellation(w http.ResponseWriter, r *http.Request) error {
	return s.decideCancellation(func(svc vocdesk.CancellationService, r *http.Request, id int64) (*vocdesk.CancellationRequest, error) {
		return svc.RetryCancellation(r.Context(), id)
	})(w, r)
}

// rejectCancellation takes {"reason"}, which the developer and the inquiry
// thread are shown.
func (s *Server) rejectCancellation(w http.ResponseWriter, r *http.Request) error {
	return s.decideCancellation(func(svc vocdesk.CancellationService, r *http.Request, id int64) (*vocdesk.CancellationRequest, error) {
		var body struct {
			Reason string `json:"reason"`
		}
		if err := decodeJSON(w, r, &body); err != nil {
			return nil, err
		}
		if err := requireFields("reason", body.Reason); err != nil {
			return nil, err
		}
		return svc.RejectCancellation(r.Context(), id, body.Reason)
	})(w, r)
}
