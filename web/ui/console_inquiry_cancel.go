package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// refundChoices fills what the inquiry's cancellation panel offers: how
// much of the linked purchase is left to ask for (the button goes once
// nothing is), or, with no purchase linked, the customer's purchases that
// still have something left, to pick one from.
func (h *handler) refundChoices(ctx context.Context, d *inquiryData) error {
	if h.svc.Cancellations == nil {
		return nil
	}
	if p := d.Purchase; p != nil {
		rs, err := h.refundsOf(ctx, "", vocdesk.CancellationFilter{TxID: p.TxID})
		if err != nil {
			return err
		}
		d.PurchaseLeft = refundLeft(p, rs)
		return nil
	}
	for _, p := range d.Purchases {
		if p.Refunded < p.Amount {
			d.Refundable = append(d.Refundable, p)
		}
	}
	return nil
}

// consoleInquiryCancel is the panel's "pick a purchase" form: it opens the
// cancellation form of the chosen purchase for this inquiry. The inquiry
// must be the member's (another developer's answers like a missing one);
// the form page checks the purchase.
func (h *handler) consoleInquiryCancel(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	txid := r.URL.Query().Get("txid")
	if !ok || txid == "" {
		h.notFound(w, r)
		return
	}
	if _, err := h.svc.Inquiries.FindInquiryByID(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/purchases/"+url.PathEscape(txid)+"/cancel?inquiry="+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
