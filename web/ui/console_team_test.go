package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// Owners manage the team and their keys from the console. Every form
// answers with a redirect; a new key's secret is shown once, on the page
// the redirect leads to, and never in a URL: reloading shows it no more.
func TestConsoleTeamAndKeys(t *testing.T) {
	e := newEnv(t, sqlstoretest.OpenSQLite(t), nil)
	m := e.m
	owner := e.browser()
	owner.login("/developer/login", m.HoppinOwner.Email, "/console")
	page := owner.get("/console/team")
	wantStatus(t, page, http.StatusOK)
	wantContains(t, page, m.HoppinViewer.Email, m.HoppinAgent.Email, `action="/console/team/keys"`, `action="/console/team/members"`)
	wantLacks(t, page, m.NimbusOwner.Email)

	// A key: post, redirect, the secret once.
	r := owner.post("/console/team/keys", url.Values{"name": {"billing server"}})
	wantRedirect(t, r, "/console/team/keys/new")
	page = owner.get("/console/team/keys/new")
	wantStatus(t, page, http.StatusOK)
	if cc := page.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the secret's page is sent with Cache-Control %q; want no-store", cc)
	}
	secret := regexp.MustCompile(`id="secret" class="mono" readonly value="([^"]+)"`).FindStringSubmatch(page.body)
	if secret == nil {
		t.Fatalf("no secret on the page:\n%s", page.body)
	}
	wantRedirect(t, owner.get("/console/team/keys/new"), "/console/team#keys")
	page = owner.get("/console/team")
	wantContains(t, page, "billing server", "shown only once")
	wantLacks(t, page, secret[1])
	// The key works, for this developer.
	keys, err := m.Svc.Auth.ActorForAPIKey(t.Context(), secret[1])
	if err != nil || keys.DeveloperID != m.Hoppin.ID {
		t.Fatalf("the new key acts as %+v (%v)", keys, err)
	}
	id := regexp.MustCompile(`action="/console/team/keys/(\d+)/revoke"`).FindStringSubmatch(page.body)
	wantRedirect(t, owner.post("/console/team/keys/"+id[1]+"/revoke", url.Values{}), "/console/team#keys")
	if _, err := m.Svc.Auth.ActorForAPIKey(t.Context(), secret[1]); err == nil {
		t.Error("the revoked key still works")
	}

	// Members: add, change the role, remove; each a redirect.
	wantRedirect(t, owner.post("/console/team/members", url.Values{"name": {"Sora"}, "email": {"sora@hoppin.test"},
		"role": {"agent"}, "password": {"sora-password-1"}}), "/console/team#members")
	sora := e.browser()
	sora.get("/developer/login")
	wantRedirect(t, sora.post("/developer/login", url.Values{"email": {"sora@hoppin.test"}, "password": {"sora-password-1"}}), "/console")
	page = owner.get("/console/team")
	sid := regexp.MustCompile(`<tr id="member-(\d+)"><td>Sora`).FindStringSubmatch(page.body)
	if sid == nil {
		t.Fatalf("Sora is not listed:\n%s", page.body)
	}
	wantRedirect(t, owner.post("/console/team/members/"+sid[1]+"/role", url.Values{"role": {"viewer"}}), "/console/team#members")
	// A short first password is refused, and what was typed stays.
	r = owner.post("/console/team/members", url.Values{"name": {"Short"}, "email": {"short@hoppin.test"}, "role": {"agent"}, "password": {"short"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantContains(t, r, "10 characters", `value="short@hoppin.test"`)
	// The last owner stays an owner, and says why.
	r = owner.post("/console/team/members/"+strconv.FormatInt(m.HoppinOwner.ID, 10)+"/role", url.Values{"role": {"admin"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantContains(t, r, "only owner")

	// A viewer reads the team, changes nothing, sees no keys.
	viewer := e.browser()
	viewer.login("/developer/login", m.HoppinViewer.Email, "/console")
	page = viewer.get("/console/team")
	wantContains(t, page, "sora@hoppin.test")
	wantLacks(t, page, `action="/console/team/keys"`, "billing server", `/remove"`)
	wantStatus(t, viewer.post("/console/team/members/"+sid[1]+"/remove", url.Values{}), http.StatusForbidden)
	wantStatus(t, viewer.post("/console/team/keys", url.Values{"name": {"x"}}), http.StatusForbidden)

	// Another developer's owner finds neither the member nor the key.
	other := e.browser()
	other.login("/developer/login", m.NimbusOwner.Email, "/console")
	wantLacks(t, other.get("/console/team"), "sora@hoppin.test")
	wantStatus(t, other.post("/console/team/members/"+sid[1]+"/remove", url.Values{}), http.StatusNotFound)
	wantStatus(t, other.post("/console/team/members/"+sid[1]+"/role", url.Values{"role": {"owner"}}), http.StatusNotFound)
	wantStatus(t, other.post("/console/team/keys/"+id[1]+"/revoke", url.Values{}), http.StatusNotFound)

	// Removed: signed out at once.
	wantRedirect(t, owner.post("/console/team/members/"+sid[1]+"/remove", url.Values{}), "/console/team#members")
	if r := sora.get("/console"); r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "/developer/login") {
		t.Errorf("a removed member's session still opens the console: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

// An admin manages agents and viewers but is offered no control over an
// owner, and no "owner" to pick.
func TestConsoleTeamAdminSeesNoOwnerControls(t *testing.T) {
	e := newEnv(t, sqlstoretest.OpenSQLite(t), nil)
	m := e.m
	owner := e.browser()
	owner.login("/developer/login", m.HoppinOwner.Email, "/console")
	owner.get("/console/team")
	wantRedirect(t, owner.post("/console/team/members/"+strconv.FormatInt(m.HoppinAgent.ID, 10)+"/role", url.Values{"role": {"admin"}}),
		"/console/team#members")
	admin := e.browser()
	admin.login("/developer/login", m.HoppinAgent.Email, "/console")
	page := admin.get("/console/team")
	wantContains(t, page, `action="/console/team/members/`+strconv.FormatInt(m.HoppinViewer.ID, 10)+`/role"`)
	wantLacks(t, page, `action="/console/team/members/`+strconv.FormatInt(m.HoppinOwner.ID, 10)+`/role"`,
		`action="/console/team/members/`+strconv.FormatInt(m.HoppinOwner.ID, 10)+`/remove"`, `<option value="owner"`)
	// And the service says no all the same.
	r := admin.post("/console/team/members/"+strconv.FormatInt(m.HoppinOwner.ID, 10)+"/remove", url.Values{})
	wantStatus(t, r, http.StatusForbidden)
	wantContains(t, r, "ask an owner or admin")
}
