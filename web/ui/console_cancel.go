package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// cancelForm is "Send Purchase Cancellation Request" as typed.
type cancelForm struct {
	Amount    string // in major units, as typed
	Reason    string
	Note      string
	InquiryID int64
	// Key is the request's Idempotency-Key, one per rendered form, so a
	// double submit is one request.
	Key string
}

type consoleCancelData struct {
	Purchase *vocdesk.Purchase
	Refunds  []*refundView
	Left     vocdesk.Money
	CanSend  bool // agent or above, and something is left
	Form     *cancelForm
	Reasons  []vocdesk.CancellationReason
	ErrorKey string
	MaxNote  int
}

// consoleCancelForm is a purchase's cancellation requests and, for agents
// and above, the form to send one. ?inquiry=N sends it from an inquiry.
func (h *handler) consoleCancelForm(w http.ResponseWriter, r *http.Request) {
	f := &cancelForm{Reason: string(vocdesk.ReasonCustomerRequest)}
	f.InquiryID, _ = strconv.ParseInt(r.URL.Query().Get("inquiry"), 10, 64)
	h.showCancel(w, r, f, "", http.StatusOK)
}

// showCancel renders the page with f (kept after a refused post) and a
// fresh idempotency key: a corrected form is a new request.
func (h *handler) showCancel(w http.ResponseWriter, r *http.Request, f *cancelForm, errKey string, status int) {
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	p, err := h.svc.Purchases.FindPurchaseByTxID(ctx, r.PathValue("txid"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rs, err := h.refundsOf(ctx, stateFrom(r).lang, vocdesk.CancellationFilter{TxID: p.TxID})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	left := refundLeft(p, rs)
	if f.Amount == "" {
		f.Amount = majorUnits(left, p.Currency)
	}
	f.Key = randomToken()
	h.render(w, r, status, viewConsoleCancel, "refund.title", &consoleCancelData{
		Purchase: p,
		Refunds:  rs,
		Left:     vocdesk.Money{Amount: left, Currency: p.Currency},
		CanSend:  a.IsDeveloper() && a.Role.AtLeast(vocdesk.RoleAgent) && left > 0,
		Form:     f,
		Reasons:  cancelReasons(),
		ErrorKey: errKey,
		MaxNote:  vocdesk.MaxNote,
	})
}

// consoleCancelSubmit sends the request, then returns to the inquiry it
// came from or to the purchase's requests. A refused request shows the form
// again with what was typed and why.
func (h *handler) consoleCancelSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	txid := r.PathValue("txid")
	pf := r.PostForm
	f := &cancelForm{Amount: strings.TrimSpace(pf.Get("amount")), Reason: pf.Get("reason"), Note: pf.Get("note"), Key: pf.Get("key")}
	f.InquiryID, _ = strconv.ParseInt(pf.Get("inquiry_id"), 10, 64)

	p, err := h.svc.Purchases.FindPurchaseByTxID(ctx, txid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	amount, err := vocdesk.ParsePositiveAmount(f.Amount, p.Currency)
	if err != nil {
		h.showCancel(w, r, f, "refund.err.amount", http.StatusUnprocessableEntity)
		return
	}
	in := &vocdesk.CancellationInput{TxID: p.TxID, Amount: amount, Reason: vocdesk.CancellationReason(f.Reason),
		Note: strings.TrimSpace(f.Note), InquiryID: f.InquiryID, IdempotencyKey: f.Key}
	c, err := h.svc.Cancellations.RequestCancellation(ctx, in)
	switch vocdesk.ErrorCode(err) {
	case "", vocdesk.EINPROGRESS:
		// Sent, or a double submit whose first copy is still on its way:
		// either way the request is there (or about to be).
	case vocdesk.EUNPROCESSABLE:
		h.showCancel(w, r, f, "refund.err.too_much", http.StatusUnprocessableEntity)
		return
	case vocdesk.EINVALID, vocdesk.EKEYREUSED:
		h.showCancel(w, r, f, "refund.err.invalid", http.StatusUnprocessableEntity)
		return
	default:
		h.fail(w, r, err)
		return
	}
	// The answer is the page the request came from, with a flash saying
	// what happened to it; never the form again, filled with what is left,
	// which would invite a second refund.
	fl := flash{Key: "flash.refund_sent", Args: []string{vocdesk.Money{Amount: amount, Currency: p.Currency}.String()}}
	if c != nil && c.Status != vocdesk.CancellationPending {
		fl.Key = "flash.refund_sent_approved"
	}
	if f.InquiryID > 0 {
		h.redirect(w, r, "/console/inquiries/"+strconv.FormatInt(f.InquiryID, 10)+"#refunds", fl)
		return
	}
	h.redirect(w, r, "/console/purchases/"+url.PathEscape(p.TxID)+"#refunds", fl)
}
