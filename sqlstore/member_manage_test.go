package sqlstore_test

import (
	"context"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// The team's rules: admins manage agents and viewers, only owners touch
// owners, the last owner stays, keys change nothing, and another
// developer's members are not found.
func TestManageMembers(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		op := asOperator()
		add := func(dev *vocdesk.Developer, email string, role vocdesk.Role) *vocdesk.Member {
			m := &vocdesk.Member{Email: email, Name: email[:3], Role: role}
			must(t, f.devs.CreateMember(op, dev.Slug, m, ""))
			return m
		}
		owner := add(f.devA, "own@a.example", vocdesk.RoleOwner)
		admin := add(f.devA, "adm@a.example", vocdesk.RoleAdmin)
		agent := add(f.devA, "agt@a.example", vocdesk.RoleAgent)
		other := add(f.devB, "oth@b.example", vocdesk.RoleAgent)
		as := func(m *vocdesk.Member) context.Context {
			return vocdesk.NewContextWithActor(context.Background(),
				&vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: m.DeveloperID, MemberID: m.ID, Role: m.Role, Name: m.Name})
		}
		key := vocdesk.NewContextWithActor(context.Background(),
			&vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: f.devA.ID, KeyID: 9, Role: vocdesk.RoleAdmin})

		_, err := f.devs.UpdateMemberRole(as(admin), "dev-a", agent.ID, vocdesk.RoleViewer)
		must(t, err)
		_, err = f.devs.UpdateMemberRole(as(admin), "dev-a", agent.ID, vocdesk.RoleOwner)
		wantCode(t, err, vocdesk.EFORBIDDEN) // an admin makes no owner
		_, err = f.devs.UpdateMemberRole(as(admin), "dev-a", owner.ID, vocdesk.RoleAdmin)
		wantCode(t, err, vocdesk.EFORBIDDEN) // nor touches one
		_, err = f.devs.UpdateMemberRole(as(agent), "dev-a", admin.ID, vocdesk.RoleViewer)
		wantCode(t, err, vocdesk.EFORBIDDEN)
		_, err = f.devs.UpdateMemberRole(key, "dev-a", agent.ID, vocdesk.RoleAgent)
		wantCode(t, err, vocdesk.EFORBIDDEN)
		_, err = f.devs.UpdateMemberRole(as(owner), "dev-a", owner.ID, vocdesk.RoleAdmin)
		wantCode(t, err, vocdesk.EUNPROCESSABLE) // the last owner
		wantCode(t, f.devs.RemoveMember(as(owner), "dev-a", owner.ID), vocdesk.EUNPROCESSABLE)
		_, err = f.devs.UpdateMemberRole(as(owner), "dev-a", other.ID, vocdesk.RoleViewer)
		wantCode(t, err, vocdesk.ENOTFOUND) // B's member, named under A
		_, err = f.devs.UpdateMemberRole(as(owner), "dev-b", other.ID, vocdesk.RoleViewer)
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = f.devs.UpdateMemberRole(as(owner), "dev-a", 987654, vocdesk.RoleViewer)
		wantCode(t, err, vocdesk.ENOTFOUND)

		m, err := f.devs.UpdateMemberRole(as(owner), "dev-a", admin.ID, vocdesk.RoleOwner)
		must(t, err)
		if m.Role != vocdesk.RoleOwner {
			t.Errorf("role %s; want owner", m.Role)
		}
		// Two owners now: the first may step down.
		_, err = f.devs.UpdateMemberRole(as(admin), "dev-a", owner.ID, vocdesk.RoleAdmin)
		wantCode(t, err, vocdesk.EFORBIDDEN) // admin's actor still says admin: roles come from the session
		promoted := *admin
		promoted.Role = vocdesk.RoleOwner
		_, err = f.devs.UpdateMemberRole(as(&promoted), "dev-a", owner.ID, vocdesk.RoleAdmin)
		must(t, err)

		// A removed member's session ends with them.
		auth := sqlstore.NewAuthService(db)
		tok, _, err := auth.CreateSession(context.Background(), &vocdesk.Actor{Realm: vocdesk.RealmDeveloper,
			DeveloperID: f.devA.ID, MemberID: agent.ID, Role: vocdesk.RoleViewer, Name: "agt"}, 0)
		must(t, err)
		wantCode(t, f.devs.RemoveMember(as(agent), "dev-a", admin.ID), vocdesk.EFORBIDDEN)
		must(t, f.devs.RemoveMember(as(&promoted), "dev-a", agent.ID))
		_, err = auth.SessionBySecret(context.Background(), tok)
		wantCode(t, err, vocdesk.EUNAUTHORIZED)
		ms, err := f.devs.FindMembers(as(&promoted), "dev-a")
		must(t, err)
		if len(ms) != 2 {
			t.Errorf("%d members left; want 2", len(ms))
		}
		wantCode(t, f.devs.RemoveMember(as(&promoted), "dev-a", agent.ID), vocdesk.ENOTFOUND)
	})
}

