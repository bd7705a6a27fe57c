package sqlstore_test

import (
	"context"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestDevelopers(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		op := asOperator()

		wantCode(t, f.devs.CreateDeveloper(op, &vocdesk.Developer{Slug: "dev-a", Name: "x", Email: "x@x.example"}), vocdesk.ECONFLICT)
		wantCode(t, f.devs.CreateDeveloper(op, &vocdesk.Developer{Slug: "Bad Slug", Name: "x", Email: "x@x.example"}), vocdesk.EINVALID)
		wantCode(t, f.devs.CreateDeveloper(context.Background(), &vocdesk.Developer{Slug: "anon", Name: "x", Email: "x@x.example"}), vocdesk.EUNAUTHORIZED)
		// Operator-only actions look like nothing to other realms.
		wantCode(t, f.devs.CreateDeveloper(asDeveloper(f.devA, vocdesk.RoleOwner), &vocdesk.Developer{Slug: "c", Name: "x", Email: "x@x.example"}), vocdesk.ENOTFOUND)
		wantCode(t, f.devs.CreateApp(asCustomer(f.custA), &vocdesk.App{DeveloperSlug: "dev-a", Slug: "z", Name: "z"}), vocdesk.ENOTFOUND)
		wantCode(t, f.devs.CreateApp(op, &vocdesk.App{DeveloperSlug: "nope", Slug: "z", Name: "z"}), vocdesk.EINVALID)
		wantCode(t, f.devs.CreateApp(op, &vocdesk.App{DeveloperSlug: "dev-b", Slug: "app-a", Name: "z"}), vocdesk.ECONFLICT)

		d, err := f.devs.FindDeveloperBySlug(asDeveloper(f.devA, vocdesk.RoleViewer), "dev-a")
		if err != nil || d.ID != f.devA.ID || d.CreatedAt.IsZero() {
			t.Fatalf("own developer: %+v %v", d, err)
		}
		_, err = f.devs.FindDeveloperBySlug(asDeveloper(f.devA, vocdesk.RoleOwner), "dev-b")
		wantCode(t, err, vocdesk.ENOTFOUND)
		list, err := f.devs.FindDevelopers(op)
		must(t, err)
		if len(list) != 2 {
			t.Fatalf("operator sees %d developers", len(list))
		}
		list, err = f.devs.FindDevelopers(asDeveloper(f.devB, vocdesk.RoleAgent))
		must(t, err)
		if len(list) != 1 || list[0].Slug != "dev-b" {
			t.Fatalf("developer B sees %+v", list)
		}

		apps, err := f.devs.FindApps(asDeveloper(f.devA, vocdesk.RoleViewer), vocdesk.AppFilter{})
		must(t, err)
		if len(apps) != 1 || apps[0].Slug != "app-a" || apps[0].DeveloperSlug != "dev-a" {
			t.Fatalf("developer A's apps: %+v", apps)
		}
		apps, err = f.devs.FindApps(asDeveloper(f.devA, vocdesk.RoleViewer), vocdesk.AppFilter{Slug: "app-b"})
		must(t, err)
		if len(apps) != 0 {
			t.Fatalf("developer A sees app B")
		}
		apps, err = f.devs.FindApps(op, vocdesk.AppFilter{DeveloperSlug: "dev-b"})
		must(t, err)
		if len(apps) != 1 || apps[0].Slug != "app-b" {
			t.Fatalf("operator, developer B's apps: %+v", apps)
		}

		it := &vocdesk.Item{AppSlug: "app-a", SKU: "gems-100", Name: "100 gems", Price: &vocdesk.Money{Amount: 1200, Currency: "KRW"}}
		must(t, f.devs.CreateItem(op, it))
		it2 := &vocdesk.Item{AppSlug: "app-a", SKU: "gems-100", Name: "100 shiny gems"}
		must(t, f.devs.CreateItem(op, it2))
		if it2.ID != it.ID {
			t.Fatalf("item update made a new item")
		}
		wantCode(t, f.devs.CreateItem(asDeveloper(f.devA, vocdesk.RoleOwner), it2), vocdesk.ENOTFOUND)
	})
}

func TestMembers(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		owner := &vocdesk.Member{Email: "Owner@Dev-A.example", Name: "Owner", Role: vocdesk.RoleOwner}
		must(t, f.devs.CreateMember(asOperator(), "dev-a", owner, "s3cret-pass"))

		admin := asDeveloper(f.devA, vocdesk.RoleAdmin)
		must(t, f.devs.CreateMember(admin, "dev-a", &vocdesk.Member{Email: "agent@dev-a.example", Name: "Agent", Role: vocdesk.RoleAgent}, ""))
		// An admin may not create an owner; an agent may not create anyone.
		wantCode(t, f.devs.CreateMember(admin, "dev-a", &vocdesk.Member{Email: "o2@dev-a.example", Name: "O2", Role: vocdesk.RoleOwner}, ""), vocdesk.EFORBIDDEN)
		wantCode(t, f.devs.CreateMember(asDeveloper(f.devA, vocdesk.RoleViewer), "dev-a", &vocdesk.Member{Email: "v@dev-a.example", Name: "V", Role: vocdesk.RoleViewer}, ""), vocdesk.EFORBIDDEN)
		// Another developer's organisation does not exist for B.
		wantCode(t, f.devs.CreateMember(asDeveloper(f.devB, vocdesk.RoleOwner), "dev-a", &vocdesk.Member{Email: "x@dev-b.example", Name: "X", Role: vocdesk.RoleViewer}, ""), vocdesk.ENOTFOUND)
		// Emails are unique within a developer, whatever their case; the same
		// person may be a member of another developer too (issue 16).
		wantCode(t, f.devs.CreateMember(asOperator(), "dev-a", &vocdesk.Member{Email: "OWNER@dev-a.example", Name: "Dup", Role: vocdesk.RoleViewer}, ""), vocdesk.ECONFLICT)
		must(t, f.devs.CreateMember(asOperator(), "dev-b", &vocdesk.Member{Email: "owner@dev-a.example", Name: "Also B", Role: vocdesk.RoleViewer}, ""))

		ms, err := f.devs.FindMembers(asDeveloper(f.devA, vocdesk.RoleViewer), "dev-a")
		must(t, err)
		if len(ms) != 2 {
			t.Fatalf("members: %+v", ms)
		}
		_, err = f.devs.FindMembers(asDeveloper(f.devB, vocdesk.RoleOwner), "dev-a")
		wantCode(t, err, vocdesk.ENOTFOUND)

		must(t, f.devs.CreateOperator(asOperator(), &vocdesk.Operator{Email: "ops@store.example", Name: "Ops"}, "operator-pass"))
		wantCode(t, f.devs.CreateOperator(asDeveloper(f.devA, vocdesk.RoleOwner), &vocdesk.Operator{Email: "x@store.example", Name: "X"}, ""), vocdesk.ENOTFOUND)
	})
}
