// Command reviews measures the two reads of issue 20's speed goal at the
// size of a large store: the public app page's first page (the rating
// summary and 20 newest reviews) and the developer's reviews inbox (its
// first page, 20 newest), at 1 and at -clients concurrent clients, through
// the sqlstore services in process.
//
//	cd bench
//	go run ./reviews                                   # both engines, 1M reviews over 1,000 apps
//	go run ./reviews -engines sqlite -reviews 100000 -duration 5s
//
// The data: -apps apps of -developers developers (apps spread evenly),
// -reviews reviews by customers who each bought and reviewed ten apps, so
// every review has its purchase (the verified mark is computed from it
// when a page is read from the database; unchanged first pages are served
// from the process, see README.md). -writes adds official replies written
// through the services while each read is measured. Loading bypasses the services (multi-row INSERTs, then
// review_counts from a GROUP BY, as the services would have kept it).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/bench/internal/benchdb"
	"github.com/vocdesk/vocdesk/sqlstore"
)

type config struct {
	reviews, apps, developers, clients int
	writes                             float64
	duration, warmup                   time.Duration
	pgURL, work                        string
	keep                               bool
	reuse, cpuprof                     string
}

func main() {
	var c config
	engines := flag.String("engines", "sqlite,postgres", "engines to run: sqlite, postgres")
	flag.IntVar(&c.reviews, "reviews", 1_000_000, "reviews to load")
	flag.IntVar(&c.apps, "apps", 1000, "apps the reviews are spread over")
	flag.IntVar(&c.developers, "developers", 100, "developers the apps are spread over")
	flag.IntVar(&c.clients, "clients", 64, "concurrent clients")
	flag.Float64Var(&c.writes, "writes", 0, "official replies a second to random reviews, through the services, while each read is measured (each drops its app's page and its developer's inbox)")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "how long each read is measured")
	flag.DurationVar(&c.warmup, "warmup", 3*time.Second, "how long each read runs at -clients before it is measured")
	flag.StringVar(&c.pgURL, "pg", envOr("VOCDESK_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL server URL")
	flag.StringVar(&c.work, "work", os.TempDir(), "directory for the SQLite file")
	flag.BoolVar(&c.keep, "keep", false, "keep the databases after the run")
	flag.StringVar(&c.reuse, "reuse", "", "measure this database, loaded and kept (-keep prints its DSN) by an earlier run with the same sizes, instead of loading one (one engine)")
	flag.StringVar(&c.cpuprof, "cpuprofile", "", "write a CPU profile of the measuring to this file")
	flag.Parse()
	if c.reuse != "" && strings.Contains(*engines, ",") {
		fmt.Fprintln(os.Stderr, "reviews bench: -reuse measures one database: name its engine with -engines")
		os.Exit(2)
	}
	for _, e := range strings.Split(*engines, ",") {
		if err := run(context.Background(), c, strings.TrimSpace(e)); err != nil {
			fmt.Fprintf(os.Stderr, "reviews bench %s: %v\n", e, err)
			os.Exit(1)
		}
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, c config, engine string) error {
	dsn := c.reuse
	if dsn == "" {
		var cleanup func()
		var err error
		if dsn, cleanup, err = fresh(ctx, c, engine); err != nil {
			return err
		}
		if !c.keep {
			defer cleanup()
		} else {
			fmt.Println("keeping", dsn)
		}
	}
	dsn = benchdb.WithAppName(dsn)
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if c.reuse == "" {
		start := time.Now()
		if err := load(ctx, engine, dsn, c); err != nil {
			return fmt.Errorf("load: %w", err)
		}
		fmt.Printf("%s: loaded %d reviews over %d apps of %d developers in %s\n", engine, c.reviews, c.apps, c.developers, time.Since(start).Round(time.Second))
	}
	if err := db.Analyze(ctx); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	// The CPU a request costs: this process's (the services run in it),
	// and on PostgreSQL its server processes' for the bench's sessions.
	var dbCPU func() (time.Duration, error)
	if engine == "postgres" {
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			return err
		}
		defer admin.Close()
		admin.SetMaxOpenConns(1)
		dbCPU = func() (time.Duration, error) { return benchdb.ServerCPU(ctx, admin) }
	}
	if c.cpuprof != "" {
		f, err := os.Create(c.cpuprof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	svc := sqlstore.NewReviewService(db)
	reads := []struct {
		name string
		goal time.Duration
		fn   func(r *rand.Rand) (int, error)
	}{
		{"public app page, first page", 10 * time.Millisecond, func(r *rand.Rand) (int, error) {
			_, _, list, _, err := svc.PublicReviews(ctx, appSlug(1+r.IntN(c.apps)), vocdesk.ReviewFilter{})
			return len(list), err
		}},
		{"developer inbox, first page", 20 * time.Millisecond, func(r *rand.Rand) (int, error) {
			dev := 1 + r.IntN(c.developers)
			list, _, err := svc.FindReviews(vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmDeveloper,
				DeveloperID: int64(dev), MemberID: 1, Role: vocdesk.RoleAgent, Name: "agent"}), vocdesk.ReviewFilter{})
			return len(list), err
		}},
	}
	for _, rd := range reads {
		if _, err := measure(c.clients, c.warmup, rd.fn); err != nil {
			return err
		}
		for _, n := range []int{1, c.clients} {
			cpu0, _ := processCPU()
			var db0 time.Duration
			if dbCPU != nil {
				db0, _ = dbCPU()
			}
			stop := make(chan struct{})
			wrote := replies(ctx, svc, c, stop)
			res, err := measure(n, c.duration, rd.fn)
			close(stop)
			written := <-wrote
			if err != nil {
				return err
			}
			cpu1, _ := processCPU()
			perReq := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(max(1, res.n)) }
			cost := fmt.Sprintf("CPU %.3f ms/req", perReq(cpu1-cpu0))
			if dbCPU != nil {
				db1, _ := dbCPU()
				cost += fmt.Sprintf(" + PostgreSQL %.3f ms/req", perReq(db1-db0))
			}
			if c.writes > 0 {
				cost += fmt.Sprintf(", %d replies written meanwhile", written)
			}
			fmt.Printf("%s: %-28s %2d clients: %7.0f/s  p50 %6.2f ms  p99 %6.2f ms  %s  (%d rows a page)\n",
				engine, rd.name, n, res.rate, ms(res.p50), ms(res.p99), cost, res.rows)
			if n == c.clients {
				verdict := "met"
				if res.p99 > rd.goal {
					verdict = "NOT met"
				}
				fmt.Printf("%s: goal (issue 20, 1M reviews over 1,000 apps, 64 clients): %s p99 <= %v; measured p99 %.2f ms at %d clients and %d reviews: %s (load average %s)\n",
					engine, rd.name, rd.goal, ms(res.p99), n, c.reviews, verdict, loadAverage())
			}
		}
	}
	return nil
}

