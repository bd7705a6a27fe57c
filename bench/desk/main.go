// Command desk benchmarks the desk at the size of a large store: it bulk
// loads 1M inquiries with 5M messages over 10M purchases (scaled by -scale)
// into SQLite and PostgreSQL, then has -clients concurrent clients open the
// inbox's first page, an inquiry's view, and full-text searches, and reports
// latency percentiles and requests per second.
//
// The clients call the sqlstore services directly (-mode service), or the
// JSON API of `vocdesk serve` (built from this repository) on a loopback port
// (-mode http), or both on the same loaded database (-mode service,http).
//
//	go run ./desk -scale 0.1               # 100k inquiries, both engines
//	go run ./desk -engines postgres -scale 1
//	go run ./desk -scale 0.1 -mode service,http
//	go run ./desk -engines sqlite -reuse FILE -writes 50   # an agent tags 50 inquiries a second meanwhile
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

type config struct {
	engines  []string
	modes    []string // service, http
	scale    float64
	clients  int
	duration time.Duration
	warmup   time.Duration
	pgURL    string
	work     string
	keep     bool
	seed     uint64
	reuse    string // a database loaded and kept (-keep) by an earlier run
	cpuprof  string
	ops      []string // operations to measure (names containing one of these); all when empty
	writes   int      // tag changes per second made while measuring
}

func main() {
	var c config
	var engines string
	flag.StringVar(&engines, "engines", "sqlite,postgres", "engines to run: sqlite, postgres")
	modes := flag.String("mode", "service", "how clients call the desk: service (in process), http (the JSON API of vocdesk serve on a loopback port), or both: service,http")
	flag.Float64Var(&c.scale, "scale", 1, "fraction of 1M inquiries / 5M messages / 10M purchases")
	flag.IntVar(&c.clients, "clients", 64, "concurrent clients")
	flag.DurationVar(&c.duration, "duration", 20*time.Second, "how long each operation is measured")
	flag.DurationVar(&c.warmup, "warmup", 10*time.Second, "how long each operation runs at -clients before it is measured")
	flag.StringVar(&c.pgURL, "pg", envOr("VOCDESK_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL server URL")
	flag.StringVar(&c.work, "work", os.TempDir(), "directory for the SQLite file")
	flag.BoolVar(&c.keep, "keep", false, "keep the databases after the run")
	flag.Uint64Var(&c.seed, "seed", 1, "random seed of the generated data")
	flag.StringVar(&c.reuse, "reuse", "", "measure this database, loaded and kept (-keep) by an earlier run with the same -scale and -seed, instead of loading a new one (one engine)")
	flag.StringVar(&c.cpuprof, "cpuprofile", "", "write a CPU profile of the measuring to this file")
	ops := flag.String("ops", "", "measure only the operations whose names contain one of these comma-separated words (e.g. search, inbox, view); all when empty")
	flag.IntVar(&c.writes, "writes", 0, "tag changes per second an agent makes while the clients read (0: a read-only desk)")
	explainDSN := flag.String("explain", "", "print the plans of the inbox's queries on this loaded database and exit")
	flag.Parse()
	if *explainDSN != "" {
		if err := explain(context.Background(), *explainDSN); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	c.engines = strings.Split(engines, ",")
	c.modes = strings.Split(*modes, ",")
	if *ops != "" {
		c.ops = strings.Split(*ops, ",")
	}
	ctx := context.Background()
	if c.reuse != "" && len(c.engines) != 1 {
		fmt.Fprintln(os.Stderr, "desk bench: -reuse measures one database: name its engine with -engines")
		os.Exit(2)
	}
	for _, e := range c.engines {
		if err := runEngine(ctx, c, e); err != nil {
			fmt.Fprintf(os.Stderr, "desk bench %s: %v\n", e, err)
			os.Exit(1)
		}
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}
