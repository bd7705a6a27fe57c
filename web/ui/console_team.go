package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// The console's team page: the developer's members and its API keys.
// Everyone reads the team; owners and admins change it and manage keys
// (the services hold the rules). Every form answers with a redirect and a
// flash (flash.go), which also carries a new key's secret to the page that
// shows it once, never in a URL.
const (
	viewConsoleTeam   view = "console_team"
	viewConsoleKeyNew view = "console_key_new"
)

func (h *handler) teamRoutes(mux *pageMux) {
	dev := func(fn http.HandlerFunc) http.Handler { return h.require(realmDeveloper, fn) }
	mux.Handle("GET /console/team", dev(h.consoleTeam))
	mux.Handle("POST /console/team/members", dev(h.teamAddMember))
	mux.Handle("POST /console/team/members/{id}/role", dev(h.teamChangeRole))
	mux.Handle("POST /console/team/members/{id}/remove", dev(h.teamRemoveMember))
	mux.Handle("POST /console/team/keys", dev(h.teamCreateKey))
	mux.Handle("GET /console/team/keys/new", dev(h.teamNewKey))
	mux.Handle("POST /console/team/keys/{id}/revoke", dev(h.teamRevokeKey))
}

type teamData struct {
	Developer *vocdesk.Developer
	Members   []*vocdesk.Member
	Keys      []*vocdesk.APIKey
	Roles     []vocdesk.Role
	ErrorMsg  string // a refused change, in the service's words
	Draft     *vocdesk.Member
}

func (h *handler) consoleTeam(w http.ResponseWriter, r *http.Request) {
	h.showTeam(w, r, &teamData{}, http.StatusOK)
}

func (h *handler) showTeam(w http.ResponseWriter, r *http.Request, d *teamData, status int) {
	ctx := r.Context()
	dev, err := h.ownDeveloper(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Developer = dev
	d.Roles = []vocdesk.Role{vocdesk.RoleOwner, vocdesk.RoleAdmin, vocdesk.RoleAgent, vocdesk.RoleViewer}
	if d.Members, err = h.svc.Developers.FindMembers(ctx, dev.Slug); err != nil {
		h.fail(w, r, err)
		return
	}
	if a := vocdesk.ActorFromContext(ctx); a.Role.AtLeast(vocdesk.RoleAdmin) {
		if d.Keys, err = h.svc.Auth.FindAPIKeys(ctx); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, status, viewConsoleTeam, "team.title", d)
}

// ownDeveloper is the signed-in member's developer.
func (h *handler) ownDeveloper(r *http.Request) (*vocdesk.Developer, error) {
	devs, err := h.svc.Developers.FindDevelopers(r.Context())
	if err != nil {
		return nil, err
	}
	if len(devs) != 1 {
		return nil, vocdesk.NotFound("developer")
	}
	return devs[0], nil
}

// teamRefused shows the page again with a refused change's reason (a rule
// of the team: the last owner, an admin touching an owner), or fails.
func (h *handler) teamRefused(w http.ResponseWriter, r *http.Request, err error, draft *vocdesk.Member) {
	switch vocdesk.ErrorCode(err) {
	case vocdesk.EINVALID, vocdesk.EFORBIDDEN, vocdesk.EUNPROCESSABLE, vocdesk.ECONFLICT:
		status := http.StatusUnprocessableEntity
		if vocdesk.ErrorCode(err) == vocdesk.EFORBIDDEN {
			status = http.StatusForbidden
		}
		h.showTeam(w, r, &teamData{ErrorMsg: h.tr(r).Refusal(err), Draft: draft}, status)
	default:
		h.fail(w, r, err)
	}
}

// teamDone answers a change of the team with the page and what was done
// (team.notice.*).
func (h *handler) teamDone(w http.ResponseWriter, r *http.Request, done, anchor string) {
	h.redirect(w, r, "/console/team#"+anchor, flash{Kind: "info", Key: "team.notice." + done})
}

func (h *handler) teamAddMember(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	m := &vocdesk.Member{Email: strings.TrimSpace(f.Get("email")), Name: strings.TrimSpace(f.Get("name")), Role: vocdesk.Role(f.Get("role"))}
	password := f.Get("password")
	// A member signs in with this password; one too short to trust is
	// refused here, as the service takes any (or none, for the API).
	if len([]rune(password)) < 10 {
		h.showTeam(w, r, &teamData{ErrorMsg: h.tr(r).T("team.err.password"), Draft: m}, http.StatusUnprocessableEntity)
		return
	}
	dev, err := h.ownDeveloper(r)
	if err == nil {
		err = h.svc.Developers.CreateMember(r.Context(), dev.Slug, m, password)
	}
	if err != nil {
		h.teamRefused(w, r, err, m)
		return
	}
	h.teamDone(w, r, "added", "members")
}

func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

func (h *handler) teamChangeRole(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	dev, err := h.ownDeveloper(r)
	if err == nil {
		_, err = h.svc.Developers.UpdateMemberRole(r.Context(), dev.Slug, id, vocdesk.Role(r.PostForm.Get("role")))
	}
	if err != nil {
		h.teamRefused(w, r, err, nil)
		return
	}
	h.teamDone(w, r, "role", "members")
}

func (h *handler) teamRemoveMember(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	dev, err := h.ownDeveloper(r)
	if err == nil {
		err = h.svc.Developers.RemoveMember(r.Context(), dev.Slug, id)
	}
	if err != nil {
		h.teamRefused(w, r, err, nil)
		return
	}
	// Removing oneself ends one's own session: the next page is a sign-in.
	if a := vocdesk.ActorFromContext(r.Context()); a.MemberID == id {
		h.clearCookie(w, sessionCookie)
		http.Redirect(w, r, "/developer/login", http.StatusSeeOther)
		return
	}
	h.teamDone(w, r, "removed", "members")
}

// teamCreateKey makes a key and redirects to the page that shows its
// secret once, carried there by the flash.
func (h *handler) teamCreateKey(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if name == "" || len([]rune(name)) > 100 {
		h.showTeam(w, r, &teamData{ErrorMsg: h.tr(r).T("team.err.key_name")}, http.StatusUnprocessableEntity)
		return
	}
	k := &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, Name: name}
	secret, err := h.svc.Auth.CreateAPIKey(r.Context(), k)
	if err != nil {
		h.teamRefused(w, r, err, nil)
		return
	}
	h.redirect(w, r, "/console/team/keys/new", flash{Key: "flash.key_created", Args: []string{k.Name}, ID: k.ID, Secret: secret})
}

// teamNewKey shows a new key's secret, once: the flash is gone once read,
// so a reload finds nothing and returns to the list.
func (h *handler) teamNewKey(w http.ResponseWriter, r *http.Request) {
	f := h.takeFlash(w, r)
	if f == nil || f.Secret == "" {
		h.teamDone(w, r, "shown", "keys")
		return
	}
	keys, err := h.svc.Auth.FindAPIKeys(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, k := range keys {
		if k.ID == f.ID {
			w.Header().Set("Cache-Control", "no-store")
			h.render(w, r, http.StatusOK, viewConsoleKeyNew, "keys.created_title", &keyNewData{Key: k, Secret: f.Secret})
			return
		}
	}
	h.teamDone(w, r, "shown", "keys")
}

func (h *handler) teamRevokeKey(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	if err := h.svc.Auth.RevokeAPIKey(r.Context(), id); err != nil {
		h.teamRefused(w, r, err, nil)
		return
	}
	h.teamDone(w, r, "revoked", "keys")
}
