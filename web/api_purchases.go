package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// purchaseJSON is a purchase as every API client sees it. Amounts are
// decimal strings in major units of currency.
type purchaseJSON struct {
	TxID           string `json:"txid"`
	TID            string `json:"tid"`
	CustomerID     int64  `json:"customer_id"`
	Developer      string `json:"developer"`
	App            string `json:"app"`
	AppName        string `json:"app_name"`
	Item           string `json:"item"`
	ItemName       string `json:"item_name"`
	Amount         string `json:"amount"`
	RefundedAmount string `json:"refunded_amount"`
	Currency       string `json:"currency"`
	Method         string `json:"method"`
	Status         string `json:"status"`
	PaidAt         string `json:"paid_at"`
}

func newPurchaseJSON(p *vocdesk.Purchase) purchaseJSON {
	return purchaseJSON{
		TxID:           p.TxID,
		TID:            p.TID,
		CustomerID:     p.CustomerID,
		Developer:      p.DeveloperSlug,
		App:            p.AppSlug,
		AppName:        p.AppName,
		Item:           p.ItemSKU,
		ItemName:       p.ItemName,
		Amount:         vocdesk.FormatAmount(p.Amount, p.Currency),
		RefundedAmount: vocdesk.FormatAmount(p.Refunded, p.Currency),
		Currency:       p.Currency,
		Method:         string(p.Method),
		Status:         string(p.Status),
		PaidAt:         timeJSON(p.PaidAt),
	}
}

// createPurchaseRequest is what the billing system sends. The amount is a
// string: a JSON number would pass through float64 in many clients.
type createPurchaseRequest struct {
	TxID       string `json:"txid"`
	TID        string `json:"tid"`
	CustomerID int64  `json:"customer_id"`
	App        string `json:"app"`
	Item       string `json:"item"`
	Amount     string `json:"amount"`
	Currency   string `json:"currency"`
	Method     string `json:"method"`
	PaidAt     string `json:"paid_at"`
}

// decodePurchase reads the body of POST /purchases. It either returns a
// purchase that passes Validate or an error with a 4xx code; the fuzz test
// holds it to that.
func decodePurchase(w http.ResponseWriter, r *http.Request) (*vocdesk.Purchase, error) {
	var req createPurchaseRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return nil, err
	}
	if err := requireFields("txid", req.TxID, "tid", req.TID, "app", req.App,
		"amount", req.Amount, "currency", req.Currency, "method", req.Method, "paid_at", req.PaidAt); err != nil {
		return nil, err
	}
	if req.CustomerID <= 0 {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "customer_id is required")
	}
	amount, err := vocdesk.ParsePositiveAmount(req.Amount, req.Currency)
	if err != nil {
		return nil, err
	}
	paidAt, err := parseTime("paid_at", req.PaidAt)
	if err != nil {
		return nil, err
	}
	p := &vocdesk.Purchase{
		TxID:       req.TxID,
		TID:        req.TID,
		CustomerID: req.CustomerID,
		AppSlug:    req.App,
		ItemSKU:    req.Item,
		Amount:     amount,
		Currency:   req.Currency,
		Method:     vocdesk.Method(req.Method),
		PaidAt:     paidAt,
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// createPurchase records a purchase from billing. It is idempotent on txid:
// the same order again answers 200 with the same body as the first 201.
func (s *Server) createPurchase(w http.ResponseWriter, r *http.Request) error {
	p, err := decodePurchase(w, r)
	if err != nil {
		return err
	}
	created, err := s.svc.Purchases.RecordPurchase(r.Context(), p)
	if err != nil {
		return err
	}
	// RecordPurchase filled p in as stored (the new row, or on a replay the
	// stored one), so the first answer and every repeat are byte for byte
	// the same without reading the row back.
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, newPurchaseJSON(p))
	return nil
}

// purchaseFilter reads the list filters shared by /purchases and
// /me/purchases; allowed names the query parameters the route accepts.
func purchaseFilter(r *http.Request, allowed ...string) (vocdesk.PurchaseFilter, error) {
	q := r.URL.Query()
	var f vocdesk.PurchaseFilter
	var err error
	for _, name := range allowed {
		v := q.Get(name)
		if v == "" {
			continue
		}
		switch name {
		case "q":
			if f.Q = strings.TrimSpace(v); len(f.Q) > maxAnyID {
				return f, vocdesk.Errorf(vocdesk.EINVALID, "q is at most %d characters", maxAnyID)
			}
		case "txid":
			f.TxID = v
		case "tid":
			f.TID = v
		case "app":
			f.AppSlug = v
		case "customer_id":
			if f.CustomerID, err = strconv.ParseInt(v, 10, 64); err != nil || f.CustomerID <= 0 {
				return f, vocdesk.Errorf(vocdesk.EINVALID, "customer_id must be a positive whole number")
			}
		case "from":
			if f.From, err = parseTime("from", v); err != nil {
				return f, err
			}
		case "to":
			if f.To, err = parseTime("to", v); err != nil {
				return f, err
			}
		}
	}
	f.Cursor = q.Get("cursor")
	if f.Limit, err = queryLimit(r); err != nil {
		return f, err
	}
	return f, nil
}

// listPurchases lists the purchases of the developer's apps (operators: all),
// newest paid first.
func (s *Server) listPurchases(w http.ResponseWriter, r *http.Request) error {
	f, err := purchaseFilter(r, "q", "txid", "tid", "customer_id", "app", "from", "to")
	if err != nil {
		return err
	}
	if f.Q != "" {
		return s.writeAnyIDHits(w, r, f)
	}
	return s.writePurchases(w, r, f)
}

func (s *Server) writePurchases(w http.ResponseWriter, r *http.Request, f vocdesk.PurchaseFilter) error {
	ps, next, err := s.svc.Purchases.FindPurchases(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(ps, next, newPurchaseJSON))
	return nil
}

func (s *Server) getPurchase(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Purchases.FindPurchaseByTxID(r.Context(), r.PathValue("txid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPurchaseJSON(p))
	return nil
}
