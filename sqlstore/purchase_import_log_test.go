package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestImportLogKeepsReasons: the back office's import log keeps each
// rejected row's reason and values, and where and why a stopped import
// stopped (migration 00149), so that its report is worded in the reader's
// language; what was kept before the migration reads back with its English
// alone.
func TestImportLogKeepsReasons(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		op := asOperator()
		log := sqlstore.NewImportLog(db)

		// An import recorded before the migration, then the migration
		// undone and done again over it (its Down and its Up).
		must(t, db.MigrateDownToForTest(ctx, 148))
		var oldID int64
		must(t, db.RawForTest().QueryRowContext(ctx, db.RebindForTest(`INSERT INTO purchase_imports (file_name, header,
			row_count, stored_count, rejected_count, elapsed_us, error, created_by, created_at)
			VALUES ('old.csv', '["txid"]', 2, 0, 1, 10, 'stopped after line 3: Internal error.', 'op', 0) RETURNING id`)).Scan(&oldID))
		_, err := db.RawForTest().ExecContext(ctx, db.RebindForTest(`INSERT INTO purchase_import_rejects (import_id, seq, line, error, record)
			VALUES ($1, 1, 2, 'unknown app "ghost"', '["TX1"]')`), oldID)
		must(t, err)
		must(t, db.RedoMigrationForTest(ctx, 149))
		old, err := log.FindImport(op, oldID)
		must(t, err)
		if old.Error != "stopped after line 3: Internal error." || old.StopCode != "" || old.StopReason != "" || len(old.StopArgs) != 0 {
			t.Errorf("an import kept before: %+v", old)
		}
		if got := rejectsOf(t, log, oldID); got != `2 unknown app "ghost" | [] [TX1]` {
			t.Errorf("a row kept before: %s", got)
		}

		long := strings.Repeat("가", 100) // 300 bytes, cut on a character
		imp := &vocdesk.PurchaseImport{FileName: "billing.csv", Header: []string{"txid", "amount", "customer_id"},
			Rows: 5, Stored: 1, Rejected: 3, Error: "stopped after line 6: Internal error.",
			StoppedAfter: 5, StopCode: vocdesk.EINTERNAL}
		rejects := []vocdesk.PurchaseImportReject{
			{Line: 2, Error: `amount: amount "12.5" has more decimals than KRW allows (0)`, Reason: "amount_decimals",
				Args: []string{"12.5", "KRW", "0"}, Record: []string{"TX1", "12.5", "7"}},
			{Line: 3, Error: "the ledger refused the row", Reason: "import_ledger_refused", Record: []string{"TX2", "1", "7"}},
			{Line: 5, Error: "customer_id is not a customer id", Reason: "import_customer_id", Args: []string{long},
				Record: []string{"TX3", "1", long}},
		}
		must(t, log.RecordImport(op, imp, rejects))
		got, err := log.FindImport(op, imp.ID)
		must(t, err)
		if got.StoppedAfter != 5 || got.StopCode != vocdesk.EINTERNAL || got.StopReason != "" || len(got.StopArgs) != 0 || got.Error != imp.Error {
			t.Errorf("the stop read back as %d %q %q %v %q", got.StoppedAfter, got.StopCode, got.StopReason, got.StopArgs, got.Error)
		}
		var back []*vocdesk.PurchaseImportReject
		must(t, log.EachImportReject(op, imp.ID, func(r *vocdesk.PurchaseImportReject) error {
			back = append(back, r)
			return nil
		}))
		if len(back) != 3 {
			t.Fatalf("%d rejected rows read back, want 3", len(back))
		}
		for i, r := range back[:2] {
			if w := rejects[i]; r.Line != w.Line || r.Error != w.Error || r.Reason != w.Reason ||
				fmt.Sprint(r.Args) != fmt.Sprint(w.Args) || fmt.Sprint(r.Record) != fmt.Sprint(w.Record) {
				t.Errorf("row %d read back as %+v, want %+v", i, r, w)
			}
		}
		// A value is a field of the file: kept to 200 bytes, whole characters.
		if a := back[2].Args; back[2].Reason != "import_customer_id" || len(a) != 1 || len(a[0]) > 200 || len(a[0]) < 190 ||
			!utf8.ValidString(a[0]) || !strings.HasPrefix(long, a[0]) || back[2].Record[2] != long {
			t.Errorf("a long value read back as %q", a)
		}

		// A stop with a reason keeps its values too.
		imp = &vocdesk.PurchaseImport{FileName: "b.csv", Rows: 1, Error: "stopped after line 2: x", StoppedAfter: 1,
			StopCode: vocdesk.EINVALID, StopReason: "import_app_unknown", StopArgs: []string{"ghost"}}
		must(t, log.RecordImport(op, imp, nil))
		list, err := log.FindImports(op, 10)
		must(t, err)
		if len(list) != 3 || list[0].ID != imp.ID || list[0].StopReason != "import_app_unknown" || fmt.Sprint(list[0].StopArgs) != "[ghost]" {
			t.Errorf("the imports listed: %+v", list[0])
		}
	})
}

// rejectsOf is an import's kept rows, one "line error | args record" each.
func rejectsOf(t *testing.T, log vocdesk.PurchaseImportLog, id int64) string {
	t.Helper()
	var rows []string
	must(t, log.EachImportReject(asOperator(), id, func(r *vocdesk.PurchaseImportReject) error {
		rows = append(rows, fmt.Sprintf("%d %s%s | %v %v", r.Line, r.Error, r.Reason, r.Args, r.Record))
		return nil
	}))
	return strings.Join(rows, "\n")
}
