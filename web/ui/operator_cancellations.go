package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// queueItem is one request in the operator's queue with what the decision
// needs: the purchase and the customer's other refunds.
type queueItem struct {
	*refundView
	Purchase  *vocdesk.Purchase  // nil if it cannot be found
	Refunded  vocdesk.Money      // of the purchase so far
	History   []*refundView      // the customer's other requests, newest first
	Developer *vocdesk.Developer // whose app it is; nil if it cannot be found
	Customer  *vocdesk.Customer  // who paid; nil if it cannot be found
}

type operatorCancellationsData struct {
	Pending []*queueItem
	Others  []*queueItem // failed first, then the rest, newest first
}

// operatorCancellations is the store's queue of cancellation requests:
// pending first, then failed (to retry), then the rest.
func (h *handler) operatorCancellations(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := stateFrom(r).lang
	pending, err := h.refundsOf(ctx, lang, vocdesk.CancellationFilter{Status: vocdesk.CancellationPending, Limit: 100})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	all, err := h.refundsOf(ctx, lang, vocdesk.CancellationFilter{Limit: 100})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The queue names the developer and the customer, not only the app's
	// slug: who asks the store to refund whom is what a decision weighs.
	devs, err := h.svc.Developers.FindDevelopers(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	devByID := make(map[int64]*vocdesk.Developer, len(devs))
	for _, dv := range devs {
		devByID[dv.ID] = dv
	}
	d := &operatorCancellationsData{}
	// Pending items are listed oldest first: first come, first decided.
	for i := len(pending) - 1; i >= 0; i-- {
		it := &queueItem{refundView: pending[i], Developer: devByID[pending[i].DeveloperID]}
		if c, err := h.svc.Customers.FindCustomerByID(ctx, it.CustomerID); err == nil {
			it.Customer = maskFor(vocdesk.ActorFromContext(ctx), c)
		} else if vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			h.fail(w, r, err)
			return
		}
		if p, err := h.svc.Purchases.FindPurchaseByTxID(ctx, it.TxID); err == nil {
			it.Purchase, it.Refunded = p, vocdesk.Money{Amount: p.Refunded, Currency: p.Currency}
		} else if vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			h.fail(w, r, err)
			return
		}
		hist, err := h.refundsOf(ctx, lang, vocdesk.CancellationFilter{CustomerID: it.CustomerID, Limit: 20})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, o := range hist {
			if o.ID != it.ID {
				it.History = append(it.History, o)
			}
		}
		d.Pending = append(d.Pending, it)
	}
	var failed, rest []*queueItem
	for _, v := range all {
		switch v.Status {
		case vocdesk.CancellationPending:
		case vocdesk.CancellationFailed:
			failed = append(failed, &queueItem{refundView: v, Developer: devByID[v.DeveloperID]})
		default:
			rest = append(rest, &queueItem{refundView: v, Developer: devByID[v.DeveloperID]})
		}
	}
	d.Others = append(failed, rest...)
	h.render(w, r, http.StatusOK, viewOperatorCancellations, "refund.queue", d)
}

// operatorCancellationDecide approves, rejects (with a reason) or retries
// one request, then returns to the queue.
func (h *handler) operatorCancellationDecide(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	svc := h.svc.Cancellations
	switch r.PathValue("action") {
	case "approve":
		_, err = svc.ApproveCancellation(ctx, id)
	case "reject":
		reason := strings.TrimSpace(r.PostForm.Get("reason"))
		if reason == "" {
			h.renderError(w, r, http.StatusBadRequest, "refund.err.reject_reason")
			return
		}
		_, err = svc.RejectCancellation(ctx, id, reason)
	case "retry":
		_, err = svc.RetryCancellation(ctx, id)
	default:
		h.notFound(w, r)
		return
	}
	// A decision another operator made first (or a double click) leaves
	// the request where the queue will show it: not an error to show.
	fl := flash{Key: "flash.refund_" + r.PathValue("action"), Args: []string{strconv.FormatInt(id, 10)}}
	switch vocdesk.ErrorCode(err) {
	case "":
	case vocdesk.EUNPROCESSABLE, vocdesk.ECONFLICT:
		fl = flash{Kind: "info", Key: "flash.refund_decided_before", Args: fl.Args}
	default:
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/operator/cancellations#c"+strconv.FormatInt(id, 10), fl)
}
