package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// The store's hand: on an inquiry a developer left waiting, an operator
// answers the customer in the store's name and cancels the purchase on the
// store's initiative (approved at once; the developer is told by webhook
// and in the thread). Both count against the developer (the escalations
// page). The services carry the rules; these are the operator's forms.

// storeHandData is an operator's inquiry page's data before loading: the
// cancellation form's fresh idempotency key and reasons.
func storeHandData() *inquiryData {
	return &inquiryData{CancelKey: randomToken(), Reasons: cancelReasons()}
}

func (h *handler) storeAnswer(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	body := strings.TrimSpace(r.PostForm.Get("body"))
	m := &vocdesk.Message{Body: body}
	err := h.svc.Inquiries.AddMessage(r.Context(), id, m)
	if vocdesk.ErrorCode(err) == vocdesk.EINVALID {
		d := storeHandData()
		d.Draft, d.ErrorKey, d.ErrorFor = body, "store.err.answer", "reply"
		h.showInquiry(w, r, id, d, http.StatusUnprocessableEntity)
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/operator/inquiries/"+strconv.FormatInt(id, 10)+"#m"+strconv.FormatInt(m.ID, 10), http.StatusSeeOther)
}

// storeCancel cancels all that is left of the purchase the inquiry is
// about, as the store (source operator): approved at once.
func (h *handler) storeCancel(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok || h.svc.Cancellations == nil {
		h.notFound(w, r)
		return
	}
	pf := r.PostForm
	_, err := h.svc.Cancellations.RequestCancellation(r.Context(), &vocdesk.CancellationInput{
		TxID: pf.Get("txid"), Reason: vocdesk.CancellationReason(pf.Get("reason")), InquiryID: id,
		Source: vocdesk.SourceOperator, IdempotencyKey: pf.Get("key"),
	})
	switch vocdesk.ErrorCode(err) {
	case "", vocdesk.EINPROGRESS:
	case vocdesk.EUNPROCESSABLE, vocdesk.EINVALID, vocdesk.EKEYREUSED:
		d := storeHandData()
		d.ErrorKey, d.ErrorFor = "store.err.cancel", "cancel"
		if vocdesk.ErrorCode(err) == vocdesk.EUNPROCESSABLE {
			d.ErrorKey = "refund.err.too_much"
		}
		h.showInquiry(w, r, id, d, http.StatusUnprocessableEntity)
		return
	default:
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/operator/inquiries/"+strconv.FormatInt(id, 10)+"#refunds", http.StatusSeeOther)
}
