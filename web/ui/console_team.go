package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// The console's team page: the developer's members and its API keys.
// Everyone reads the team; owners and admins change it and manage keys
// (the services hold the rules). Every form answers with a redirect, and a
// new key's secret crosses that redirect in the session stash, never in a
// URL or a cookie.
const (
	viewConsoleTeam   view = "console_team"
	viewConsoleKeyNew view = "console_key_new"
)

// stashNewKey is the stash name of a new key's secret.
const stashNewKey = "console_new_key"

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
	Notice    string // an i18n key, after a redirect
	ErrorMsg  string // a refused change, in the service's words
	Draft     *vocdesk.Member
}

// teamNotices are the notices a redirect may ask for: a fixed list, so the
// query can only pick one, never write one.
var teamNotices = map[string]string{
	"added": "team.notice.added", "role": "team.notice.role", "removed": "team.notice.removed",
	"revoked": "team.notice.revoked", "shown": "team.notice.shown",
}

func (h *handler) consoleTeam(w http.ResponseWriter, r *http.Request) {
	h.showTeam(w, r, &teamData{Notice: teamNotices[r.URL.Query().Get("done")]}, http.StatusOK)
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
		h.showTeam(w, r, &teamData{ErrorMsg: vocdesk.ErrorMessage(err), Draft: draft}, status)
	default:
		h.fail(w, r, err)
	}
}

func teamDone(w http.ResponseWriter, r *http.Request, done, anchor string) {
	http.Redirect(w, r, "/console/team?"+url.Values{"done": {done}}.Encode()+"#"+anchor, http.StatusSeeOther)
}

func (h *handler) teamAddMember(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	m := &vocdesk.Member{Email: strings.TrimSpace(f.Get("email")), Name: strings.TrimSpace(f.Get("name")), Role: vocdesk.Role(f.Get("role"))}
	password := f.Get("password")
	// A member signs in with this password; one too short to trust is
	// refused here, as the service takes any (or none, for the API).
	if len([]rune(password)) < 10 {
		h.showTeam(w, r, &teamData{ErrorMsg: h.cat.translator(stateFrom(r).lang).T("team.err.password"), Draft: m}, http.StatusUnprocessableEntity)
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
	teamDone(w, r, "added", "members")
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
	teamDone(w, r, "role", "members")
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
	teamDone(w, r, "removed", "members")
}

// teamCreateKey makes a key, keeps its secret in the session stash and
// redirects to the page that shows it once.
func (h *handler) teamCreateKey(w http.ResponseWriter, r *http.Request) {
	if h.svc.Stash == nil {
		h.notFound(w, r)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if name == "" || len([]rune(name)) > 100 {
		h.showTeam(w, r, &teamData{ErrorMsg: h.cat.translator(stateFrom(r).lang).T("team.err.key_name")}, http.StatusUnprocessableEntity)
		return
	}
	k := &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, Name: name}
	secret, err := h.svc.Auth.CreateAPIKey(r.Context(), k)
	if err != nil {
		h.teamRefused(w, r, err, nil)
		return
	}
	// The key exists now; if the stash fails, its secret is lost and the
	// key is useless, so revoke it rather than leave it dangling.
	if err := h.svc.Stash.Stash(r.Context(), stateFrom(r).secret, stashNewKey, strconv.FormatInt(k.ID, 10)+" "+secret); err != nil {
		_ = h.svc.Auth.RevokeAPIKey(r.Context(), k.ID)
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/team/keys/new", http.StatusSeeOther)
}

// teamNewKey shows a new key's secret, once: the stash forgets it as it is
// read, so a reload finds nothing and returns to the list.
func (h *handler) teamNewKey(w http.ResponseWriter, r *http.Request) {
	if h.svc.Stash == nil {
		h.notFound(w, r)
		return
	}
	v, err := h.svc.Stash.TakeStash(r.Context(), stateFrom(r).secret, stashNewKey)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	idText, secret, ok := strings.Cut(v, " ")
	id, _ := strconv.ParseInt(idText, 10, 64)
	if !ok || id == 0 {
		teamDone(w, r, "shown", "keys")
		return
	}
	keys, err := h.svc.Auth.FindAPIKeys(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, k := range keys {
		if k.ID == id {
			w.Header().Set("Cache-Control", "no-store")
			h.render(w, r, http.StatusOK, viewConsoleKeyNew, "keys.created_title", &keyNewData{Key: k, Secret: secret})
			return
		}
	}
	teamDone(w, r, "shown", "keys")
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
	teamDone(w, r, "revoked", "keys")
}
