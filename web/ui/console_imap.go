package ui

import (
	"net/http"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// viewConsoleIMAP is the console's page for the support mailbox the desk
// polls over IMAP: its settings (the password is write-only) and how the
// last polls went.
const viewConsoleIMAP view = "console_imap"

// imapRoutes adds the mailbox page. It answers 404 when the server runs
// without the IMAP service. Saving needs an admin or owner: the service
// checks.
func (h *handler) imapRoutes(mux *pageMux) {
	on := h.svc.IMAP != nil
	dev := func(fn http.HandlerFunc) http.Handler { return h.require(realmDeveloper, h.ifService(on, fn)) }
	mux.Handle("GET /console/settings/mailbox", dev(h.consoleIMAP))
	mux.Handle("POST /console/settings/mailbox", dev(h.imapSave))
	mux.Handle("POST /console/settings/mailbox/delete", dev(h.imapDelete))
}

// imapData is the page: the stored mailbox (nil when none) and the form,
// as typed after a refusal or as stored.
type imapData struct {
	Mailbox    *vocdesk.IMAPMailbox
	Form       vocdesk.IMAPSettings
	Securities []vocdesk.IMAPSecurity
	Problem    string // the service's reason for refusing the form
}

func (h *handler) consoleIMAP(w http.ResponseWriter, r *http.Request) {
	h.showIMAP(w, r, nil, "", http.StatusOK)
}

// showIMAP renders the page; form, when not nil, is what the member typed.
func (h *handler) showIMAP(w http.ResponseWriter, r *http.Request, form *vocdesk.IMAPSettings, problem string, status int) {
	dev, err := h.ownDeveloper(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &imapData{Problem: problem, Securities: []vocdesk.IMAPSecurity{vocdesk.IMAPTLS, vocdesk.IMAPStartTLS, vocdesk.IMAPPlain}}
	mb, err := h.svc.IMAP.IMAPMailbox(r.Context(), dev.Slug)
	switch {
	case err == nil:
		d.Mailbox, d.Form = mb, mb.IMAPSettings
	case vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND:
		d.Form = vocdesk.IMAPSettings{Security: vocdesk.IMAPTLS, Mailbox: "INBOX", Enabled: true}
	default:
		h.fail(w, r, err)
		return
	}
	if form != nil {
		d.Form = *form
	}
	d.Form.Password = "" // never written back into the page
	h.render(w, r, status, viewConsoleIMAP, "imap.title", d)
}

// imapSave stores the settings; an empty password keeps the stored one.
// A refused form shows again with what was typed and why.
func (h *handler) imapSave(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	set := &vocdesk.IMAPSettings{Addr: strings.TrimSpace(f.Get("addr")), Security: vocdesk.IMAPSecurity(f.Get("security")),
		Username: strings.TrimSpace(f.Get("username")), Password: f.Get("password"), Mailbox: strings.TrimSpace(f.Get("mailbox")),
		Enabled: f.Get("enabled") != ""}
	dev, err := h.ownDeveloper(r)
	if err == nil {
		_, err = h.svc.IMAP.SetIMAPMailbox(r.Context(), dev.Slug, set)
	}
	if err != nil {
		if vocdesk.ErrorCode(err) == vocdesk.EINVALID {
			h.showIMAP(w, r, set, h.tr(r).Refusal(err), http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/settings/mailbox", flash{Key: "imap.saved"})
}

func (h *handler) imapDelete(w http.ResponseWriter, r *http.Request) {
	dev, err := h.ownDeveloper(r)
	if err == nil {
		err = h.svc.IMAP.DeleteIMAPMailbox(r.Context(), dev.Slug)
	}
	if err != nil && vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/settings/mailbox", flash{Key: "imap.deleted"})
}

// IMAPSecurity names a security choice in the page's language.
func (p *page) IMAPSecurity(s vocdesk.IMAPSecurity) string { return p.T("imap.security." + string(s)) }
