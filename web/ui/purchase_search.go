package ui

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// The any-id purchase search: the console's (the developer's apps) and the
// back office's (every developer's), one page for both. From the results a
// member selects purchases and cancels them: one cancellation request each,
// under every rule of one request.

const viewPurchaseSearch view = "purchase_search"

// maxSearchCancel bounds one bulk cancel from the search: a page of
// results. Larger batches are what the spreadsheet upload is for.
const maxSearchCancel = 50

func (h *handler) purchaseSearchRoutes(mux *pageMux) {
	cancels := h.svc.Cancellations != nil
	mux.Handle("GET /console/purchases", h.require(realmDeveloper, h.purchaseSearch))
	mux.Handle("POST /console/purchases/cancel", h.require(realmDeveloper, h.ifService(cancels, h.purchaseSearchCancel)))
	mux.Handle("GET /operator/purchases", h.require(realmOperator, h.purchaseSearch))
	mux.Handle("POST /operator/purchases/cancel", h.require(realmOperator, h.ifService(cancels, h.purchaseSearchCancel)))
}

type purchaseSearchData struct {
	Base      string // "/console" or "/operator": where the page and its form live
	Q         string
	Searched  bool
	Results   []consolePurchase
	More      bool // the search found more than a page
	Masked    bool
	CanCancel bool
	Reasons   []vocdesk.CancellationReason
	Reason    string
	Note      string
	MaxNote   int
	Key       string // the bulk cancel's idempotency key, one per rendered form
	Outcomes  []searchCancelOutcome
	ErrorKey  string
}

// searchCancelOutcome is what became of one selected purchase.
type searchCancelOutcome struct {
	TxID     string
	Request  *vocdesk.CancellationRequest // nil when refused
	ErrorKey string
}

func searchBase(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/operator/") {
		return "/operator"
	}
	return "/console"
}

// purchaseSearch is GET .../purchases?q=: the search box and its results;
// after a bulk cancel (sent= and refused=, see purchaseSearchCancel) also
// what became of each selected purchase.
func (h *handler) purchaseSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := h.newPurchaseSearch(r, strings.TrimSpace(q.Get("q")))
	if err := h.searchOutcomes(r.Context(), d, q["sent"], q["refused"]); err != nil {
		h.fail(w, r, err)
		return
	}
	h.showPurchaseSearch(w, r, d, http.StatusOK)
}

func (h *handler) newPurchaseSearch(r *http.Request, q string) *purchaseSearchData {
	a := vocdesk.ActorFromContext(r.Context())
	return &purchaseSearchData{
		Base: searchBase(r), Q: q, Masked: !a.SeesContacts(),
		CanCancel: h.svc.Cancellations != nil && (a.IsOperator() || a.Role.AtLeast(vocdesk.RoleAgent)),
		Reasons:   cancelReasons(), Reason: string(vocdesk.ReasonCustomerRequest), MaxNote: vocdesk.MaxNote,
	}
}

// showPurchaseSearch runs the search of d.Q (if any) and renders the page
// with a fresh idempotency key.
func (h *handler) showPurchaseSearch(w http.ResponseWriter, r *http.Request, d *purchaseSearchData, status int) {
	ctx := r.Context()
	if d.Q != "" && len(d.Q) <= 254 {
		d.Searched = true
		ps, next, err := h.svc.Purchases.FindPurchases(ctx, vocdesk.PurchaseFilter{Q: d.Q, Limit: maxSearchCancel})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if d.Results, err = h.withCustomers(ctx, ps); err != nil {
			h.fail(w, r, err)
			return
		}
		d.More = next != ""
	} else if d.Q != "" {
		d.ErrorKey = "psearch.err.too_long"
	}
	d.Key = randomToken()
	h.render(w, r, status, viewPurchaseSearch, "psearch.title", d)
}

