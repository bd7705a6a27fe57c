package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// voidedJSON is one completed refund in the voided-purchases feed.
type voidedJSON struct {
	TxID           string `json:"txid"`
	TID            string `json:"tid"`
	App            string `json:"app"`
	Amount         string `json:"amount"`
	Currency       string `json:"currency"`
	PurchaseStatus string `json:"purchase_status"`
	Source         string `json:"source"`
	Reason         string `json:"reason"`
	VoidedAt       string `json:"voided_at"`
}

func newVoidedJSON(v *vocdesk.VoidedPurchase) voidedJSON {
	return voidedJSON{TxID: v.TxID, TID: v.TID, App: v.AppSlug, Amount: vocdesk.FormatAmount(v.Amount, v.Currency),
		Currency: v.Currency, PurchaseStatus: string(v.PurchaseStatus), Source: string(v.Source), Reason: string(v.Reason),
		VoidedAt: timeJSON(v.VoidedAt)}
}

// listVoided is the voided-purchases feed: every refund, full or partial,
// since ?since=, so a developer's server can take the items back.
func (s *Server) listVoided(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cancellations()
	if err != nil {
		return err
	}
	f := vocdesk.VoidedFilter{Cursor: r.URL.Query().Get("cursor")}
	if v := r.URL.Query().Get("since"); v != "" {
		if f.Since, err = parseTime("since", v); err != nil {
			return err
		}
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	list, next, err := svc.FindVoidedPurchases(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, newVoidedJSON))
	return nil
}
