package web_test

import (
	"github.com/vocdesk/vocdesk"
)

// seedConnector gives the tenant a social connector, for the tenancy walk's
// /social-connectors/{id}.
func (e *env) seedConnector(tn tenant) int64 {
	t := e.t
	t.Helper()
	dev, err := e.svc.Developers.FindDeveloperBySlug(systemCtx(), tn.slug)
	if err != nil {
		t.Fatalf("seed connector: %v", err)
	}
	ctx := vocdesk.NewContextWithActor(e.t.Context(), &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: dev.ID, Role: vocdesk.RoleOwner, Name: "Owner"})
	c := &vocdesk.SocialConnector{Network: "x", Name: "@" + tn.slug, AppSlug: tn.app}
	if err := e.svc.Social.CreateConnector(ctx, c); err != nil {
		t.Fatalf("seed connector: %v", err)
	}
	return c.ID
}
