package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/vocdesk/vocdesk/recon"
)

// Exit statuses of reconcile, as the contract gives them.
const (
	exitOK          = 0
	exitFailed      = 1 // an I/O error in the middle of the run
	exitUsage       = 2 // bad flags, a missing file or column: before any work
	exitInvalidRows = 3 // the run finished, but some rows were malformed
)

// reconcileConfig is what the reconcile command needs, from flags or from the
// VOCDESK_* environment.
type reconcileConfig struct {
	store, server, columnMap, out string
}

func parseReconcileFlags(env *Env, args []string) (reconcileConfig, error) {
	var c reconcileConfig
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.StringVar(&c.store, "store", env.Getenv("VOCDESK_STORE"), "the store's payment history (CSV, or JSON Lines if FILE ends in .jsonl)")
	fs.StringVar(&c.server, "server", env.Getenv("VOCDESK_SERVER"), "the developer's server log (CSV or JSON Lines)")
	fs.StringVar(&c.columnMap, "map", env.Getenv("VOCDESK_MAP"), "server columns of the fields txid, tid, amount, currency: field=column,...")
	fs.StringVar(&c.out, "out", env.Getenv("VOCDESK_OUT"), "directory for summary.json, exceptions.csv and errors.csv (created if missing)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: vocdesk reconcile --store FILE --server FILE [--map field=column,...] --out DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"--store", c.store}, {"--server", c.server}, {"--out", c.out}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return c, fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	return c, nil
}

// runReconcile implements `vocdesk reconcile`: exit 0 when every row was
// well formed, 3 when some were not, 2 when nothing could start.
func runReconcile(ctx context.Context, env *Env, args []string) int {
	c, err := parseReconcileFlags(env, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk reconcile: %v\n", err)
		return exitUsage
	}
	columns, err := recon.ParseColumnMap(c.columnMap)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk reconcile: --map: %v\n", err)
		return exitUsage
	}
	// Both files are opened, and their headers checked, before any work.
	store, err := recon.OpenStore(c.store)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk reconcile: store file: %v\n", err)
		return exitUsage
	}
	defer store.Close()
	server, err := recon.OpenServer(c.server, columns)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk reconcile: server file: %v\n", err)
		var mc *recon.MissingColumnsError
		if errors.As(err, &mc) {
			fmt.Fprintf(env.Stderr, "Map the fields to the file's own columns, e.g.: --map %s\n", mc.MapHint())
		}
		return exitUsage
	}
	defer server.Close()

	if bar := newProgressBar(env.Stderr, store.Size()+server.Size()); bar != nil {
		progress := func(n int64) { _ = bar.Add64(n) }
		store.Progress, server.Progress = progress, progress
		defer func() { _ = bar.Finish() }()
	}
	start := time.Now()
	res, err := recon.ReconcileToDir(ctx, c.out, store, server, recon.Options{})
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk reconcile: %v\n", err)
		return exitFailed
	}
	printSummary(env.Stdout, res, c.out, time.Since(start))
	if res.InvalidRows > 0 {
		return exitInvalidRows
	}
	return exitOK
}

// newProgressBar returns a bar counting bytes read of both files, or nil when
// w is not a terminal: scripts and logs get no control characters.
func newProgressBar(w io.Writer, total int64) *progressbar.ProgressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("reconciling"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func printSummary(w io.Writer, res *recon.Result, out string, took time.Duration) {
	fmt.Fprintf(w, "%-24s %12s\n", "category", "count")
	for _, c := range recon.Categories() {
		fmt.Fprintf(w, "%-24s %12d\n", c, res.Count(c))
	}
	fmt.Fprintf(w, "%-24s %12d\n", "invalid_rows", res.InvalidRows)
	fmt.Fprintf(w, "\n%d store purchases and %d server records reconciled in %s.\n", res.StoreRows, res.ServerRows, took.Round(time.Millisecond))
	if res.DuplicateStoreTIDs > 0 {
		fmt.Fprintf(w, "%d store rows repeat a tid already used by an earlier purchase; records without txid match the first.\n", res.DuplicateStoreTIDs)
	}
	fmt.Fprintf(w, "Wrote %s/summary.json, %s/exceptions.csv and %s/errors.csv.\n", out, out, out)
}
