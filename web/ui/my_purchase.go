package ui

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

type myPurchaseData struct {
	Purchase *vocdesk.Purchase
	Refunds  *myRefunds
	Refunded vocdesk.Money
	Ask      *askData // the form to ask about this purchase
	Review   *myReviewData
}

// myPurchase is one purchase of the signed-in customer: "See Details of
// Payment History". Someone else's TxID answers exactly like an unknown one.
func (h *handler) myPurchase(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	p, err := h.svc.Purchases.FindPurchaseByTxID(ctx, r.PathValue("txid"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The service scopes purchases to the customer already; checking again
	// here costs nothing and keeps a scoping bug from showing a stranger's
	// purchase.
	if p.CustomerID != a.CustomerID {
		h.notFound(w, r)
		return
	}
	refunds, err := h.myRefundsOf(r, p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var review *myReviewData
	if h.svc.Reviews != nil {
		if review, err = h.myReviewOf(r, p.AppSlug, p.TxID); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusOK, viewMyPurchase, "purchase.title", &myPurchaseData{
		Review:   review,
		Purchase: p,
		Refunds:  refunds,
		Refunded: vocdesk.Money{Amount: p.Refunded, Currency: p.Currency},
		Ask:      &askData{Form: &askForm{TxID: p.TxID, Category: string(vocdesk.CategoryRefund)}, Purchase: p, Limits: limits()},
	})
}
