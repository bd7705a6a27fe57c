package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestAuthenticateAndSessions(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		op := asOperator()
		cust := &vocdesk.Customer{Email: "Hana@Example.com", Name: "Hana"}
		must(t, f.customers.CreateCustomer(op, cust, "hana-password"))
		member := &vocdesk.Member{Email: "agent@dev-a.example", Name: "Agent", Role: vocdesk.RoleAgent}
		must(t, f.devs.CreateMember(op, "dev-a", member, "agent-password"))
		oper := &vocdesk.Operator{Email: "ops@store.example", Name: "Ops"}
		must(t, f.devs.CreateOperator(op, oper, "ops-password"))
		ctx := context.Background()

		a, err := f.auth.Authenticate(ctx, vocdesk.RealmCustomer, "hana@example.com", "hana-password")
		if err != nil || a.CustomerID != cust.ID || !a.IsCustomer() {
			t.Fatalf("customer sign-in: %+v %v", a, err)
		}
		a, err = f.auth.Authenticate(ctx, vocdesk.RealmDeveloper, "agent@dev-a.example", "agent-password")
		if err != nil || a.DeveloperID != f.devA.ID || a.MemberID != member.ID || a.Role != vocdesk.RoleAgent {
			t.Fatalf("member sign-in: %+v %v", a, err)
		}
		memberActor := a
		a, err = f.auth.Authenticate(ctx, vocdesk.RealmOperator, "ops@store.example", "ops-password")
		if err != nil || a.OperatorID != oper.ID || !a.IsOperator() {
			t.Fatalf("operator sign-in: %+v %v", a, err)
		}
		for _, c := range []struct {
			realm           vocdesk.Realm
			email, password string
		}{
			{vocdesk.RealmCustomer, "hana@example.com", "wrong-password"},
			{vocdesk.RealmCustomer, "nobody@example.com", "hana-password"},
			{vocdesk.RealmCustomer, f.custA.Email, ""}, // no password set
			{vocdesk.RealmOperator, "hana@example.com", "hana-password"},
		} {
			_, err := f.auth.Authenticate(ctx, c.realm, c.email, c.password)
			wantCode(t, err, vocdesk.EUNAUTHORIZED)
		}

		clock := t0
		db.Now = func() time.Time { return clock }
		secretTok, sess, err := f.auth.CreateSession(ctx, memberActor, time.Hour)
		must(t, err)
		if !strings.HasPrefix(secretTok, "vds_") || sess.CSRFToken == "" || !sess.ExpiresAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("session %q %+v", secretTok, sess)
		}
		got, err := f.auth.SessionBySecret(ctx, secretTok)
		must(t, err)
		if got.Actor.MemberID != member.ID || got.Actor.DeveloperID != f.devA.ID || got.Actor.Role != vocdesk.RoleAgent || got.CSRFToken != sess.CSRFToken {
			t.Fatalf("session by secret: %+v", got)
		}
		_, err = f.auth.SessionBySecret(ctx, secretTok+"x")
		wantCode(t, err, vocdesk.EUNAUTHORIZED)
		clock = t0.Add(time.Hour + time.Second)
		_, err = f.auth.SessionBySecret(ctx, secretTok)
		wantCode(t, err, vocdesk.EUNAUTHORIZED)

		clock = t0
		tok2, _, err := f.auth.CreateSession(ctx, &vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: cust.ID, Name: "Hana"}, 0)
		must(t, err)
		must(t, f.auth.DeleteSession(ctx, tok2))
		_, err = f.auth.SessionBySecret(ctx, tok2)
		wantCode(t, err, vocdesk.EUNAUTHORIZED)
		_, _, err = f.auth.CreateSession(ctx, &vocdesk.Actor{}, time.Hour)
		wantCode(t, err, vocdesk.EINVALID)
	})
}