// replies writes official replies to random reviews, c.writes a second in
// all, until stop is closed, as each review's developer, and sends how
// many it wrote. Each drops the cached first pages of the review's app and
// developer, which the next reads of them read again. The writers are
// several (one per 2 replies a second): one goroutine, waiting its turn
// behind 64 clients that never block after each of its statements, wrote
// a tenth of the rate.
func replies(ctx context.Context, svc vocdesk.ReviewService, c config, stop <-chan struct{}) <-chan int {
	out := make(chan int, 1)
	if c.writes <= 0 {
		out <- 0
		return out
	}
	writers := max(1, int(c.writes/2))
	var total atomic.Int64
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(3, uint64(w)))
			op := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
			tick := time.NewTicker(time.Duration(float64(writers) * float64(time.Second) / c.writes))
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				id := 1 + r.Int64N(int64(c.reviews))
				rev, err := svc.FindReviewByID(op, id)
				if err != nil {
					fmt.Fprintf(os.Stderr, "reviews bench: review %d: %v\n", id, err)
					return
				}
				dev := vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmDeveloper,
					DeveloperID: rev.DeveloperID, MemberID: 1, Role: vocdesk.RoleAgent, Name: "agent"})
				if _, err := svc.ReplyToReview(dev, id, fmt.Sprintf("답변 %d. Thanks!", total.Load())); err != nil {
					fmt.Fprintf(os.Stderr, "reviews bench: reply to %d: %v\n", id, err)
					return
				}
				total.Add(1)
			}
		}()
	}
	go func() {
		wg.Wait()
		out <- int(total.Load())
	}()
	return out
}

// fresh makes an empty database for engine and returns its DSN and how to
// remove it.
func fresh(ctx context.Context, c config, engine string) (string, func(), error) {
	switch engine {
	case "sqlite":
		path := filepath.Join(c.work, fmt.Sprintf("reviews-bench-%d.db", time.Now().UnixNano()))
		return path, func() {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}, nil
	case "postgres":
		schema := fmt.Sprintf("reviews_bench_%d", time.Now().UnixNano())
		admin, err := sql.Open("pgx", c.pgURL)
		if err != nil {
			return "", nil, err
		}
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			admin.Close()
			return "", nil, err
		}
		u, err := url.Parse(c.pgURL)
		if err != nil {
			admin.Close()
			return "", nil, err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), func() {
			_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			admin.Close()
		}, nil
	}
	return "", nil, fmt.Errorf("unknown engine %q", engine)
}

// processCPU is this process's user and system CPU time.
func processCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// loadAverage is the machine's 1, 5 and 15 minute load averages.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func appSlug(i int) string { return fmt.Sprintf("app-%04d", i) }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type result struct {
	n        int
	rate     float64
	p50, p99 time.Duration
	rows     int
}

// measure runs fn in a closed loop on n clients for d and returns the
// throughput and the latencies' median and 99th percentile.
func measure(n int, d time.Duration, fn func(r *rand.Rand) (int, error)) (result, error) {
	var (
		mu    sync.Mutex
		lat   []time.Duration
		rows  atomic.Int64
		first error
		wg    sync.WaitGroup
	)
	stop := time.Now().Add(d)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			var mine []time.Duration
			for time.Now().Before(stop) {
				t := time.Now()
				k, err := fn(r)
				if err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t))
				rows.Store(int64(k))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if first != nil {
		return result{}, first
	}
	if len(lat) == 0 {
		return result{}, fmt.Errorf("no request finished in %s", d)
	}
	slices.Sort(lat)
	return result{n: len(lat), rate: float64(len(lat)) / d.Seconds(), p50: lat[len(lat)/2], p99: lat[len(lat)*99/100], rows: int(rows.Load())}, nil
}
