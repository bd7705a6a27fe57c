// Command ledger benchmarks vocdesk's purchase ledger end to end, against a
// real `vocdesk serve` process on SQLite and PostgreSQL:
//
//	(a) ingest: POST /api/v1/purchases at a given concurrency;
//	(b) import: `vocdesk import purchases` of a large billing export, its
//	    rows in payment order (-export-order shuffled: random payment times);
//	(c) My Page: GET /api/v1/me/purchases latency with a large ledger.
//
// Each figure is printed next to its goal. Run from bench/:
//
//	go run ./ledger                                  # both engines, full sizes (~30 min)
//	go run ./ledger -engine sqlite -history 1000000   # quicker
//	go run ./ledger -only ingest -engine postgres
//
// The ledger for (c) is loaded straight into the tables (multi-row INSERT
// on SQLite, COPY on PostgreSQL, secondary indexes rebuilt after), since
// loading it through the API would measure the API rather than My Page.
// Figures on a shared machine vary with its load; the report says the load
// average so a figure can be read against it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk/bench/internal/benchdb"
)

type config struct {
	engines      []string
	pgURL        string
	work         string
	keep         bool
	only         map[string]bool
	ingest       int
	concurrency  int
	csvRows      int
	exportOrder  string
	history      int
	histCust     int
	samples      int
	requests     int
	pageDepth    int
	latencyConc  int
	anyIDConc    int
	serveLogLvl  string
	bin          string
	setupCustNum int
}

func main() {
	var c config
	engine := flag.String("engine", "both", "sqlite, postgres or both")
	flag.StringVar(&c.pgURL, "pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server to create a fresh database on")
	flag.StringVar(&c.work, "work", "", "working directory (default: a new temp dir)")
	flag.BoolVar(&c.keep, "keep", false, "keep the databases and files afterwards")
	only := flag.String("only", "ingest,import,mypage", "which benchmarks to run, comma-separated")
	flag.IntVar(&c.ingest, "ingest", 30000, "(a) purchases to POST")
	flag.IntVar(&c.concurrency, "concurrency", 32, "(a) concurrent clients")
	flag.IntVar(&c.setupCustNum, "customers", 1000, "(a, b) customers created through the API to buy")
	flag.IntVar(&c.csvRows, "csv-rows", 1000000, "(b) rows in the billing export")
	flag.StringVar(&c.exportOrder, "export-order", "time", "(b) the export's rows in payment order (time) or with random payment times (shuffled)")
	flag.IntVar(&c.history, "history", 10000000, "(c) purchases in the ledger")
	flag.IntVar(&c.histCust, "history-customers", 400000, "(c) customers in the ledger")
	flag.IntVar(&c.samples, "samples", 100, "(c) customers signed in to measure with")
	flag.IntVar(&c.requests, "requests", 3000, "(c) requests per measured page")
	flag.IntVar(&c.pageDepth, "page", 5, "(c) which page counts as 'a later page'")
	flag.IntVar(&c.latencyConc, "latency-concurrency", 1, "(c) concurrent clients while measuring latency")
	flag.IntVar(&c.anyIDConc, "anyid-concurrency", 64, "(d) concurrent clients searching purchases by any id on (c)'s ledger; 0 skips it")
	flag.StringVar(&c.bin, "bin", "", "a vocdesk binary to use (default: build ../cmd/vocdesk)")
	flag.StringVar(&c.serveLogLvl, "serve-log-level", "warn", "log level of the vocdesk serve process")
	flag.Parse()

	switch *engine {
	case "both":
		c.engines = []string{"sqlite", "postgres"}
	case "sqlite", "postgres":
		c.engines = []string{*engine}
	default:
		fmt.Fprintf(os.Stderr, "ledger: -engine must be sqlite, postgres or both\n")
		os.Exit(2)
	}
	if c.exportOrder != "time" && c.exportOrder != "shuffled" {
		fmt.Fprintf(os.Stderr, "ledger: -export-order must be time or shuffled\n")
		os.Exit(2)
	}
	c.only = map[string]bool{}
	for _, o := range strings.Split(*only, ",") {
		c.only[strings.TrimSpace(o)] = true
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintf(os.Stderr, "ledger: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	if c.work == "" {
		dir, err := os.MkdirTemp("", "vocdesk-bench-")
		if err != nil {
			return err
		}
		c.work = dir
		if !c.keep {
			defer os.RemoveAll(dir)
		}
	}
	bin := c.bin
	if bin == "" {
		bin = filepath.Join(c.work, "vocdesk")
		logf("building vocdesk into %s", bin)
		if err := buildBinary(ctx, bin); err != nil {
			return err
		}
	}
	var reports []*report
	for _, engine := range c.engines {
		r, err := runEngine(ctx, c, bin, engine)
		if r != nil {
			reports = append(reports, r)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", engine, err)
		}
	}
	fmt.Println()
	for _, r := range reports {
		r.print(os.Stdout)
	}
	return nil
}

// runEngine runs every selected benchmark on a fresh database of one engine.
func runEngine(ctx context.Context, c config, bin, engine string) (*report, error) {
	rep := &report{engine: engine}
	db, err := freshDatabase(ctx, c, engine)
	if err != nil {
		return nil, err
	}
	if !c.keep {
		defer db.drop()
	}
	// The server's PostgreSQL sessions carry the bench's application_name,
	// so part (d) can read their CPU (benchdb.ServerCPU).
	db.dsn = benchdb.WithAppName(db.dsn)
	logf("%s: database %s", engine, db.display)
	cli := &vocdeskCLI{bin: bin, dsn: db.dsn}
	if err := cli.run(ctx, "migrate"); err != nil {
		return nil, err
	}
	key, err := cli.operatorKey(ctx)
	if err != nil {
		return nil, err
	}
	srv, err := startServer(ctx, bin, db.dsn, c.serveLogLvl)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	api := newAPI(srv.url, key, max(c.concurrency, c.latencyConc, c.anyIDConc)+4)
	store, err := setupStore(ctx, api, c.setupCustNum)
	if err != nil {
		return rep, fmt.Errorf("setup: %w", err)
	}
	if c.only["ingest"] {
		if err := benchIngest(ctx, c, api, store, rep); err != nil {
			return rep, fmt.Errorf("ingest: %w", err)
		}
	}
	if c.only["import"] {
		if err := benchImport(ctx, c, cli, store, rep); err != nil {
			return rep, fmt.Errorf("import: %w", err)
		}
	}
	if c.only["mypage"] {
		if err := benchMyPage(ctx, c, api, db, srv, store, rep); err != nil {
			return rep, fmt.Errorf("mypage: %w", err)
		}
	}
	return rep, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
