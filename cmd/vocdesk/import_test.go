package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// seedLedger creates a developer, an app and n customers to buy from it,
// and returns the customers' ids.
func seedLedger(t *testing.T, dsn string, n int) []int64 {
	t.Helper()
	db, err := openDatabase(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := sqlstore.Services(db)
	ctx := systemContext(t.Context())
	if err := svc.Developers.CreateDeveloper(ctx, &vocdesk.Developer{Slug: "hanbit", Name: "Hanbit", Email: "cs@hanbit.example"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Developers.CreateApp(ctx, &vocdesk.App{DeveloperSlug: "hanbit", Slug: "star-quest", Name: "Star Quest"}); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i := range ids {
		c := &vocdesk.Customer{Email: fmt.Sprintf("c%d@mail.example", i), Name: fmt.Sprintf("Customer %d", i)}
		if err := svc.Customers.CreateCustomer(ctx, c, ""); err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID
	}
	return ids
}

func TestImportPurchases(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		ids := seedLedger(t, dsn, 3)
		dir := t.TempDir()
		file := filepath.Join(dir, "billing.csv")
		var b strings.Builder
		b.WriteString("\uFEFFtxid,tid,customer_id,app,item,amount,currency,method,paid_at\r\n")
		for i := range 20 {
			fmt.Fprintf(&b, "TX2026050100%04d,HB-%04d,%d,star-quest,gems-60,1200,KRW,carrier,2026-05-01T10:%02d:00+09:00\r\n", i, i, ids[i%3], i)
		}
		b.WriteString("TX20260501009998,HB-9998,999999,star-quest,gems-60,1200,KRW,card,2026-05-01T10:00:00Z\r\n") // line 22: unknown customer
		b.WriteString("TX20260501009999,HB-9999,1,star-quest,gems-60,12.5,KRW,card,2026-05-01T10:00:00Z\r\n")      // line 23: bad amount
		b.WriteString("\"TX2026050100,0030\",HB-30,1,star-quest,\"gems\r\n60\",0.99,USD,card,2026-05-01T10:00:00Z\r\n")
		b.WriteString("TX2026050100\r\n") // line 26: short
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		rejects := filepath.Join(dir, "rejects.csv")
		vars := map[string]string{"VOCDESK_DB": dsn}
		env, out, stderr := testEnv(vars)
		if code := Run(t.Context(), env, []string{"import", "purchases", file, "--batch", "7", "--rejects", rejects}); code != 3 {
			t.Fatalf("exit %d, want 3: %s%s", code, out, stderr)
		}
		for _, want := range []string{"line 22:", "line 23:", "line 26:"} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
		if !strings.Contains(out.String(), "24 rows: 21 stored") || !strings.Contains(out.String(), "3 rejected") {
			t.Errorf("summary: %s", out)
		}
		f, err := os.Open(rejects)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err == nil && (len(recs) != 4 || recs[0][0] != "line" || recs[0][2] != "txid" || recs[1][0] != "22" || recs[2][2] != "TX20260501009999") {
			t.Errorf("rejects file: %q", recs)
		} else if err != nil && !strings.Contains(err.Error(), "wrong number of fields") {
			t.Errorf("rejects file: %v", err)
		}

		// The multi-line quoted row went in with its comma and line break.
		db, err := openDatabase(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		p, err := sqlstore.Services(db).Purchases.FindPurchaseByTxID(systemContext(t.Context()), "TX2026050100,0030")
		db.Close()
		if err != nil || p.ItemSKU != "gems\r\n60" && p.ItemSKU != "gems\n60" || p.Amount != 99 || !p.PaidAt.Equal(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)) {
			t.Errorf("quoted row: %+v, %v", p, err)
		}

		// Again: nothing new, the same rows rejected.
		env, out, stderr = testEnv(vars)
		if code := Run(t.Context(), env, []string{"import", "purchases", "--batch", "5000", file}); code != 3 || !strings.Contains(out.String(), "21 stored") {
			t.Errorf("re-import: exit %d: %s%s", code, out, stderr)
		}
	})
}

func TestImportPurchasesUsage(t *testing.T) {
	dir := t.TempDir()
	noTxID := filepath.Join(dir, "no-txid.csv")
	os.WriteFile(noTxID, []byte("tid,customer_id,app,item,amount,currency,method,paid_at\n"), 0o644)
	db := filepath.Join(dir, "vocdesk.db")
	for _, args := range [][]string{
		{"import"},
		{"import", "customers", "x.csv"},
		{"import", "purchases"},
		{"import", "purchases", filepath.Join(dir, "missing.csv")},
		{"import", "purchases", noTxID},
		{"import", "purchases", noTxID, "--batch", "0"},
		{"import", "purchases", noTxID, "--writers", "-1"},
		{"import", "purchases", noTxID, "--writers", "17"},
	} {
		env, _, stderr := testEnv(map[string]string{"VOCDESK_DB": db})
		if code := Run(t.Context(), env, args); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}
