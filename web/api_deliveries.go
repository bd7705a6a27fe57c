package web

import (
	"net/http"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// reconciliation is the service behind the reconciliation routes; without
// it they answer like routes that do not exist.
func (s *Server) reconciliation() (vocdesk.ReconciliationService, error) {
	if s.svc.Reconciliation == nil {
		return nil, errNotFound
	}
	return s.svc.Reconciliation, nil
}

// serverDeliveryJSON is a delivery record as API clients see it.
type serverDeliveryJSON struct {
	ID          int64  `json:"id"`
	DeliveryID  string `json:"delivery_id"`
	TxID        string `json:"txid"`
	TID         string `json:"tid"`
	Amount      string `json:"amount"`
	Currency    string `json:"currency"`
	DeliveredAt string `json:"delivered_at"`
	Source      string `json:"source"`
	Note        string `json:"note"`
	CreatedBy   string `json:"created_by"`
	CreatedAt   string `json:"created_at"`
}

func newServerDeliveryJSON(d *vocdesk.Delivery) serverDeliveryJSON {
	return serverDeliveryJSON{ID: d.ID, DeliveryID: d.DeliveryID, TxID: d.TxID, TID: d.TID,
		Amount: vocdesk.FormatAmount(d.Amount, d.Currency), Currency: d.Currency, DeliveredAt: timeJSON(d.DeliveredAt),
		Source: string(d.Source), Note: d.Note, CreatedBy: d.CreatedBy, CreatedAt: timeJSON(d.CreatedAt)}
}

// pushDeliveriesRequest is the body of POST /deliveries.
type pushDeliveriesRequest struct {
	Deliveries []deliveryItem `json:"deliveries"`
}

type deliveryItem struct {
	DeliveryID  string `json:"delivery_id"`
	TxID        string `json:"txid"`
	TID         string `json:"tid"`
	Amount      string `json:"amount"`
	Currency    string `json:"currency"`
	DeliveredAt string `json:"delivered_at"`
}

// decodedDelivery is one item of a push: a delivery that passes Validate,
// or the reason it cannot be one. A bad item is rejected alone; the rest
// of the batch still counts, as a server that pushes a thousand records
// should not lose them to one typo.
type decodedDelivery struct {
	D   *vocdesk.Delivery
	Err error
}

// decodeDeliveries reads the body of POST /deliveries. The body as a whole
// must be valid JSON of the right shape (else one error); each item is
// checked on its own.
func decodeDeliveries(w http.ResponseWriter, r *http.Request) ([]decodedDelivery, error) {
	var req pushDeliveriesRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return nil, err
	}
	switch n := len(req.Deliveries); {
	case n == 0:
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "deliveries must hold at least one delivery")
	case n > vocdesk.MaxDeliveryBatch:
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "at most %d deliveries per push, not %d", vocdesk.MaxDeliveryBatch, n)
	}
	out := make([]decodedDelivery, len(req.Deliveries))
	for i, it := range req.Deliveries {
		out[i].D, out[i].Err = it.delivery()
	}
	return out, nil
}

func (it deliveryItem) delivery() (*vocdesk.Delivery, error) {
	if err := requireFields("tid", it.TID, "amount", it.Amount, "currency", it.Currency, "delivered_at", it.DeliveredAt); err != nil {
		return nil, err
	}
	amount, err := vocdesk.ParseAmount(it.Amount, it.Currency)
	if err != nil {
		return nil, err
	}
	at, err := parseTime("delivered_at", it.DeliveredAt)
	if err != nil {
		return nil, err
	}
	d := &vocdesk.Delivery{DeliveryID: strings.TrimSpace(it.DeliveryID), TxID: strings.TrimSpace(it.TxID), TID: strings.TrimSpace(it.TID),
		Amount: amount, Currency: it.Currency, DeliveredAt: at}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// deliveryResultJSON is one item's outcome, by its index in the push. It
// does not echo the item: the caller has it, and an answer that repeated a
// txid would look the same for any txid anyway.
type deliveryResultJSON struct {
	Index   int        `json:"index"`
	Outcome string     `json:"outcome"`
	Error   *errorBody `json:"error"`
}

type pushDeliveriesJSON struct {
	Results    []deliveryResultJSON `json:"results"`
	Created    int                  `json:"created"`
	Duplicates int                  `json:"duplicates"`
	Rejected   int                  `json:"rejected"`
}

// pushDeliveries is POST /deliveries: the developer's server reports what
// it delivered. The answer is 200 with an outcome per item, whatever they
// are: the batch was taken.
func (s *Server) pushDeliveries(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reconciliation()
	if err != nil {
		return err
	}
	items, err := decodeDeliveries(w, r)
	if err != nil {
		return err
	}
	var valid []*vocdesk.Delivery
	for _, it := range items {
		if it.Err == nil {
			valid = append(valid, it.D)
		}
	}
	var stored []vocdesk.DeliveryResult
	if len(valid) > 0 {
		if stored, err = svc.PushDeliveries(r.Context(), valid); err != nil {
			return err
		}
	}
	out := pushDeliveriesJSON{Results: make([]deliveryResultJSON, len(items))}
	next := 0
	for i, it := range items {
		res := vocdesk.DeliveryResult{Outcome: vocdesk.DeliveryRejected, Err: it.Err}
		if it.Err == nil {
			res, next = stored[next], next+1
		}
		rj := deliveryResultJSON{Index: i, Outcome: string(res.Outcome)}
		if res.Err != nil {
			rj.Error = &errorBody{Code: vocdesk.ErrorCode(res.Err), Message: vocdesk.ErrorMessage(res.Err)}
		}
		switch res.Outcome {
		case vocdesk.DeliveryCreated:
			out.Created++
		case vocdesk.DeliveryDuplicate:
			out.Duplicates++
		default:
			out.Rejected++
		}
		out.Results[i] = rj
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// listServerDeliveries is GET /deliveries?txid=&tid=: the caller's deliveries,
// newest recorded first.
func (s *Server) listServerDeliveries(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reconciliation()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := vocdesk.DeliveryFilter{TxID: q.Get("txid"), TID: q.Get("tid"), Cursor: q.Get("cursor")}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	ds, next, err := svc.FindDeliveries(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(ds, next, newServerDeliveryJSON))
	return nil
}

// markDeliveredRequest is the body of POST /purchases/{txid}/deliveries.
type markDeliveredRequest struct {
	Note string `json:"note"`
}

// markDelivered records a manual delivery of a purchase: the member handed
// the item over by hand and says how.
func (s *Server) markDelivered(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reconciliation()
	if err != nil {
		return err
	}
	// Another tenant's purchase is not found before the body is judged.
	if _, err := s.svc.Purchases.FindPurchaseByTxID(r.Context(), r.PathValue("txid")); err != nil {
		return err
	}
	var req markDeliveredRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	d, err := svc.MarkDelivered(r.Context(), r.PathValue("txid"), req.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newServerDeliveryJSON(d))
	return nil
}
