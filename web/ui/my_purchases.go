package ui

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

type myPurchasesData struct {
	Filter    historyFilter
	Apps      []*vocdesk.App // choices for the app filter; empty: a text field
	Purchases []*vocdesk.Purchase
	NextURL   string // "" on the last page
	FirstURL  string // "" on the first page
}

// myPurchases is the Product/Payment History: every purchase of the signed-in
// customer, newest first, a page at a time, narrowed by app and paid-at day.
func (h *handler) myPurchases(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	hf, pf := parseHistoryFilter(r.URL.Query(), h.tr(r).loc)
	pf.CustomerID = a.CustomerID
	ps, next, err := h.svc.Purchases.FindPurchases(ctx, pf)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &myPurchasesData{Filter: hf, Purchases: ps}
	if next != "" {
		d.NextURL = "/my/purchases" + hf.query(next)
	}
	if hf.Cursor != "" {
		d.FirstURL = "/my/purchases" + hf.query("")
	}
	// The store's catalogue of apps names the choices. If this actor may not
	// list apps, the form falls back to a slug field: the filter still works.
	if apps, err := h.svc.Developers.FindApps(ctx, vocdesk.AppFilter{Limit: 500}); err == nil {
		d.Apps = apps
	} else if vocdesk.ErrorCode(err) == vocdesk.EINTERNAL {
		h.log.WarnContext(ctx, "ui: list apps for the history filter", "err", err)
	}
	h.render(w, r, http.StatusOK, viewMyPurchases, "history.title", d)
}
