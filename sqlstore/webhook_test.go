package sqlstore_test

import (
	"context"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestWebhookRead checks that every member of a developer reads its own
// endpoint and nobody else's, and that reading never hands out the secret.
func TestWebhookRead(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		hooks := sqlstore.NewWebhookService(db)
		viewerA := asDeveloper(f.devA, vocdesk.RoleViewer)

		_, err := hooks.Webhook(viewerA)
		wantCode(t, err, vocdesk.ENOTFOUND)

		set, err := hooks.SetWebhook(asDeveloper(f.devA, vocdesk.RoleAdmin), " https://hooks.dev-a.example/vocdesk ", false)
		must(t, err)
		if set.Secret == "" {
			t.Fatal("SetWebhook gave no secret")
		}
		ep, err := hooks.Webhook(viewerA)
		must(t, err)
		if ep.URL != "https://hooks.dev-a.example/vocdesk" || ep.DeveloperID != f.devA.ID || ep.CreatedAt.IsZero() || ep.UpdatedAt.IsZero() {
			t.Errorf("Webhook() = %+v", ep)
		}
		if ep.Secret != "" {
			t.Error("Webhook() hands out the secret")
		}

		// Developer B has none of its own and never sees A's; customers and
		// operators have no endpoint to read.
		for name, ctx := range map[string]context.Context{
			"developer B": asDeveloper(f.devB, vocdesk.RoleOwner),
			"customer":    asCustomer(f.custA),
			"operator":    asOperator(),
		} {
			if _, err := hooks.Webhook(ctx); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
				t.Errorf("%s: Webhook() error %v, want ENOTFOUND", name, err)
			}
		}
		_, err = hooks.Webhook(context.Background())
		wantCode(t, err, vocdesk.EUNAUTHORIZED)
	})
}
