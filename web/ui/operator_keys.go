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

// operatorKeyCreate creates an API key and shows its secret on the answer to
// the post itself, never behind a redirect: the secret is stored hashed and
// this page (sent with no-store) is the only time anyone sees it.
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
	h.render(w, r, http.StatusCreated, viewOperatorKeyNew, "keys.created_title", &keyNewData{Key: k, Secret: secret})
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
	http.Redirect(w, r, "/operator#keys", http.StatusSeeOther)
}
