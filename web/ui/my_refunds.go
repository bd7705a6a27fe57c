package ui

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// myRefunds is the refund state of one of the customer's purchases, for
// the "my-refunds" partial of the purchase page.
type myRefunds struct {
	Requests  []*refundView
	Requested vocdesk.Money // what open requests hold
	Refunded  vocdesk.Money
}

// myRefundsOf loads the refund requests of p; nil when there are none (or
// refunds are not offered), so the page shows nothing.
func (h *handler) myRefundsOf(r *http.Request, p *vocdesk.Purchase) (*myRefunds, error) {
	rs, err := h.refundsOf(r.Context(), stateFrom(r).lang, vocdesk.CancellationFilter{TxID: p.TxID})
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	d := &myRefunds{Requests: rs, Requested: vocdesk.Money{Currency: p.Currency}, Refunded: vocdesk.Money{Amount: p.Refunded, Currency: p.Currency}}
	for _, v := range rs {
		if v.Status.Reserves() {
			d.Requested.Amount += v.Amount
		}
	}
	return d, nil
}
