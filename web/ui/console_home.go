package ui

import (
	"net/http"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// consoleRecent is how many of the latest purchases the console home lists.
const consoleRecent = 20

type consoleHomeData struct {
	Developer *vocdesk.Developer
	Apps      []*vocdesk.App
	Members   []*vocdesk.Member
	Purchases []consolePurchase
	Masked    bool // contacts are masked for this member's role
}

// consolePurchase is a purchase with the customer who made it, as far as the
// member may see them.
type consolePurchase struct {
	*vocdesk.Purchase
	Customer *vocdesk.Customer // nil when the customer cannot be shown
}

// consoleHome is the developer console's first page: who you are here, your
// apps, and the latest purchases of them with TxID and TID.
func (h *handler) consoleHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	d := &consoleHomeData{Masked: !a.SeesContacts()}

	devs, err := h.svc.Developers.FindDevelopers(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, dev := range devs {
		if dev.ID == a.DeveloperID || len(devs) == 1 {
			d.Developer = dev
		}
	}
	if d.Developer == nil {
		h.notFound(w, r)
		return
	}
	if d.Apps, err = h.svc.Developers.FindApps(ctx, vocdesk.AppFilter{DeveloperSlug: d.Developer.Slug}); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Members, err = h.svc.Developers.FindMembers(ctx, d.Developer.Slug); err != nil {
		h.fail(w, r, err)
		return
	}
	ps, _, err := h.svc.Purchases.FindPurchases(ctx, vocdesk.PurchaseFilter{Limit: consoleRecent})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Purchases, err = h.withCustomers(ctx, ps); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, viewConsoleHome, "console.title", d)
}

// maskFor masks a customer's contacts for actors that may not see them. The
// service masks already; doing it again here (only where it has not been
// done) means a storage change cannot leak contacts into a viewer's page.
func maskFor(a *vocdesk.Actor, c *vocdesk.Customer) *vocdesk.Customer {
	if a.SeesContacts() {
		return c
	}
	m := *c
	if !strings.Contains(m.Email, "***") {
		m.Email = vocdesk.MaskEmail(m.Email)
	}
	if m.Phone != "" && !strings.Contains(m.Phone, "***") {
		m.Phone = vocdesk.MaskPhone(m.Phone)
	}
	return &m
}