// purchaseSearchCancel cancels the selected purchases, each what is left of
// it, then shows the search again with what became of each. The form's key
// and the TxID make each purchase's idempotency key, so a double submit or
// a reload sends nothing twice.
func (h *handler) purchaseSearchCancel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pf := r.PostForm
	d := h.newPurchaseSearch(r, strings.TrimSpace(pf.Get("q")))
	d.Reason, d.Note = pf.Get("reason"), strings.TrimSpace(pf.Get("note"))
	key := pf.Get("key")
	txids := pf["txid"]
	switch {
	case !d.CanCancel:
		h.fail(w, r, vocdesk.Errorf(vocdesk.EFORBIDDEN, "your role may not cancel purchases"))
		return
	case len(txids) == 0:
		d.ErrorKey = "psearch.err.none_selected"
	case len(txids) > maxSearchCancel:
		d.ErrorKey = "psearch.err.too_many"
	case key == "" || len(key) > 64:
		d.ErrorKey = "refund.err.invalid"
	}
	if d.ErrorKey != "" {
		h.showPurchaseSearch(w, r, d, http.StatusUnprocessableEntity)
		return
	}
	next := url.Values{"q": {d.Q}}
	seen := map[string]bool{}
	for _, txid := range txids {
		if seen[txid] {
			continue
		}
		seen[txid] = true
		_, err := h.svc.Cancellations.RequestCancellation(ctx, &vocdesk.CancellationInput{
			TxID: txid, Reason: vocdesk.CancellationReason(d.Reason), Note: d.Note, IdempotencyKey: key + ":" + txid})
		code := vocdesk.ErrorCode(err)
		switch {
		case code == "":
			next.Add("sent", txid)
		case refusedKeys[code] != "":
			next.Add("refused", code+":"+txid)
		default:
			h.fail(w, r, err)
			return
		}
	}
	// Post, redirect, get: the page after it can be reloaded, bookmarked
	// or switched to another language without posting again.
	http.Redirect(w, r, d.Base+"/purchases?"+next.Encode(), http.StatusSeeOther)
}

// refusedKeys are the messages of the refusals a bulk cancel reports per
// purchase; any other error stops it.
var refusedKeys = map[string]string{
	vocdesk.EINPROGRESS:    "psearch.err.in_progress",
	vocdesk.ENOTFOUND:      "psearch.err.not_found",
	vocdesk.EUNPROCESSABLE: "psearch.err.nothing_left",
	vocdesk.EINVALID:       "refund.err.invalid",
	vocdesk.EKEYREUSED:     "refund.err.invalid",
}

// searchOutcomes reads back what a bulk cancel did: for each purchase sent,
// its newest cancellation request as it stands now (read, not taken from
// the URL, so the page shows only what is true); for each refused, why.
func (h *handler) searchOutcomes(ctx context.Context, d *purchaseSearchData, sent, refused []string) error {
	if len(sent)+len(refused) > maxSearchCancel {
		return vocdesk.Errorf(vocdesk.EINVALID, "too many outcomes")
	}
	for _, txid := range sent {
		if h.svc.Cancellations == nil {
			break
		}
		rs, _, err := h.svc.Cancellations.FindCancellations(ctx, vocdesk.CancellationFilter{TxID: txid, Limit: 1})
		if err != nil {
			return err
		}
		out := searchCancelOutcome{TxID: txid, ErrorKey: "psearch.err.not_found"}
		if len(rs) > 0 {
			out.Request, out.ErrorKey = rs[0], ""
		}
		d.Outcomes = append(d.Outcomes, out)
	}
	for _, v := range refused {
		code, txid, _ := strings.Cut(v, ":")
		key := refusedKeys[code]
		if key == "" {
			key = "refund.err.invalid"
		}
		d.Outcomes = append(d.Outcomes, searchCancelOutcome{TxID: txid, ErrorKey: key})
	}
	return nil
}

// withCustomers pairs purchases with their customers as the actor may see
// them, looking each customer up once.
func (h *handler) withCustomers(ctx context.Context, ps []*vocdesk.Purchase) ([]consolePurchase, error) {
	a := vocdesk.ActorFromContext(ctx)
	customers := map[int64]*vocdesk.Customer{}
	out := make([]consolePurchase, 0, len(ps))
	for _, p := range ps {
		c, seen := customers[p.CustomerID]
		if !seen {
			var err error
			c, err = h.svc.Customers.FindCustomerByID(ctx, p.CustomerID)
			switch {
			case err == nil:
				c = maskFor(a, c)
			case vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND:
				c = nil
			default:
				return nil, err
			}
			customers[p.CustomerID] = c
		}
		out = append(out, consolePurchase{Purchase: p, Customer: c})
	}
	return out, nil
}
