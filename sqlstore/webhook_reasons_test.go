package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestWebhookAttemptsKeepReasons: an attempt keeps its failure's kind and
// values beside its English error (migration 00151), on the attempt and as
// the delivery's last, so that the console words it in the reader's
// language; an attempt kept before the migration reads back with its
// English alone.
func TestWebhookAttemptsKeepReasons(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		hooks := sqlstore.NewWebhookService(db)
		admin := asDeveloper(f.devA, vocdesk.RoleAdmin)
		_, err := hooks.SetWebhook(admin, "https://hooks.dev-a.example/in", false)
		must(t, err)
		del, err := hooks.SendTestEvent(admin)
		must(t, err)

		// An attempt kept before the migration, then the migration undone
		// and done again over it (its Down and its Up).
		must(t, db.MigrateDownToForTest(ctx, 150))
		_, err = db.RawForTest().ExecContext(ctx, db.RebindForTest(`INSERT INTO webhook_attempts (delivery_id, at, status_code, error, duration_us)
			VALUES ($1, 1, 0, 'webhooks: dial failed: connection refused', 10)`), del.ID)
		must(t, err)
		_, err = db.RawForTest().ExecContext(ctx, db.RebindForTest(`UPDATE webhook_deliveries SET attempts = 1,
			last_error = 'webhooks: dial failed: connection refused' WHERE id = $1`), del.ID)
		must(t, err)
		must(t, db.RedoMigrationForTest(ctx, 151))
		ds, _, err := hooks.FindWebhookDeliveries(admin, vocdesk.WebhookDeliveryFilter{})
		must(t, err)
		if len(ds) != 1 || ds[0].LastError != "webhooks: dial failed: connection refused" || ds[0].LastReason != "" ||
			len(ds[0].LastArgs) != 0 || len(ds[0].Log) != 1 || ds[0].Log[0].Reason != "" || len(ds[0].Log[0].Args) != 0 {
			t.Fatalf("kept before: %+v", ds)
		}

		long := strings.Repeat("가", 100) // 300 bytes, cut on a character
		now := time.Now()
		for i, a := range []vocdesk.WebhookAttempt{
			{Error: "webhooks: dial failed: connection refused", Reason: "net_refused"},
			{StatusCode: 500, Error: "webhooks: the server answered 500 Internal Server Error", Reason: "net_status_body",
				Args: []string{"500 Internal Server Error", long}},
		} {
			a.At, a.Duration = now.Add(time.Duration(i)*time.Second), time.Millisecond
			must(t, hooks.RecordAttempt(asOperator(), del.ID, a, false, false))
		}
		ds, _, err = hooks.FindWebhookDeliveries(admin, vocdesk.WebhookDeliveryFilter{})
		must(t, err)
		d := ds[0]
		if d.LastReason != "net_status_body" || len(d.LastArgs) != 2 || d.LastArgs[0] != "500 Internal Server Error" ||
			len(d.LastArgs[1]) > 200 || !strings.HasPrefix(long, d.LastArgs[1]) || d.LastError != "webhooks: the server answered 500 Internal Server Error" {
			t.Errorf("the delivery's last: %q %q %q", d.LastError, d.LastReason, d.LastArgs)
		}
		if len(d.Log) != 3 {
			t.Fatalf("log: %+v", d.Log)
		}
		got := []string{}
		for _, a := range d.Log {
			got = append(got, fmt.Sprintf("%s %q", a.Reason, a.Args))
		}
		want := []string{fmt.Sprintf("net_status_body %q", d.LastArgs), "net_refused []", " []"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("log kinds %q, want %q", got, want)
		}

		// A later success leaves no kind behind.
		must(t, hooks.RecordAttempt(asOperator(), del.ID, vocdesk.WebhookAttempt{At: now.Add(time.Minute), StatusCode: 204}, true, false))
		ds, _, err = hooks.FindWebhookDeliveries(admin, vocdesk.WebhookDeliveryFilter{})
		must(t, err)
		if ds[0].LastReason != "" || len(ds[0].LastArgs) != 0 {
			t.Errorf("after a success: %q %q", ds[0].LastReason, ds[0].LastArgs)
		}
	})
}
