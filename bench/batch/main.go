// Command batch measures bulk cancellation: a 10,000-row .xlsx uploaded
// through the JSON API as a developer's server would, previewed
// (dry_run=true) and then submitted, on a fresh SQLite file (and
// PostgreSQL with -engine both). Goal: preview + submit within 10 s on
// SQLite. Run from bench/: go run ./batch.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/bench/internal/benchdb"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/web"
)

func main() {
	engine := flag.String("engine", "sqlite", "sqlite, postgres or both")
	pg := flag.String("pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server (a fresh schema is made and dropped)")
	n := flag.Int("rows", vocdesk.MaxBatchRows, "rows in the file")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the preview and submit to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		cpuProfile = f
	}
	engines := []string{*engine}
	if *engine == "both" {
		engines = []string{"sqlite", "postgres"}
	}
	for _, e := range engines {
		if err := bench(e, *pg, *n); err != nil {
			fmt.Fprintf(os.Stderr, "batch %s: %v\n", e, err)
			os.Exit(1)
		}
	}
}

// cpuProfile, when set, receives a profile of the measured part.
var cpuProfile *os.File

func bench(engine, pgURL string, n int) error {
	ctx := context.Background()
	db, cleanup, err := benchdb.Open(ctx, engine, pgURL, "batch")
	if err != nil {
		return err
	}
	defer cleanup()
	svc := vocdesk.Services{
		Developers: sqlstore.NewDeveloperService(db), Customers: sqlstore.NewCustomerService(db),
		Purchases: sqlstore.NewPurchaseService(db), Auth: sqlstore.NewAuthService(db),
		Cancellations: sqlstore.NewCancellationService(db), Webhooks: sqlstore.NewWebhookService(db),
		Inquiries: sqlstore.NewInquiryService(db), Desk: sqlstore.NewDeskService(db),
	}
	sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
	dev := &vocdesk.Developer{Slug: "bench-dev", Name: "Bench", Email: "bench@dev.example.com"}
	if err := svc.Developers.CreateDeveloper(sys, dev); err != nil {
		return err
	}
	if err := svc.Developers.CreateApp(sys, &vocdesk.App{DeveloperSlug: dev.Slug, Slug: "bench-app", Name: "Bench"}); err != nil {
		return err
	}
	c := &vocdesk.Customer{Email: "bench@example.com", Name: "Bench", Locale: "ko"}
	if err := svc.Customers.CreateCustomer(sys, c, ""); err != nil {
		return err
	}
	// The ledger: the file's purchases among ten times as many others.
	const others = 10
	for start := 0; start < n*others; start += 50000 {
		var batch []*vocdesk.Purchase
		for i := start; i < min(start+50000, n*others); i++ {
			batch = append(batch, &vocdesk.Purchase{TxID: fmt.Sprintf("TX-B-%08d", i), TID: fmt.Sprintf("b-%08d", i), CustomerID: c.ID, AppSlug: "bench-app",
				ItemSKU: "gems", Amount: 3300, Currency: "KRW", Method: vocdesk.MethodCard, PaidAt: time.Now().Add(-time.Hour)})
		}
		if _, err := svc.Purchases.ImportPurchases(sys, batch); err != nil {
			return err
		}
	}
	key, err := svc.Auth.CreateAPIKey(sys, &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, DeveloperSlug: dev.Slug, Name: "bench"})
	if err != nil {
		return err
	}
	srv, err := web.NewServer(web.Config{Logger: slog.New(slog.DiscardHandler)}, svc)
	if err != nil {
		return err
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	file, err := workbook(n, others)
	if err != nil {
		return err
	}
	post := func(query string, idem string) (time.Duration, int, error) {
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/cancellation-batches"+query, bytes.NewReader(file))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		if idem != "" {
			req.Header.Set("Idempotency-Key", idem)
		}
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, 0, err
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		took := time.Since(start)
		var b struct{ Accepted int }
		_ = json.Unmarshal(body, &b)
		if res.StatusCode >= 300 {
			return 0, 0, fmt.Errorf("%s: %d %.300s", query, res.StatusCode, body)
		}
		return took, b.Accepted, nil
	}
	if cpuProfile != nil {
		if err := pprof.StartCPUProfile(cpuProfile); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	preview, okPreview, err := post("?dry_run=true", "")
	if err != nil {
		return err
	}
	submit, okSubmit, err := post("", "bench-1")
	if err != nil {
		return err
	}
	retry, _, err := post("", "bench-1")
	if err != nil {
		return err
	}
	fmt.Printf("%-8s %d-row xlsx (%d KiB), ledger of %d purchases: preview %s (%d accepted), submit %s (%d requests), preview+submit %s (goal <= 10 s on SQLite); retry with the same key %s%s\n",
		engine, n, len(file)>>10, n*others, preview.Round(time.Millisecond), okPreview, submit.Round(time.Millisecond), okSubmit,
		(preview + submit).Round(time.Millisecond), retry.Round(time.Millisecond), loadAvg())
	return nil
}

// loadAvg is " [load L on N CPUs]", or "" without /proc/loadavg: a figure
// from a busy shared machine says so.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return fmt.Sprintf(" [load %s on %d CPUs]", f[0], runtime.NumCPU())
}

// workbook is the upload: n rows, one TxID of every others purchases, the
// amount left empty (all of it) on most rows.
func workbook(n, others int) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	if err := sw.SetRow("A1", []any{"txid", "amount", "reason"}); err != nil {
		return nil, err
	}
	for i := range n {
		amount := ""
		if i%4 == 0 {
			amount = "1000"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{fmt.Sprintf("TX-B-%08d", i*others), amount, "other"}); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
