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

// A stashed value is read once, by its own session and name only, is gone
// after ten minutes, and is never stored readable.
func TestSessionStash(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		auth, stash := sqlstore.NewAuthService(db), sqlstore.NewSessionStash(db)
		actor := &vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: f.custA.ID, Name: "Hana"}
		mine, _, err := auth.CreateSession(ctx, actor, time.Hour)
		must(t, err)
		other, _, err := auth.CreateSession(ctx, actor, time.Hour)
		must(t, err)

		const value = "vdk_live_the-one-time-secret"
		must(t, stash.Stash(ctx, mine, "new_key", value))
		var sealed string
		must(t, db.RawForTest().QueryRow(`SELECT sealed FROM session_stash`).Scan(&sealed))
		if strings.Contains(sealed, "one-time-secret") {
			t.Errorf("stored readable: %q", sealed)
		}
		for _, tc := range []struct{ session, name string }{{other, "new_key"}, {mine, "other_name"}, {"vds_nobody", "new_key"}} {
			got, err := stash.TakeStash(ctx, tc.session, tc.name)
			if err != nil || got != "" {
				t.Errorf("take %s as another session or name: %q %v", tc.name, got, err)
			}
		}
		got, err := stash.TakeStash(ctx, mine, "new_key")
		if err != nil || got != value {
			t.Fatalf("take: %q %v", got, err)
		}
		if got, err := stash.TakeStash(ctx, mine, "new_key"); err != nil || got != "" {
			t.Errorf("second take: %q %v; want nothing", got, err)
		}

		// Not read within ten minutes: gone.
		clock := time.Now()
		db.Now = func() time.Time { return clock }
		must(t, stash.Stash(ctx, mine, "new_key", value))
		clock = clock.Add(11 * time.Minute)
		if got, err := stash.TakeStash(ctx, mine, "new_key"); err != nil || got != "" {
			t.Errorf("take after 11 minutes: %q %v", got, err)
		}
		// An ended session takes its values with it.
		must(t, stash.Stash(ctx, other, "new_key", value))
		must(t, auth.DeleteSession(ctx, other))
		var n int
		must(t, db.RawForTest().QueryRow(`SELECT COUNT(*) FROM session_stash`).Scan(&n))
		if n != 0 {
			t.Errorf("%d stashed values outlive their session", n)
		}
		wantCode(t, stash.Stash(ctx, other, "new_key", value), vocdesk.EUNAUTHORIZED)
	})
}
