package sqlstore_test

import (
	"context"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// Migration 00060 turns store-wide member emails into per-developer ones:
// a member stored before it still signs in after it, and the same email may
// then join another developer.
func TestMembersPerDeveloperMigration(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		must(t, f.devs.CreateMember(asOperator(), "dev-a", &vocdesk.Member{Email: "Ana@Example.com", Name: "Ana", Role: vocdesk.RoleOwner}, "ana-password-a"))
		must(t, db.MigrateDownToForTest(ctx, 59))
		must(t, db.Migrate(ctx))
		a, err := f.auth.Authenticate(ctx, vocdesk.RealmDeveloper, "ana@example.com", "ana-password-a")
		if err != nil || a.DeveloperID != f.devA.ID {
			t.Fatalf("sign-in after the migration: %+v %v", a, err)
		}
		must(t, f.devs.CreateMember(asOperator(), "dev-b", &vocdesk.Member{Email: "ana@example.com", Name: "Ana", Role: vocdesk.RoleAgent}, "ana-password-b"))
		b, err := f.auth.Authenticate(ctx, vocdesk.RealmDeveloper, "ANA@example.com", "ana-password-b")
		if err != nil || b.DeveloperID != f.devB.ID || b.Role != vocdesk.RoleAgent {
			t.Fatalf("the second membership's password: %+v %v", b, err)
		}
		if _, err := f.auth.Authenticate(ctx, vocdesk.RealmDeveloper, "ana@example.com", "wrong-password"); vocdesk.ErrorCode(err) != vocdesk.EUNAUTHORIZED {
			t.Fatalf("wrong password: %v", err)
		}
	})
}
