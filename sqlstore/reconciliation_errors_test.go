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

// TestReconErrorsKeepReasons: a report keeps each unreadable row's reason
// and values beside its English message (migration 00150), so that its
// page words it in the reader's language; a row kept before the migration
// reads back with its English alone.
func TestReconErrorsKeepReasons(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newReconFixture(t, db)

		// A report kept before the migration, then the migration undone
		// and done again over it (its Down and its Up).
		must(t, db.MigrateDownToForTest(ctx, 149))
		var oldID int64
		must(t, db.RawForTest().QueryRowContext(ctx, db.RebindForTest(`INSERT INTO reconciliations (developer_id, source,
			file_name, format, from_at, to_at, counts, store_rows, server_rows, invalid_rows, exceptions, errors, created_at)
			VALUES ($1, 'upload', 'old.csv', 'csv', 0, 1, '{}', 0, 1, 1, 0, 1, 0) RETURNING id`), f.devA.ID).Scan(&oldID))
		_, err := db.RawForTest().ExecContext(ctx, db.RebindForTest(`INSERT INTO recon_errors (reconciliation_id, seq, source, line, message)
			VALUES ($1, 1, 'old.csv', 2, 'amount "abc" is not a decimal number')`), oldID)
		must(t, err)
		must(t, db.RedoMigrationForTest(ctx, 150))
		old, err := f.svc.FindReconErrors(f.a, oldID, 10)
		must(t, err)
		if len(old) != 1 || old[0].Message != `amount "abc" is not a decimal number` || old[0].Reason != "" || len(old[0].Args) != 0 {
			t.Errorf("a row kept before: %+v", old)
		}

		long := strings.Repeat("가", 100) // 300 bytes, cut on a character
		log := "txid,tid,amount,currency\n" +
			"TX-A1,order-A1,abc,KRW\n" + // 2
			"TX-A1,order-A1,12.5,KRW\n" + // 3
			"TX-A1,order-A1,1200\n" + // 4
			"TX-A1,order-A1,1200,XYZ\n" + // 5
			"TX-A1,\"order\"A1,1200,KRW\n" + // 6
			"TX-A1,order-A1," + long + ",KRW\n" // 7
		rep, err := f.svc.Reconcile(f.a, vocdesk.ReconcileInput{Source: vocdesk.ReconUpload, Log: strings.NewReader(log),
			FileName: "server.csv", From: t0.Add(-time.Hour), To: t0.Add(time.Hour)})
		must(t, err)
		errs, err := f.svc.FindReconErrors(f.a, rep.ID, 10)
		must(t, err)
		want := []vocdesk.ReconRowError{
			{Source: "server.csv", Line: 2, Message: `amount "abc" is not a decimal number`, Reason: "amount_invalid", Args: []string{"abc"}},
			{Source: "server.csv", Line: 3, Message: `amount "12.5" has more decimals than KRW allows (0)`, Reason: "amount_whole", Args: []string{"12.5", "KRW"}},
			{Source: "server.csv", Line: 4, Message: "wrong number of fields: 3, want 4", Reason: "recon_field_count", Args: []string{"3", "4"}},
			{Source: "server.csv", Line: 5, Message: `unknown currency "XYZ"`, Reason: "currency_unknown", Args: []string{"XYZ"}},
			{Source: "server.csv", Line: 6, Message: "extraneous character after a closing quote", Reason: "recon_csv_after_quote"},
		}
		if len(errs) != len(want)+1 {
			t.Fatalf("%d rows read back, want %d: %+v", len(errs), len(want)+1, errs)
		}
		for i, w := range want {
			if g := errs[i]; g.Source != w.Source || g.Line != w.Line || g.Message != w.Message || g.Reason != w.Reason ||
				fmt.Sprint(g.Args) != fmt.Sprint(w.Args) {
				t.Errorf("row %d read back as %+v, want %+v", i, g, w)
			}
		}
		// A value is a field of the file: kept to 200 bytes, whole characters.
		if g := errs[len(want)]; g.Reason != "amount_invalid" || len(g.Args) != 1 || len(g.Args[0]) > 200 ||
			!strings.HasPrefix(long, g.Args[0]) {
			t.Errorf("a long value read back as %+v", g)
		}
	})
}
