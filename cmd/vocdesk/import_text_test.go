package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A row holding a NUL, a control character or invalid UTF-8 is one rejected
// row (exit 3), on both engines; the good rows are stored. (Before: SQLite
// stored them as sent and PostgreSQL failed the whole batch, exit 1.)
func TestImportRejectsRowsThatAreNotText(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		ids := seedLedger(t, dsn, 1)
		file := filepath.Join(t.TempDir(), "billing.csv")
		var b strings.Builder
		b.WriteString("txid,tid,customer_id,app,item,amount,currency,method,paid_at\n")
		row := func(txid, tid, item string) {
			fmt.Fprintf(&b, "%s,%s,%d,star-quest,%s,1200,KRW,card,2026-05-01T10:00:00Z\n", txid, tid, ids[0], item)
		}
		row("TX-GOOD-1", "HB-1", "gems")      // line 2
		row("TX-NUL", "HB-\x002", "gems")     // line 3
		row("TX-\xff\xfe", "HB-3", "gems")    // line 4
		row("TX-ESC", "HB-4", "gems\x1b[31m") // line 5
		row("TX-BIDI", "HB-5", "gems\u202e")  // line 6
		row("TX-GOOD-2", "HB-6", "gems")      // line 7
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		env, out, stderr := testEnv(map[string]string{"VOCDESK_DB": dsn})
		if code := Run(t.Context(), env, []string{"import", "purchases", file}); code != 3 {
			t.Fatalf("exit %d, want 3: %s%s", code, out, stderr)
		}
		for _, want := range []string{"line 3:", "line 4:", "line 5:", "line 6:"} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
		if !strings.Contains(out.String(), "2 stored") || !strings.Contains(out.String(), "4 rejected") {
			t.Errorf("summary: %s", out)
		}
	})
}
