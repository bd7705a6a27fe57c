package ui

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// operatorRecent is how many of the store's latest purchases the back office
// home lists.
const operatorRecent = 30

type operatorHomeData struct {
	Developers []operatorDeveloper
	Purchases  []*vocdesk.Purchase
	Keys       []*vocdesk.APIKey
}

type operatorDeveloper struct {
	*vocdesk.Developer
	Apps []*vocdesk.App
}

// operatorHome is the store's back office: developers and their apps, the
// latest purchases store-wide, and the API keys with a way to revoke them.
func (h *handler) operatorHome(w http.ResponseWriter, r *http.Request) {
	d, err := h.operatorHomeData(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, viewOperatorHome, "operator.title", d)
}

func (h *handler) operatorHomeData(r *http.Request) (*operatorHomeData, error) {
	ctx := r.Context()
	devs, err := h.svc.Developers.FindDevelopers(ctx)
	if err != nil {
		return nil, err
	}
	apps, err := h.svc.Developers.FindApps(ctx, vocdesk.AppFilter{})
	if err != nil {
		return nil, err
	}
	byDev := map[string][]*vocdesk.App{}
	for _, a := range apps {
		byDev[a.DeveloperSlug] = append(byDev[a.DeveloperSlug], a)
	}
	d := &operatorHomeData{}
	for _, dev := range devs {
		d.Developers = append(d.Developers, operatorDeveloper{Developer: dev, Apps: byDev[dev.Slug]})
	}
	if d.Purchases, _, err = h.svc.Purchases.FindPurchases(ctx, vocdesk.PurchaseFilter{Limit: operatorRecent}); err != nil {
		return nil, err
	}
	if d.Keys, err = h.svc.Auth.FindAPIKeys(ctx); err != nil {
		return nil, err
	}
	return d, nil
}
