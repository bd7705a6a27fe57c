package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A database path in a folder that does not exist names the path and the
// folder, instead of SQLite's "unable to open database file (14)" alone.
func TestServeNamesMissingDatabaseDirectory(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	os.WriteFile(notDir, []byte("x"), 0o644)
	for _, tc := range []struct{ db, want string }{
		{filepath.Join(dir, "nonexistent", "dir", "x.db"),
			"cannot open the SQLite database " + filepath.Join(dir, "nonexistent", "dir", "x.db") + ": the directory " + filepath.Join(dir, "nonexistent", "dir") + " does not exist"},
		{"sqlite:" + filepath.Join(notDir, "x.db"), filepath.Join(notDir, "x.db") + ": " + notDir + " is not a directory"},
	} {
		env, _, stderr := testEnv(nil)
		if code := Run(t.Context(), env, []string{"serve", "--addr", "127.0.0.1:0", "--db", tc.db}); code != 1 {
			t.Errorf("%s: exit %d, want 1", tc.db, code)
		}
		if !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%s: stderr %q lacks %q", tc.db, stderr, tc.want)
		}
	}
}

// import purchases -h lists the columns; a file without them says so, and
// how to see them, with no "0 rows" count before or after.
func TestImportPurchasesHelpAndHeader(t *testing.T) {
	env, _, stderr := testEnv(nil)
	if code := Run(t.Context(), env, []string{"import", "purchases", "-h"}); code != 0 {
		t.Fatalf("-h: exit %d", code)
	}
	for _, col := range []string{"txid ", "tid ", "customer_id ", "app ", "item ", "amount ", "currency ", "method ", "paid_at "} {
		if !strings.Contains(stderr.String(), "\n  "+col) {
			t.Errorf("-h does not list the column %q:\n%s", col, stderr)
		}
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "orders.csv")
	os.WriteFile(file, []byte("order_no,price\nA1,1200\n"), 0o644)
	env, stdout, stderr := testEnv(map[string]string{"VOCDESK_DB": filepath.Join(dir, "vocdesk.db")})
	if code := Run(t.Context(), env, []string{"import", "purchases", file}); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if stdout.String() != "" || strings.Contains(stderr.String(), "0 rows") {
		t.Errorf("a file that is not an export prints a count: stdout %q stderr %q", stdout, stderr)
	}
	if want := "missing column(s) txid, tid, customer_id"; !strings.Contains(stderr.String(), want) ||
		!strings.Contains(stderr.String(), "import purchases -h lists the columns") {
		t.Errorf("stderr %q lacks %q and the pointer to -h", stderr, want)
	}
}