// Owners and admins make their own developer's keys, signed in as persons;
// a key, an agent, or a slug of another developer make none.
func TestDeveloperCreatesOwnKeys(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		auth := sqlstore.NewAuthService(db)
		admin := asDeveloper(f.devA, vocdesk.RoleAdmin)
		k := &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, Name: "billing server"}
		secret, err := auth.CreateAPIKey(admin, k)
		must(t, err)
		if secret == "" || k.DeveloperID != f.devA.ID || k.DeveloperSlug != "dev-a" {
			t.Errorf("key %+v", k)
		}
		a, err := auth.ActorForAPIKey(context.Background(), secret)
		must(t, err)
		if a.DeveloperID != f.devA.ID {
			t.Errorf("the key acts for developer %d", a.DeveloperID)
		}
		_, err = auth.CreateAPIKey(admin, &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, DeveloperSlug: "dev-b", Name: "x"})
		wantCode(t, err, vocdesk.EINVALID)
		_, err = auth.CreateAPIKey(admin, &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, DeveloperSlug: "zulu", Name: "x"})
		wantCode(t, err, vocdesk.EINVALID)
		_, err = auth.CreateAPIKey(admin, &vocdesk.APIKey{Realm: vocdesk.RealmOperator, Name: "x"})
		wantCode(t, err, vocdesk.EINVALID)
		_, err = auth.CreateAPIKey(asDeveloper(f.devA, vocdesk.RoleAgent), &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, Name: "x"})
		wantCode(t, err, vocdesk.EFORBIDDEN)
		_, err = auth.CreateAPIKey(vocdesk.NewContextWithActor(context.Background(), a), &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, Name: "x"})
		wantCode(t, err, vocdesk.EFORBIDDEN)
		keys, err := auth.FindAPIKeys(asDeveloper(f.devB, vocdesk.RoleOwner))
		must(t, err)
		if len(keys) != 0 {
			t.Errorf("developer B sees %d keys", len(keys))
		}
	})
}

// Removing a member who has inquiries and a saved view: the inquiries go
// back to the queue, the view goes with the member, nothing else changes.
func TestRemoveMemberWithWork(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		in := f.ask(t, f.custA, "TXA1", "", "환불 요청", "환불해 주세요")
		aid := f.agentA.ID
		_, err := f.inq.UpdateInquiry(f.asAgentA, in.ID, vocdesk.InquiryUpdate{AssigneeID: &aid})
		must(t, err)
		must(t, f.desk.CreateSavedView(f.asAgentA, &vocdesk.SavedView{Name: "mine", Query: "status=open"}))
		owner := f.member(t, "dev-a", "owner@a.example", "Owner A", vocdesk.RoleOwner)

		must(t, f.devs.RemoveMember(f.as(f.devA, owner), "dev-a", f.agentA.ID))
		got := f.reload(t, f.as(f.devA, owner), in.ID)
		if got.AssigneeID != 0 || got.Subject != "환불 요청" {
			t.Errorf("after removing its assignee: %+v", got)
		}
		ms, err := f.devs.FindMembers(f.as(f.devA, owner), "dev-a")
		must(t, err)
		for _, m := range ms {
			if m.ID == f.agentA.ID {
				t.Error("the removed member is still listed")
			}
		}
	})
}
