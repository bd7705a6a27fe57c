package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An owner manages the team and the developer's API keys from the console:
// adds a member, changes a role, creates a key whose secret is shown once
// (a reload neither shows it again nor creates another), and revokes it.
func TestConsoleTeamAndKeys(t *testing.T) {
	s := Start(t)
	m := s.M
	s.LoginAs("/developer/login", m.HoppinOwner)
	s.ClickLink("Team & keys")
	s.WaitLocation("/console/team")
	s.WaitText("Team and API keys", m.HoppinViewer.Email, m.HoppinAgent.Email, "No API keys yet.")

	s.Do(
		chromedp.SetValue(chromedp.ID("m-name"), "Sora Shin"),
		chromedp.SetValue(chromedp.ID("m-email"), "sora@hoppin.test"),
		chromedp.SetValue(chromedp.ID("m-password"), "sora-password-1"),
	)
	s.Click(`#add-member button[type="submit"]`)
	s.WaitLocation("/console/team#members")
	s.WaitText("Member added.", "sora@hoppin.test")

	// Create a key: the redirect shows the secret once.
	s.Do(chromedp.SetValue(chromedp.ID("k-name"), "billing server"))
	s.Click(`#create-key button[type="submit"]`)
	s.WaitLocation("/console/team/keys/new")
	s.WaitText("API key created", "billing server", "will not be shown again")
	secret := s.value("#secret")
	if secret == "" || strings.Contains(s.Location(), secret) {
		t.Fatalf("secret %q, location %s", secret, s.Location())
	}
	s.Shot("key-new")
	s.Do(chromedp.Reload())
	s.WaitLocation("/console/team#keys")
	s.WaitText("shown only once")
	if body := s.BodyText(); strings.Contains(body, secret) {
		t.Error("the reload shows the secret again")
	}
	if n := evalJS[int](s, `document.querySelectorAll("#key-list tbody tr").length`); n != 1 {
		t.Errorf("%d keys after a reload; want 1", n)
	}
	s.Look("/console/team", "team")

	// Revoke it (the confirmation is accepted).
	s.Do(chromedp.Evaluate[chromedp.Void](`window.confirm = () => true; 0`))
	s.Click(`#key-list form[action$="/revoke"] button`)
	// The page it lands on has the address of the one it left
	// (/console/team#keys): its flash tells them apart.
	s.WaitText("Key revoked.", "Revoked")
	s.WaitLocation("/console/team#keys")
}