func TestAPIKeys(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		op := asOperator()
		ctx := context.Background()
		clock := t0
		db.Now = func() time.Time { return clock }

		opKey := &vocdesk.APIKey{Realm: vocdesk.RealmOperator, Name: "billing"}
		opSecret, err := f.auth.CreateAPIKey(op, opKey)
		must(t, err)
		if !strings.HasPrefix(opSecret, opKey.Prefix+"_") || !strings.HasPrefix(opKey.Prefix, "vdk_live_") {
			t.Fatalf("key %q prefix %q", opSecret, opKey.Prefix)
		}
		devKey := &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, DeveloperSlug: "dev-a", Name: "server"}
		devSecret, err := f.auth.CreateAPIKey(op, devKey)
		must(t, err)
		// A customer makes no key. (An owner makes its own developer's:
		// TestDeveloperCreatesOwnKeys has those rules.)
		_, err = f.auth.CreateAPIKey(vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: f.custA.ID}),
			&vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, DeveloperSlug: "dev-a"})
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = f.auth.CreateAPIKey(op, &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, DeveloperSlug: "ghost"})
		wantCode(t, err, vocdesk.EINVALID)

		a, err := f.auth.ActorForAPIKey(ctx, opSecret)
		if err != nil || !a.IsOperator() || a.KeyID != opKey.ID {
			t.Fatalf("operator key: %+v %v", a, err)
		}
		a, err = f.auth.ActorForAPIKey(ctx, devSecret)
		if err != nil || !a.IsDeveloper() || a.DeveloperID != f.devA.ID || a.KeyID != devKey.ID {
			t.Fatalf("developer key: %+v %v", a, err)
		}
		for _, bad := range []string{"", "vdk_live_nope", flipLast(devSecret), opKey.Prefix} {
			_, err := f.auth.ActorForAPIKey(ctx, bad)
			wantCode(t, err, vocdesk.EUNAUTHORIZED)
		}

		lastUsed := func(id int64) time.Time {
			t.Helper()
			keys, err := f.auth.FindAPIKeys(op)
			must(t, err)
			for _, k := range keys {
				if k.ID == id && k.LastUsedAt != nil {
					return *k.LastUsedAt
				}
			}
			return time.Time{}
		}
		// The process's first use is written at once; the developer key's,
		// in the same minute, waits for the next batch.
		if got := lastUsed(opKey.ID); !got.Equal(t0) {
			t.Fatalf("operator key last used %v, want %v", got, t0)
		}
		if got := lastUsed(devKey.ID); !got.IsZero() {
			t.Fatalf("developer key last used %v, want not yet written", got)
		}
		clock = t0.Add(30 * time.Second) // within the minute: not written
		_, err = f.auth.ActorForAPIKey(ctx, devSecret)
		must(t, err)
		if got := lastUsed(devKey.ID); !got.IsZero() {
			t.Fatalf("developer key last used %v, want not yet written", got)
		}
		clock = t0.Add(61 * time.Second) // a minute on: the batch is written, with the latest use
		_, err = f.auth.ActorForAPIKey(ctx, devSecret)
		must(t, err)
		if got := lastUsed(devKey.ID); !got.Equal(clock) {
			t.Fatalf("last used %v, want %v", got, clock)
		}
		// What is left when the process stops is written by Close.
		clock = t0.Add(62 * time.Second)
		_, err = f.auth.ActorForAPIKey(ctx, opSecret)
		must(t, err)
		if got := lastUsed(opKey.ID); !got.Equal(t0) {
			t.Fatalf("operator key last used %v, want still %v", got, t0)
		}
		must(t, db.WriteKeyUsesForTest(ctx))
		if got := lastUsed(opKey.ID); !got.Equal(clock) {
			t.Fatalf("operator key last used %v after the final write, want %v", got, clock)
		}

		keys, err := f.auth.FindAPIKeys(asDeveloper(f.devA, vocdesk.RoleViewer))
		must(t, err)
		if len(keys) != 1 || keys[0].ID != devKey.ID || keys[0].DeveloperSlug != "dev-a" {
			t.Fatalf("developer A's keys: %+v", keys)
		}
		keys, err = f.auth.FindAPIKeys(asDeveloper(f.devB, vocdesk.RoleOwner))
		must(t, err)
		if len(keys) != 0 {
			t.Fatalf("developer B sees %d keys", len(keys))
		}

		wantCode(t, f.auth.RevokeAPIKey(asDeveloper(f.devB, vocdesk.RoleOwner), devKey.ID), vocdesk.ENOTFOUND)
		wantCode(t, f.auth.RevokeAPIKey(asDeveloper(f.devA, vocdesk.RoleAdmin), opKey.ID), vocdesk.ENOTFOUND)
		wantCode(t, f.auth.RevokeAPIKey(asDeveloper(f.devA, vocdesk.RoleViewer), devKey.ID), vocdesk.EFORBIDDEN)
		wantCode(t, f.auth.RevokeAPIKey(op, 424242), vocdesk.ENOTFOUND)
		must(t, f.auth.RevokeAPIKey(asDeveloper(f.devA, vocdesk.RoleAdmin), devKey.ID))
		must(t, f.auth.RevokeAPIKey(op, devKey.ID)) // twice is fine
		_, err = f.auth.ActorForAPIKey(ctx, devSecret)
		wantCode(t, err, vocdesk.EUNAUTHORIZED)
		_, err = f.auth.ActorForAPIKey(ctx, opSecret)
		must(t, err)
	})
}

// flipLast changes a secret's last character, always to a different one.
func flipLast(s string) string {
	if s[len(s)-1] == 'X' {
		return s[:len(s)-1] + "Y"
	}
	return s[:len(s)-1] + "X"
}
