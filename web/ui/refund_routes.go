package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// The purchase cancellation views: the developer's request form, the
// operator's queue.
const (
	viewConsoleCancel         view = "console_cancel"
	viewOperatorCancellations view = "operator_cancellations"
)

// refundRoutes adds the purchase cancellation pages to mux. The pages answer
// 404 when the server runs without refunds (no CancellationService).
func (h *handler) refundRoutes(mux *pageMux) {
	on := h.svc.Cancellations != nil
	dev := func(fn http.HandlerFunc) http.Handler { return h.require(realmDeveloper, h.ifService(on, fn)) }
	op := func(fn http.HandlerFunc) http.Handler { return h.require(realmOperator, h.ifService(on, fn)) }

	mux.Handle("GET /console/purchases/{txid}/cancel", dev(h.consoleCancelForm))
	mux.Handle("POST /console/purchases/{txid}/cancel", dev(h.consoleCancelSubmit))
	mux.Handle("GET /console/inquiries/{id}/cancel", dev(h.consoleInquiryCancel))

	mux.Handle("GET /operator/cancellations", op(h.operatorCancellations))
	mux.Handle("POST /operator/cancellations/{id}/{action}", op(h.operatorCancellationDecide))
}

// ifService is fn when the service it needs is present, and the 404 page
// when the server runs without it (services are fixed at start).
func (h *handler) ifService(present bool, fn http.HandlerFunc) http.HandlerFunc {
	if !present {
		return h.notFound
	}
	return fn
}

// refundView is one cancellation request as the pages show it.
type refundView struct {
	*vocdesk.CancellationRequest
	Summary string // the customer's sentence, once refunded
}

// Requested is the amount asked for.
func (v *refundView) Requested() vocdesk.Money { return v.Money() }

// Paid is what the purchase cost.
func (v *refundView) Paid() vocdesk.Money {
	return vocdesk.Money{Amount: v.PurchaseAmount, Currency: v.Currency}
}

// BillingMonthClosed reports whether carrier billing's month had closed, so
// the refund went to store cash.
func (v *refundView) BillingMonthClosed() bool {
	return v.MethodNotice == vocdesk.NoticeBillingMonthClosed
}

// StoreCash reports whether the refund goes to store cash.
func (v *refundView) StoreCash() bool { return v.Method == vocdesk.RefundStoreCash }

// refundsOf lists the requests matching f, newest first, each with its
// summary in lang. A nil service lists nothing.
func (h *handler) refundsOf(ctx context.Context, lang string, f vocdesk.CancellationFilter) ([]*refundView, error) {
	if h.svc.Cancellations == nil {
		return nil, nil
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	rs, _, err := h.svc.Cancellations.FindCancellations(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]*refundView, 0, len(rs))
	for _, c := range rs {
		v := &refundView{CancellationRequest: c}
		if c.Status == vocdesk.CancellationRefunded {
			v.Summary = vocdesk.RefundSummary(lang, c, c.PurchaseAmount)
		}
		out = append(out, v)
	}
	return out, nil
}

// refundLeft is what may still be asked for: paid, less refunded and less
// what open requests hold.
func refundLeft(p *vocdesk.Purchase, rs []*refundView) int64 {
	left := p.Amount - p.Refunded
	for _, v := range rs {
		if v.Status.Reserves() {
			left -= v.Amount
		}
	}
	return max(left, 0)
}

// majorUnits writes minor units as the decimal a person types: 1200 KRW is
// "1200", 199 USD cents is "1.99".
func majorUnits(amount int64, currency string) string {
	exp, ok := vocdesk.CurrencyExponent(currency)
	if !ok || exp == 0 {
		return strconv.FormatInt(amount, 10)
	}
	s := strconv.FormatInt(amount, 10)
	if len(s) <= exp {
		s = strings.Repeat("0", exp-len(s)+1) + s
	}
	return s[:len(s)-exp] + "." + s[len(s)-exp:]
}

// cancelReasons lists the reasons in the order of the form.
func cancelReasons() []vocdesk.CancellationReason {
	return []vocdesk.CancellationReason{vocdesk.ReasonCustomerRequest, vocdesk.ReasonNotDelivered,
		vocdesk.ReasonDuplicatePurchase, vocdesk.ReasonDefective, vocdesk.ReasonFraud, vocdesk.ReasonOther}
}

// RefundedOf says how much of a purchase was refunded, for the history
// list: "1,000 KRW refunded".
func (t tr) RefundedOf(p *vocdesk.Purchase) string {
	return t.T("refund.refunded_n", vocdesk.Money{Amount: p.Refunded, Currency: p.Currency}.String())
}
