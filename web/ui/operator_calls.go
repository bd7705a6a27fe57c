package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// The call centre's "Log a call": the agent types the caller's number or
// email, the page finds the store customer (masked, as the call centre
// needs no more to confirm who is calling) and their purchases to pick
// from; app, category, summary and the caller's answer to "may the
// developer have your payment ids?" open a phone inquiry.

const viewOperatorCall view = "operator_call"

func (h *handler) callRoutes(mux *pageMux) {
	on := h.svc.Calls != nil
	op := func(fn http.HandlerFunc) http.Handler { return h.require(realmOperator, h.ifService(on, fn)) }
	mux.Handle("GET /operator/calls", op(h.operatorCall))
	mux.Handle("POST /operator/calls", op(h.operatorCallSubmit))
}

// callData is the page: the lookup, and the form once a caller is typed.
type callData struct {
	Caller    string
	Looked    bool                // a lookup ran
	Customer  *vocdesk.Customer   // masked; nil when no store customer matches
	Purchases []*vocdesk.Purchase // theirs, newest first
	Apps      []*vocdesk.App
	Form      callForm
}

// callForm is what was typed, kept when a post is refused.
type callForm struct {
	TxID, App, Category, Subject, Summary, Consent string
	ErrorKey                                       string
	Detail                                         string // the service's reason, in the page's language
}

// operatorCall is GET /operator/calls[?caller=...].
func (h *handler) operatorCall(w http.ResponseWriter, r *http.Request) {
	d := &callData{Caller: strings.TrimSpace(r.URL.Query().Get("caller"))}
	h.showCall(w, r, d, http.StatusOK)
}

func (h *handler) showCall(w http.ResponseWriter, r *http.Request, d *callData, status int) {
	ctx := r.Context()
	var err error
	if d.Caller != "" {
		d.Looked = true
		c, ps, err := h.svc.Calls.FindCaller(ctx, d.Caller)
		switch {
		case err == nil:
			d.Customer, d.Purchases = c, ps
		case vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND:
			h.fail(w, r, err)
			return
		}
	}
	if d.Apps, err = h.svc.Developers.FindApps(ctx, vocdesk.AppFilter{Limit: 500}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, viewOperatorCall, "channels.call.title", d)
}

// operatorCallSubmit is POST /operator/calls: the call is logged and the
// agent lands on the new inquiry; a refused call shows the form again with
// what was typed.
func (h *handler) operatorCallSubmit(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	d := &callData{Caller: strings.TrimSpace(f.Get("caller")), Form: callForm{TxID: f.Get("txid"), App: f.Get("app"),
		Category: f.Get("category"), Subject: f.Get("subject"), Summary: f.Get("summary"), Consent: f.Get("consent")}}
	if d.Form.Consent != "yes" && d.Form.Consent != "no" {
		d.Form.ErrorKey = "channels.call.err_consent"
		h.showCall(w, r, d, http.StatusUnprocessableEntity)
		return
	}
	call := &vocdesk.Call{Caller: d.Caller, TxID: strings.TrimSpace(d.Form.TxID), AppSlug: d.Form.App,
		Category: vocdesk.Category(d.Form.Category), Subject: d.Form.Subject, Summary: d.Form.Summary, Consent: d.Form.Consent == "yes"}
	if call.TxID != "" {
		call.AppSlug = "" // the purchase names its app
	}
	in, err := h.svc.Calls.LogCall(r.Context(), call)
	if err != nil {
		switch vocdesk.ErrorCode(err) {
		case vocdesk.EINVALID, vocdesk.EINVALIDTEXT, vocdesk.ENOTFOUND:
			d.Form.ErrorKey, d.Form.Detail = "channels.call.err_invalid", h.tr(r).RefusalReason(err)
			h.showCall(w, r, d, http.StatusUnprocessableEntity)
		default:
			h.fail(w, r, err)
		}
		return
	}
	h.redirect(w, r, "/operator/inquiries/"+strconv.FormatInt(in.ID, 10), flash{Key: "channels.call.logged"})
}
