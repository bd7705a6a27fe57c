package sqlstore_test

import (
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestOwnedThingsAcrossTenants: an admin of developer B reaches for what
// belongs to developer A where the storage's own check is the only guard
// (the API's tenancy walk covers routes, not these calls). Each attempt
// must answer exactly as for something that does not exist (ENOTFOUND,
// never EFORBIDDEN: a 403 would confirm the thing exists) and change
// nothing.
func TestOwnedThingsAcrossTenants(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		adminA := f.as(f.devA, f.adminA)
		adminB := f.as(f.devB, f.member(t, "dev-b", "admin@b.example", "Admin B", vocdesk.RoleAdmin))

		// Canned replies: B's list holds only B's, and A's reply cannot be
		// changed or deleted by B.
		reply := &vocdesk.CannedReply{Name: "Refund", Locale: "en", Body: "A's words"}
		must(t, f.desk.CreateCannedReply(adminA, reply))
		must(t, f.desk.CreateCannedReply(adminB, &vocdesk.CannedReply{Name: "B only", Locale: "en", Body: "B's words"}))
		list, err := f.desk.FindCannedReplies(adminB, "")
		must(t, err)
		if len(list) != 1 || list[0].Body != "B's words" {
			t.Fatalf("developer B's canned replies: %+v", list)
		}
		wantCode(t, f.desk.UpdateCannedReply(adminB, &vocdesk.CannedReply{ID: reply.ID, Name: "Refund", Locale: "en", Body: "B wrote this"}), vocdesk.ENOTFOUND)
		wantCode(t, f.desk.DeleteCannedReply(adminB, reply.ID), vocdesk.ENOTFOUND)
		list, err = f.desk.FindCannedReplies(adminA, "")
		must(t, err)
		if len(list) != 1 || list[0].Body != "A's words" {
			t.Fatalf("developer A's canned reply after B's attempts: %+v", list)
		}

		// API keys: the key is read by id alone, so the role check is the
		// whole guard. B's admin may not revoke A's key.
		key := &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, DeveloperSlug: "dev-a", Name: "A's server"}
		secret, err := f.auth.CreateAPIKey(asOperator(), key)
		must(t, err)
		wantCode(t, f.auth.RevokeAPIKey(adminB, key.ID), vocdesk.ENOTFOUND)
		if _, err := f.auth.ActorForAPIKey(asOperator(), secret); err != nil {
			t.Fatalf("A's key after B's revoke: %v", err)
		}

		// Members and SLA policies are addressed by the developer's slug.
		wantCode(t, f.devs.CreateMember(adminB, "dev-a", &vocdesk.Member{Email: "mole@b.example", Name: "Mole", Role: vocdesk.RoleAgent}, ""),
			vocdesk.ENOTFOUND)
		wantCode(t, f.desk.SetSLAPolicy(adminB, &vocdesk.SLAPolicy{DeveloperSlug: "dev-a", FirstResponseMinutes: 1, NextResponseMinutes: 1,
			Hours: vocdesk.DefaultBusinessHours()}), vocdesk.ENOTFOUND)
	})
}
