package ui

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// evidenceData is what the "recon_evidence" partial renders: a purchase's
// reconciliation state and the actions on it. Pages that show a purchase
// (this one, and the desk's inquiry page) fill it with reconEvidence.
type evidenceData struct {
	State    *vocdesk.PurchaseReconState
	CanMark  bool   // the member may mark it delivered (agent or above)
	MarkNext string // where marking delivered returns to
	// RefundURL and ReplyURL are the refund and reply actions where a page
	// offers them; empty hides them.
	RefundURL string
	ReplyURL  string
}

// reconEvidence builds the evidence of one purchase for the signed-in
// member, or nil when reconciliation is not offered.
func (h *handler) reconEvidence(ctx context.Context, txid, next string) (*evidenceData, error) {
	svc := h.svc.Reconciliation
	if svc == nil {
		return nil, nil
	}
	st, err := svc.PurchaseState(ctx, txid)
	if err != nil {
		return nil, err
	}
	a := vocdesk.ActorFromContext(ctx)
	return &evidenceData{State: st, CanMark: a.IsDeveloper() && a.Role.AtLeast(vocdesk.RoleAgent), MarkNext: next}, nil
}

type consolePurchaseData struct {
	Purchase  *vocdesk.Purchase
	Customer  *vocdesk.Customer
	Evidence  *evidenceData
	Inquiries []*vocdesk.Inquiry
	// Refunds are the purchase's cancellation requests, newest first, and
	// Left what may still be asked for; nil Refunds with Cancels false when
	// the server runs without refunds.
	Refunds []*refundView
	Left    vocdesk.Money
	Cancels bool // the server offers cancellations
	CanSend bool // agent or above, and something is left to ask for
}

// consolePurchase is one purchase in the console: its payment, the
// customer, the inquiries about it, and the reconciliation evidence with
// "mark delivered". Exceptions of a report link here.
func (h *handler) consolePurchase(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	txid := r.PathValue("txid")
	p, err := h.svc.Purchases.FindPurchaseByTxID(ctx, txid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &consolePurchaseData{Purchase: p}
	if c, err := h.svc.Customers.FindCustomerByID(ctx, p.CustomerID); err == nil {
		d.Customer = maskFor(a, c)
	} else if vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
		h.fail(w, r, err)
		return
	}
	if d.Evidence, err = h.reconEvidence(ctx, txid, "/console/purchases/"+url.PathEscape(txid)); err != nil {
		h.fail(w, r, err)
		return
	}
	if h.svc.Inquiries != nil {
		if d.Inquiries, _, err = h.svc.Inquiries.FindInquiries(ctx, vocdesk.InquiryFilter{TxID: txid, Limit: 20}); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if h.svc.Cancellations != nil {
		if d.Refunds, err = h.refundsOf(ctx, stateFrom(r).lang, vocdesk.CancellationFilter{TxID: p.TxID}); err != nil {
			h.fail(w, r, err)
			return
		}
		d.Cancels = true
		d.Left = vocdesk.Money{Amount: refundLeft(p, d.Refunds), Currency: p.Currency}
		d.CanSend = a.Role.AtLeast(vocdesk.RoleAgent) && d.Left.Amount > 0
	}
	h.render(w, r, http.StatusOK, viewConsolePurchase, "purchase.title", d)
}

// markDelivered records a manual delivery from the evidence panel's form,
// then returns to the page it came from (post, redirect, get).
func (h *handler) markDelivered(w http.ResponseWriter, r *http.Request) {
	svc := h.svc.Reconciliation
	if svc == nil {
		h.notFound(w, r)
		return
	}
	txid := r.PathValue("txid")
	// Already delivered (a second click, another member first) is not an
	// error to show: the page it returns to says it is delivered.
	if _, err := svc.MarkDelivered(r.Context(), txid, r.PostForm.Get("note")); err != nil && vocdesk.ErrorCode(err) != vocdesk.ECONFLICT {
		h.fail(w, r, err)
		return
	}
	next := r.PostForm.Get("next")
	// Only a path of ours: an absolute URL here would make the form an open
	// redirect.
	if !strings.HasPrefix(next, "/console/") || strings.HasPrefix(next, "//") {
		next = "/console/purchases/" + url.PathEscape(txid)
	}
	h.redirect(w, r, next+"#evidence", flash{Key: "flash.marked_delivered"})
}
