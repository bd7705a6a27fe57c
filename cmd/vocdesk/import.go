package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/vocdesk/vocdesk/csvsafe"
	"github.com/vocdesk/vocdesk/purchaseimport"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// maxRejectsShown bounds the rejected rows written to stderr; --rejects gets
// every one.
const maxRejectsShown = 50

// runImport dispatches import subcommands; purchases is the only one so far.
func runImport(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] != "purchases" {
		fmt.Fprintln(env.Stderr, "Usage: vocdesk import purchases FILE.csv [--db DSN] [--batch 100000] [--writers N] [--rejects FILE.csv]")
		return 2
	}
	return runImportPurchases(ctx, env, args[1:])
}

// runImportPurchases loads a billing export. Exit status: 0 all rows stored,
// 3 some rows rejected, 2 bad usage or a file that is not an export, 1 a
// database failure.
func runImportPurchases(ctx context.Context, env *Env, args []string) int {
	cfg := DefaultConfig()
	fs := newFlagSet("import purchases", "import purchases FILE.csv [--db DSN] [--batch N] [--writers N] [--rejects FILE.csv]", env.Stderr)
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprintf(env.Stderr, "\n%s\n", purchaseimport.ColumnHelp)
	}
	cfg.registerDB(fs)
	batchSize := fs.Int("batch", purchaseimport.DefaultBatchSize, "rows written per transaction")
	writers := fs.Int("writers", 0, "batches written at once (0: 2 on PostgreSQL, 1 on SQLite, which has one writer)")
	rejectsPath := fs.String("rejects", "", "write rejected rows, with line and reason, to this CSV `file`")
	quiet := fs.Bool("quiet", false, "no progress bar")
	// The file may come before or after the flags.
	var file string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	if code, ok := parseOrExit(fs, args, env); !ok {
		return code
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
		fs.Parse(fs.Args()[1:]) // flags after the file
	}
	switch {
	case file == "":
		fmt.Fprintln(env.Stderr, "vocdesk import purchases: give the CSV file to import")
		return 2
	case fs.NArg() > 0:
		fmt.Fprintf(env.Stderr, "vocdesk import purchases: unexpected argument %q\n", fs.Arg(0))
		return 2
	case *batchSize < 1 || *batchSize > 100000:
		fmt.Fprintln(env.Stderr, "vocdesk import purchases: --batch must be from 1 to 100000")
		return 2
	case *writers < 0 || *writers > 16:
		fmt.Fprintln(env.Stderr, "vocdesk import purchases: --writers must be from 0 (automatic) to 16")
		return 2
	}
	if err := validateDSN(cfg.DB); err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk import purchases: %v\n", err)
		return 2
	}
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk import purchases: %v\n", err)
		return 2
	}
	defer f.Close()

	var rejects *rejectWriter
	if *rejectsPath != "" {
		if rejects, err = createRejectWriter(*rejectsPath); err != nil {
			fmt.Fprintf(env.Stderr, "vocdesk import purchases: %v\n", err)
			return 2
		}
	}

	db, err := openDatabase(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk import purchases: %v\n", err)
		return 1
	}
	defer db.Close()

	var in io.Reader = f
	bar := importProgressBar(env.Stderr, f, *quiet)
	if bar != nil {
		pr := progressbar.NewReader(f, bar)
		in = &pr
	}
	shown := 0
	if *writers == 0 {
		// A batch's index updates keep one PostgreSQL core busy; a second
		// writer uses another (55-58k -> 66-78k rows/s on two cores; a
		// third gave 75-78k). SQLite writes through one connection.
		*writers = 1
		if db.Dialect() == "postgres" {
			*writers = 2
		}
	}
	opts := purchaseimport.Options{
		BatchSize: *batchSize,
		Writers:   *writers,
		OnHeader: func(h []string) {
			if rejects != nil {
				rejects.header(h)
			}
		},
		OnReject: func(r purchaseimport.Reject) {
			if shown < maxRejectsShown {
				if bar != nil {
					bar.Clear()
				}
				fmt.Fprintf(env.Stderr, "line %d: %v\n", r.Line, r.Err)
			}
			shown++
			if rejects != nil {
				rejects.write(r)
			}
		},
	}
	sum, err := purchaseimport.Import(systemContext(ctx), sqlstore.Services(db).Purchases, in, opts)
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(env.Stderr)
	}
	if rejects != nil {
		if cerr := rejects.close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if shown > maxRejectsShown {
		fmt.Fprintf(env.Stderr, "... and %d more rejected rows", shown-maxRejectsShown)
		if rejects == nil {
			fmt.Fprint(env.Stderr, " (list them all with --rejects FILE.csv)")
		}
		fmt.Fprintln(env.Stderr)
	}
	if errors.Is(err, purchaseimport.ErrFormat) {
		// Nothing was read: a count of "0 rows" would only bury the reason.
		fmt.Fprintf(env.Stderr, "vocdesk import purchases: %s: %v\n(vocdesk import purchases -h lists the columns)\n", file, err)
		return 2
	}
	fmt.Fprintf(env.Stdout, "%d rows: %d stored (imported or already present with the same values), %d rejected; %s, %.0f rows/s\n",
		sum.Rows, sum.Stored, sum.Rejected, sum.Elapsed.Round(time.Millisecond), sum.RowsPerSecond())
	switch {
	case err != nil:
		fmt.Fprintf(env.Stderr, "vocdesk import purchases: %s\n", errorText(err))
		return 1
	case sum.Rejected > 0:
		return 3
	}
	return 0
}

// importProgressBar returns a byte-counting bar when w is a terminal, nil
// otherwise: a log file or a pipe gets only the summary.
func importProgressBar(w io.Writer, f *os.File, quiet bool) *progressbar.ProgressBar {
	tf, ok := w.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(tf.Fd())) {
		return nil
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil
	}
	return progressbar.NewOptions64(st.Size(),
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("importing"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
	)
}

// rejectWriter writes rejected rows as CSV: line, error, then the row's
// fields as they were in the file.
type rejectWriter struct {
	f *os.File
	w *csvsafe.Writer
}

func createRejectWriter(path string) (*rejectWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &rejectWriter{f: f, w: csvsafe.NewWriter(f)}, nil
}

// header writes the header: line, error and the file's own columns.
func (rw *rejectWriter) header(h []string) {
	rw.w.Write(append([]string{"line", "error"}, h...))
}

func (rw *rejectWriter) write(r purchaseimport.Reject) {
	rec := make([]string, 0, 2+len(r.Record))
	rec = append(rec, fmt.Sprint(r.Line), r.Err.Error())
	rw.w.Write(append(rec, r.Record...))
}

func (rw *rejectWriter) close() error {
	rw.w.Flush()
	return errors.Join(rw.w.Error(), rw.f.Close())
}
