package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// maxAnyID bounds GET /purchases?q=: the longest id it can match is an
// email address (254 characters).
const maxAnyID = 254

// purchaseHitJSON is a purchase found by the any-id search, with the
// customer who made it: the person on the phone is usually who the search
// is about. Contacts are as the service gives them, masked for roles that
// may not see them.
type purchaseHitJSON struct {
	purchaseJSON
	Customer *purchaseCustomerJSON `json:"customer"`
}

type purchaseCustomerJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// writeAnyIDHits answers GET /purchases?q=: the purchases, each with its
// customer, looked up once per customer on the page.
func (s *Server) writeAnyIDHits(w http.ResponseWriter, r *http.Request, f vocdesk.PurchaseFilter) error {
	ctx := r.Context()
	ps, next, err := s.svc.Purchases.FindPurchases(ctx, f)
	if err != nil {
		return err
	}
	customers := map[int64]*purchaseCustomerJSON{}
	for _, p := range ps {
		if _, seen := customers[p.CustomerID]; seen {
			continue
		}
		c, err := s.svc.Customers.FindCustomerByID(ctx, p.CustomerID)
		switch {
		case err == nil:
			customers[p.CustomerID] = &purchaseCustomerJSON{ID: c.ID, Name: c.Name, Email: c.Email, Phone: c.Phone}
		case vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND:
			customers[p.CustomerID] = nil
		default:
			return err
		}
	}
	writeJSON(w, http.StatusOK, newList(ps, next, func(p *vocdesk.Purchase) purchaseHitJSON {
		return purchaseHitJSON{purchaseJSON: newPurchaseJSON(p), Customer: customers[p.CustomerID]}
	}))
	return nil
}
