package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// itemJSON carries the list price, when there is one, like every amount in
// the API: a decimal string in major units next to its currency.
type itemJSON struct {
	App       string  `json:"app"`
	SKU       string  `json:"sku"`
	Name      string  `json:"name"`
	Price     *string `json:"price,omitempty"`
	Currency  *string `json:"currency,omitempty"`
	CreatedAt string  `json:"created_at"`
}

func newItemJSON(it *vocdesk.Item) itemJSON {
	j := itemJSON{App: it.AppSlug, SKU: it.SKU, Name: it.Name, CreatedAt: timeJSON(it.CreatedAt)}
	if it.Price != nil {
		p, c := vocdesk.FormatAmount(it.Price.Amount, it.Price.Currency), it.Price.Currency
		j.Price, j.Currency = &p, &c
	}
	return j
}

type createItemRequest struct {
	App      string `json:"app"`
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Price    string `json:"price"`
	Currency string `json:"currency"`
}

// createItem registers an item of an app, or renames and reprices it: the
// billing system sends its catalogue again whenever it changes.
func (s *Server) createItem(w http.ResponseWriter, r *http.Request) error {
	var req createItemRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := requireFields("app", req.App, "sku", req.SKU, "name", req.Name); err != nil {
		return err
	}
	it := &vocdesk.Item{AppSlug: req.App, SKU: req.SKU, Name: req.Name}
	switch {
	case req.Price != "":
		if req.Currency == "" {
			return vocdesk.Errorf(vocdesk.EINVALID, "currency is required with price")
		}
		amount, err := vocdesk.ParsePositiveAmount(req.Price, req.Currency)
		if err != nil {
			return err
		}
		it.Price = &vocdesk.Money{Amount: amount, Currency: req.Currency}
	case req.Currency != "":
		return vocdesk.Errorf(vocdesk.EINVALID, "price is required with currency")
	}
	if err := s.svc.Developers.CreateItem(r.Context(), it); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newItemJSON(it))
	return nil
}
