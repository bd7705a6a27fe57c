// Command recon benchmarks `vocdesk reconcile` against DuckDB and PostgreSQL
// on the same generated files, and checks that all three agree on every
// count.
//
//	go run ./recon -rows 10000000   # the headline figure (~1.6 GB of CSV)
//	go run ./recon -rows 100000     # a quick run
//
// Each engine runs in its own process so that its wall time and peak RSS are
// its own: vocdesk as the built binary, DuckDB as this program re-executed
// with -engine duckdb. PostgreSQL is a server; its RSS is the backend's peak
// (VmHWM) when it runs on this machine.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// categories are the counts every engine must agree on.
var categories = []string{"matched", "paid_not_delivered", "amount_mismatch", "duplicate_delivery",
	"delivered_after_refund", "refunded", "delivered_not_paid"}

type outcome struct {
	name   string
	wall   time.Duration
	rssKiB int64 // 0 when unknown
	detail string
	counts map[string]int64
	err    error
}

func main() {
	rows := flag.Int("rows", 10_000_000, "store rows to generate (server rows are about as many)")
	seed := flag.Uint64("seed", 1, "generator seed")
	dir := flag.String("dir", "/tmp/vocdesk-recon-bench", "directory for the files")
	engine := flag.String("engine", "", "internal: run one engine in this process (duckdb)")
	pgURL := flag.String("postgres", "", "PostgreSQL URL (default $VOCDESK_TEST_POSTGRES or postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	skip := flag.String("skip", "", "engines to skip, comma-separated (duckdb, postgres)")
	flag.Parse()
	ctx := context.Background()

	store, server := filepath.Join(*dir, "store.csv"), filepath.Join(*dir, "server.csv")
	if *engine == "duckdb" {
		// The child: run DuckDB and print its counts as JSON for the parent.
		counts, detail, err := runDuckDB(ctx, store, server)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		json.NewEncoder(os.Stdout).Encode(map[string]any{"counts": counts, "detail": detail})
		return
	}
	if *pgURL == "" {
		*pgURL = os.Getenv("VOCDESK_TEST_POSTGRES")
	}
	if *pgURL == "" {
		*pgURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}

	if err := ensureFiles(*dir, *rows, *seed); err != nil {
		fail(err)
	}
	size := fileSize(store) + fileSize(server)
	fmt.Printf("files: %s, %s (%.2f GB, %d store rows, seed %d)\n", store, server, float64(size)/1e9, *rows, *seed)

	results := []outcome{runVocdesk(ctx, *dir, store, server)}
	if !strings.Contains(*skip, "duckdb") {
		results = append(results, runChild(ctx, "duckdb", *dir))
	}
	if !strings.Contains(*skip, "postgres") {
		results = append(results, runPostgres(ctx, *pgURL, store, server))
	}
	os.Exit(report(results))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return st.Size()
}

// ensureFiles generates the files unless the same rows and seed are there.
func ensureFiles(dir string, rows int, seed uint64) error {
	stamp := filepath.Join(dir, "generated")
	want := fmt.Sprintf("rows=%d seed=%d v1\n", rows, seed)
	if b, err := os.ReadFile(stamp); err == nil && string(b) == want {
		return nil
	}
	start := time.Now()
	if _, _, err := generate(dir, rows, seed); err != nil {
		return err
	}
	fmt.Printf("generated in %s\n", time.Since(start).Round(time.Millisecond))
	return os.WriteFile(stamp, []byte(want), 0o644)
}

// runVocdesk builds the binary from this repository and runs it.
func runVocdesk(ctx context.Context, dir, store, server string) outcome {
	o := outcome{name: "vocdesk"}
	bin := filepath.Join(dir, "vocdesk")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/vocdesk")
	build.Dir = ".." // the root module, next to bench/
	if out, err := build.CombinedOutput(); err != nil {
		o.err = fmt.Errorf("build vocdesk: %v\n%s", err, out)
		return o
	}
	out := filepath.Join(dir, "out")
	cmd := exec.CommandContext(ctx, bin, "reconcile", "--store", store, "--server", server, "--map", serverColumns, "--out", out)
	cmd.Stderr = os.Stderr
	start := time.Now()
	stdout, err := cmd.Output()
	o.wall = time.Since(start)
	o.rssKiB = maxRSS(cmd.ProcessState)
	if err != nil {
		o.err = fmt.Errorf("vocdesk reconcile: %v\n%s", err, stdout)
		return o
	}
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err == nil {
		err = json.Unmarshal(b, &o.counts)
	}
	o.err = err
	return o
}

// runChild runs one engine in a child process of this program.
func runChild(ctx context.Context, engine, dir string) outcome {
	o := outcome{name: engine}
	self, err := os.Executable()
	if err != nil {
		o.err = err
		return o
	}
	cmd := exec.CommandContext(ctx, self, "-engine", engine, "-dir", dir)
	cmd.Stderr = os.Stderr
	start := time.Now()
	stdout, err := cmd.Output()
	o.wall = time.Since(start)
	o.rssKiB = maxRSS(cmd.ProcessState)
	if err != nil {
		o.err = fmt.Errorf("%s: %v", engine, err)
		return o
	}
	var res struct {
		Counts map[string]int64
		Detail string
	}
	o.err = json.Unmarshal(stdout, &res)
	o.counts, o.detail = res.Counts, res.Detail
	return o
}

func maxRSS(ps *os.ProcessState) int64 {
	if ps == nil {
		return 0
	}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss // KiB on Linux
	}
	return 0
}

// report prints the table and returns the exit status: 1 when an engine
// failed or the counts disagree.
func report(results []outcome) int {
	status := 0
	fmt.Printf("\n%-10s %10s %12s  %s\n", "engine", "wall", "peak RSS", "detail")
	for _, o := range results {
		if o.err != nil {
			fmt.Printf("%-10s FAILED: %v\n", o.name, o.err)
			status = 1
			continue
		}
		rss := "n/a"
		if o.rssKiB > 0 {
			rss = fmt.Sprintf("%.0f MiB", float64(o.rssKiB)/1024)
		}
		fmt.Printf("%-10s %9.2fs %12s  %s\n", o.name, o.wall.Seconds(), rss, o.detail)
	}
	base := results[0]
	if base.err == nil {
		for _, o := range results[1:] {
			if o.err == nil {
				fmt.Printf("ratio %s/vocdesk: %.2fx\n", o.name, o.wall.Seconds()/base.wall.Seconds())
			}
		}
	}
	fmt.Printf("\n%-24s", "category")
	for _, o := range results {
		fmt.Printf(" %12s", o.name)
	}
	fmt.Println()
	agree := true
	for _, c := range categories {
		fmt.Printf("%-24s", c)
		for _, o := range results {
			fmt.Printf(" %12d", o.counts[c])
			if o.err == nil && base.err == nil && o.counts[c] != base.counts[c] {
				agree = false
			}
		}
		fmt.Println()
	}
	if agree && status == 0 {
		fmt.Println("\nall engines agree on every count")
	} else {
		fmt.Println("\nDISAGREEMENT or failure: see above")
		status = 1
	}
	return status
}
