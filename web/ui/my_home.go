package ui

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

type myHomeData struct {
	Customer  *vocdesk.Customer
	Purchases []*vocdesk.Purchase
	More      bool
	// Unrated are resolved inquiries waiting for the customer's rating:
	// the survey's prompt on My Page.
	Unrated []*vocdesk.Inquiry
}

// myHome is My Page: the account and the latest purchases, with the way
// into the full Product/Payment History.
func (h *handler) myHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	c, err := h.svc.Customers.FindCustomerByID(ctx, a.CustomerID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ps, next, err := h.svc.Purchases.FindPurchases(ctx, vocdesk.PurchaseFilter{CustomerID: a.CustomerID, Limit: 5})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &myHomeData{Customer: c, Purchases: ps, More: next != ""}
	if h.svc.Surveys != nil {
		if d.Unrated, err = h.svc.Surveys.FindUnrated(ctx, 3); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusOK, viewMyHome, "my.title", d)
}
