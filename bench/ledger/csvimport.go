package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// benchImport writes a billing export and loads it with `vocdesk import
// purchases`, timing the whole command as an operator would see it.
func benchImport(ctx context.Context, c config, cli *vocdeskCLI, s *storeSetup, rep *report) error {
	path := filepath.Join(c.work, "billing.csv")
	if err := writeExport(path, c.csvRows, s); err != nil {
		return err
	}
	defer os.Remove(path)
	st, _ := os.Stat(path)
	logf("%s: importing %d rows (%d MB)", rep.engine, c.csvRows, st.Size()>>20)
	start := time.Now()
	out, stderr, err := cli.output(ctx, "import", "purchases", path, "--quiet")
	elapsed := time.Since(start)
	if err != nil {
		return fmt.Errorf("vocdesk import purchases: %v\n%s%s", err, out, stderr)
	}
	stored := c.csvRows
	if m := regexp.MustCompile(`(\d+) stored`).FindStringSubmatch(out); m != nil {
		fmt.Sscan(m[1], &stored)
	}
	rate := float64(stored) / elapsed.Seconds()
	rep.add("(b) CSV import: %d rows in %s (whole command, incl. start and migrate check): %.0f purchases/s (goal >= 100000/s: %s); the command said: %s",
		stored, elapsed.Round(time.Millisecond), rate, verdict(rate >= 100000), strings.TrimSpace(out))
	return nil
}

// writeExport writes rows purchases as the billing system exports them,
// paid over the last 180 days.
func writeExport(path string, rows int, s *storeSetup) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	w.WriteString("txid,tid,customer_id,app,item,amount,currency,method,paid_at\n")
	now := time.Now().UTC().Truncate(time.Second)
	for i := range rows {
		app := s.apps[r.IntN(len(s.apps))]
		k := r.IntN(len(app.prices))
		paid := now.Add(-time.Duration(r.IntN(180*24*3600)) * time.Second)
		fmt.Fprintf(w, "TXC%010d,CSV-%010d,%d,%s,sku-%d,%s,%s,%s,%s\n", i, i, s.customers[r.IntN(len(s.customers))],
			app.slug, k, app.prices[k], app.currency, methods[r.IntN(len(methods))], paid.Format(time.RFC3339))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
