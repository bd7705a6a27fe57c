package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// benchImport writes a billing export and loads it with `vocdesk import
// purchases`, timing the whole command as an operator would see it.
func benchImport(ctx context.Context, c config, cli *vocdeskCLI, s *storeSetup, rep *report) error {
	path := filepath.Join(c.work, "billing.csv")
	if err := writeExport(path, c.csvRows, c.exportOrder, s); err != nil {
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
	rep.add("(b) CSV import: %d rows (%s export) in %s (whole command, incl. start and migrate check): %.0f purchases/s (goal >= 100000/s: %s); the command said: %s",
		stored, c.exportOrder, elapsed.Round(time.Millisecond), rate, verdict(rate >= 100000), strings.TrimSpace(out))
	return nil
}

// writeExport writes rows purchases paid over the last 180 days, each by a
// random customer of a random app.
//
// In order "time" the file is what a billing system exports: payments in
// the order they were made, the store's txids and the developers' tids
// issued in that order too. Every index of the ledger then grows where its
// newest entries are, except the customer's, which a thousand customers
// spread over a thousand places. In order "shuffled" the txids and tids
// still count up line by line but each payment's time is random, as if a
// file were sorted by txid while txids were issued in no particular order:
// the developer index too then takes each row at a random place.
func writeExport(path string, rows int, order string, s *storeSetup) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	w.WriteString("txid,tid,customer_id,app,item,amount,currency,method,paid_at\n")
	now := time.Now().UTC().Truncate(time.Second)
	ago := make([]int, rows) // seconds before now
	for i := range ago {
		ago[i] = r.IntN(180 * 24 * 3600)
	}
	if order == "time" {
		slices.SortFunc(ago, func(a, b int) int { return b - a })
	}
	for i := range rows {
		app := s.apps[r.IntN(len(s.apps))]
		k := r.IntN(len(app.prices))
		paid := now.Add(-time.Duration(ago[i]) * time.Second)
		fmt.Fprintf(w, "TXC%010d,CSV-%010d,%d,%s,sku-%d,%s,%s,%s,%s\n", i, i, s.customers[r.IntN(len(s.customers))],
			app.slug, k, app.prices[k], app.currency, methods[r.IntN(len(methods))], paid.Format(time.RFC3339))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
