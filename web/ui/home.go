package ui

import "net/http"

// home sends a signed-in browser to its area and shows everyone else the
// three doors: customers, developers, the store's operators.
func (h *handler) home(w http.ResponseWriter, r *http.Request) {
	if a := stateFrom(r).actor(); a != nil {
		if rl, ok := realmOf(a.Realm); ok {
			http.Redirect(w, r, rl.homePath, http.StatusSeeOther)
			return
		}
	}
	h.render(w, r, http.StatusOK, viewHome, "home.title", nil)
}
