package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// The console's social networks page: the developer's connectors, one per
// network account, each with the secret that signs its posts to the intake
// and the desk's replies to its reply URL. A new connector's secret is shown
// once, carried by the sealed flash (flash.go) as the webhook's is.

const viewConsoleSocial view = "console_social"

func (h *handler) socialRoutes(mux *pageMux) {
	on := h.svc.Social != nil
	dev := func(fn http.HandlerFunc) http.Handler { return h.require(realmDeveloper, h.ifService(on, fn)) }
	mux.Handle("GET /console/social", dev(h.consoleSocial))
	mux.Handle("POST /console/social", dev(h.socialCreate))
	mux.Handle("POST /console/social/{id}/reply-url", dev(h.socialReplyURL))
	mux.Handle("POST /console/social/{id}/delete", dev(h.socialDelete))
}

type socialData struct {
	Connectors []*vocdesk.SocialConnector
	Apps       []*vocdesk.App
	// NewID and Secret are the connector just created, from the flash.
	NewID  int64
	Secret string
	Form   connectorForm
}

// connectorForm is what was typed, kept when a post is refused.
type connectorForm struct {
	Network, Name, App, ReplyURL string
	ErrorKey                     string
	ErrorFor                     int64 // the connector whose reply URL was refused; 0: the new one
}

func (h *handler) consoleSocial(w http.ResponseWriter, r *http.Request) {
	d := &socialData{}
	if f := h.takeFlash(w, r); f != nil && f.Secret != "" {
		d.NewID, d.Secret = f.ID, f.Secret
	}
	h.showSocial(w, r, d, http.StatusOK)
}

func (h *handler) showSocial(w http.ResponseWriter, r *http.Request, d *socialData, status int) {
	ctx := r.Context()
	var err error
	if d.Connectors, err = h.svc.Social.FindConnectors(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Apps, err = h.svc.Developers.FindApps(ctx, vocdesk.AppFilter{}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, viewConsoleSocial, "channels.social.title", d)
}

// socialCreate adds a connector and shows its secret once (post, redirect,
// get: the secret rides in the flash, never in the URL).
func (h *handler) socialCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	form := connectorForm{Network: strings.TrimSpace(f.Get("network")), Name: f.Get("name"), App: f.Get("app"), ReplyURL: strings.TrimSpace(f.Get("reply_url"))}
	if form.ReplyURL != "" {
		if err := h.checkWebhookURL(r.Context(), form.ReplyURL); err != nil {
			form.ErrorKey = "harden.webhook_private"
			h.showSocial(w, r, &socialData{Form: form}, http.StatusUnprocessableEntity)
			return
		}
	}
	c := &vocdesk.SocialConnector{Network: form.Network, Name: form.Name, AppSlug: form.App, ReplyURL: form.ReplyURL}
	if err := h.svc.Social.CreateConnector(r.Context(), c); err != nil {
		if code := vocdesk.ErrorCode(err); code == vocdesk.EINVALID || code == vocdesk.EINVALIDTEXT || code == vocdesk.ENOTFOUND {
			form.ErrorKey = "channels.social.err_invalid"
			h.showSocial(w, r, &socialData{Form: form}, http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/social#secret", flash{Key: "channels.social.created", Args: []string{c.Name}, ID: c.ID, Secret: c.Secret})
}

// socialReplyURL changes where a connector's replies go.
func (h *handler) socialReplyURL(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	raw := strings.TrimSpace(r.PostForm.Get("reply_url"))
	if raw != "" {
		if err := h.checkWebhookURL(r.Context(), raw); err != nil {
			h.showSocial(w, r, &socialData{Form: connectorForm{ErrorKey: "harden.webhook_private", ErrorFor: id}}, http.StatusUnprocessableEntity)
			return
		}
	}
	if _, err := h.svc.Social.SetReplyURL(r.Context(), id, raw); err != nil {
		if vocdesk.ErrorCode(err) == vocdesk.EINVALID {
			h.showSocial(w, r, &socialData{Form: connectorForm{ErrorKey: "webhook.err.url", ErrorFor: id}}, http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/social#c"+strconv.FormatInt(id, 10), flash{Key: "channels.social.saved"})
}

// socialDelete removes a connector; its inquiries stay in the inbox.
func (h *handler) socialDelete(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	if err := h.svc.Social.DeleteConnector(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/social", flash{Key: "channels.social.deleted"})
}
