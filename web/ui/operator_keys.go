package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

type keyNewData struct {
	Key    *vocdesk.APIKey
	Secret string
}

// operatorKeyCreate creates an API key and redirects to the page that shows
// its secret, once (post, redirect, get): the secret rides in the sealed
// one-time flash (flash.go), never in the URL, so reloading that page shows
// it no more and creates no second key.
func (h *handler) operatorKeyCreate(w http.ResponseWriter, r *http.Request) {
	k := &vocdesk.APIKey{Name: strings.TrimSpace(r.PostForm.Get("name"))}
	switch r.PostForm.Get("realm") {
	case string(vocdesk.RealmOperator):
		k.Realm = vocdesk.RealmOperator
	case string(vocdesk.RealmDeveloper):
		k.Realm = vocdesk.RealmDeveloper
		// The service resolves the slug; an unknown one is not found.
		k.DeveloperSlug = r.PostForm.Get("developer")
	default:
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	if k.Name == "" || len(k.Name) > 100 {
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	secret, err := h.svc.Auth.CreateAPIKey(r.Context(), k)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/operator/keys/new", flash{Key: "flash.key_created", Args: []string{k.Name}, ID: k.ID, Secret: secret})
}

// operatorKeyNew shows the key just created with its secret. Without the
// flash (a reload, a bookmark) there is nothing to show: the secret is
// stored hashed, so it goes back to the list of keys.
func (h *handler) operatorKeyNew(w http.ResponseWriter, r *http.Request) {
	f := h.takeFlash(w, r)
	if f == nil || f.Secret == "" {
		http.Redirect(w, r, "/operator#keys", http.StatusSeeOther)
		return
	}
	keys, err := h.svc.Auth.FindAPIKeys(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, k := range keys {
		if k.ID == f.ID {
			h.render(w, r, http.StatusOK, viewOperatorKeyNew, "keys.created_title", &keyNewData{Key: k, Secret: f.Secret})
			return
		}
	}
	http.Redirect(w, r, "/operator#keys", http.StatusSeeOther)
}

// operatorKeyRevoke revokes a key and goes back to the list (post, redirect,
// get: reloading the list does not post again).
func (h *handler) operatorKeyRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	if err := h.svc.Auth.RevokeAPIKey(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/operator#keys", flash{Key: "flash.key_revoked"})
}
