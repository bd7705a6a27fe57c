package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// client is what the benchmark's clients do. serviceClient calls the
// sqlstore services in process; an HTTP client of the JSON API can
// implement the same three calls.
type client interface {
	inbox(ctx context.Context, dev int, f vocdesk.InquiryFilter) (int, error)
	view(ctx context.Context, dev int, inquiry int64) (int, error)
	search(ctx context.Context, dev int, q string) (int, error)
	// operatorSearch is the back office's search over every developer's
	// inquiries (issue 19: p95 <= 50 ms at 64 clients on PostgreSQL).
	operatorSearch(ctx context.Context, q string) (int, error)
}

type serviceClient struct {
	inq       vocdesk.InquiryService
	purchases vocdesk.PurchaseService
}

func newServiceClient(db *sqlstore.DB) *serviceClient {
	return &serviceClient{inq: sqlstore.NewInquiryService(db), purchases: sqlstore.NewPurchaseService(db)}
}

// as is developer dev's agent (member id = developer id in the bench data).
func as(dev int) context.Context {
	return vocdesk.NewContextWithActor(context.Background(), &vocdesk.Actor{Realm: vocdesk.RealmDeveloper,
		DeveloperID: int64(dev), MemberID: int64(dev), Role: vocdesk.RoleAgent, Name: "agent"})
}

func (s *serviceClient) inbox(ctx context.Context, dev int, f vocdesk.InquiryFilter) (int, error) {
	list, _, err := s.inq.FindInquiries(as(dev), f)
	return len(list), err
}

// view is the inquiry page: the inquiry, its thread, and the customer's
// purchases of this developer's apps.
func (s *serviceClient) view(ctx context.Context, dev int, id int64) (int, error) {
	c := as(dev)
	in, msgs, err := s.inq.FindThread(c, id)
	if err != nil {
		return 0, err
	}
	ps, _, err := s.purchases.FindPurchases(c, vocdesk.PurchaseFilter{CustomerID: in.CustomerID, Limit: 20})
	return len(msgs) + len(ps), err
}

func (s *serviceClient) search(ctx context.Context, dev int, q string) (int, error) {
	hits, _, err := s.inq.SearchInquiries(as(dev), vocdesk.InquiryFilter{Q: q, Limit: 20})
	return len(hits), err
}

// operator is the back office's agent.
func operator() context.Context {
	return vocdesk.NewContextWithActor(context.Background(), &vocdesk.Actor{Realm: vocdesk.RealmOperator, OperatorID: 1, Name: "operator"})
}

func (s *serviceClient) operatorSearch(ctx context.Context, q string) (int, error) {
	hits, _, err := s.inq.SearchInquiries(operator(), vocdesk.InquiryFilter{Q: q, Limit: 20})
	return len(hits), err
}

type result struct {
	name       string
	clients    int
	lat        []time.Duration
	errors     int64
	rows       int64
	elapsed    time.Duration
	cpu        time.Duration // used by the answering side, when known
	dbCPU      time.Duration // used by PostgreSQL's server processes for the bench's sessions
	firstError error
}

func (r *result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(p*float64(len(r.lat))))]
}

type report struct {
	results           []*result
	writes, writeErrs int64 // made by the writer (-writes) meanwhile
}

// measure runs each operation with c.clients concurrent clients for
// c.duration, after a warm-up of c.warmup.
// dbCPU, when not nil, reads the CPU PostgreSQL's server processes have
// used for the benchmark's sessions (benchdb.ServerCPU).
func measure(ctx context.Context, c config, w *world, cl client, dbCPU func() (time.Duration, error)) *report {
	inbox := func(sort string, st ...vocdesk.InquiryStatus) func(r *rand.Rand) (int, error) {
		return func(r *rand.Rand) (int, error) {
			return cl.inbox(ctx, w.developer(r), vocdesk.InquiryFilter{Sort: sort, Status: st, Limit: 50})
		}
	}
	// The console's default view: a member's inbox without the snoozed.
	awake := func(sort string, st ...vocdesk.InquiryStatus) func(r *rand.Rand) (int, error) {
		return func(r *rand.Rand) (int, error) {
			return cl.inbox(ctx, w.developer(r), vocdesk.InquiryFilter{Sort: sort, Status: st, Limit: 50, Snoozed: vocdesk.SnoozedHide})
		}
	}
	ops := []struct {
		name string
		fn   func(r *rand.Rand) (int, error)
	}{
		{"inbox: all, newest", inbox("newest")},
		{"inbox: new+open, newest", inbox("newest", vocdesk.InquiryNew, vocdesk.InquiryOpen)},
		{"inbox: new+open, longest waiting", inbox("waiting", vocdesk.InquiryNew, vocdesk.InquiryOpen)},
		{"inbox: all, SLA due first", inbox("due")},
		{"inbox: awake, newest", awake("newest")},
		{"inbox: awake new+open, newest", awake("newest", vocdesk.InquiryNew, vocdesk.InquiryOpen)},
		{"inbox: awake new+open, longest waiting", awake("waiting", vocdesk.InquiryNew, vocdesk.InquiryOpen)},
		// One priority's inquiries, as the filter bar asks: urgent (one in
		// 200) and high (one in 20), awake (migration 00137's filter).
		{"inbox: awake urgent, newest", func(r *rand.Rand) (int, error) {
			return cl.inbox(ctx, w.developer(r), vocdesk.InquiryFilter{Limit: 50, Snoozed: vocdesk.SnoozedHide, Priority: vocdesk.PriorityUrgent})
		}},
		{"inbox: awake high, longest waiting", func(r *rand.Rand) (int, error) {
			return cl.inbox(ctx, w.developer(r), vocdesk.InquiryFilter{Sort: "waiting", Limit: 50, Snoozed: vocdesk.SnoozedHide, Priority: vocdesk.PriorityHigh})
		}},
		{"inquiry view", func(r *rand.Rand) (int, error) {
			id := 1 + r.IntN(w.inquiries)
			return cl.view(ctx, int(w.inquiryDev[id]), int64(id))
		}},
		{"full-text search", func(r *rand.Rand) (int, error) {
			return cl.search(ctx, w.developer(r), queries[r.IntN(len(queries))])
		}},
		{"operator full-text search", func(r *rand.Rand) (int, error) {
			return cl.operatorSearch(ctx, queries[r.IntN(len(queries))])
		}},
	}
	rep := &report{}
	for _, op := range ops {
		if !c.measures(op.name) {
			continue
		}
		// A server that has run a while: its processes have faulted in the
		// pages they map (SQLite's mmap, PostgreSQL's shared buffers) and
		// filled their page caches. A fresh process faults on the first
		// touch of each page: after a 2 s warm-up, SQLite's btreeInitPage,
		// where a page is first read, was 28% of an inquiry view's CPU.
		run(op.fn, c.clients, c.warmup)
		for _, n := range []int{1, c.clients} {
			before, cpuErr := cpuOf(cl)
			var dbBefore time.Duration
			dbErr := errNoMeter
			if dbCPU != nil {
				dbBefore, dbErr = dbCPU()
			}
			res := run(op.fn, n, c.duration)
			if after, err := cpuOf(cl); err == nil && cpuErr == nil {
				res.cpu = after - before
			}
			if dbErr == nil {
				if after, err := dbCPU(); err == nil {
					res.dbCPU = after - dbBefore
				}
			}
			res.name, res.clients = op.name, n
			rep.results = append(rep.results, res)
			logf("%s, %d clients: %d requests, p99 %v", op.name, n, len(res.lat), res.pct(0.99))
		}
	}
	return rep
}

// cpuOf is the CPU the answering side of cl has used, when cl can tell.
func cpuOf(cl client) (time.Duration, error) {
	m, ok := cl.(cpuMeter)
	if !ok {
		return 0, errNoMeter
	}
	return m.cpu()
}

var errNoMeter = errors.New("client cannot measure CPU")

// measures reports whether -ops asks for the operation named name.
func (c config) measures(name string) bool {
	if len(c.ops) == 0 {
		return true
	}
	for _, o := range c.ops {
		if o != "" && strings.Contains(name, o) {
			return true
		}
	}
	return false
}

func run(fn func(r *rand.Rand) (int, error), clients int, d time.Duration) *result {
	res := &result{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	start := time.Now()
	var errs, rows atomic.Int64
	for k := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(k), uint64(time.Now().UnixNano())))
			var lat []time.Duration
			for time.Now().Before(deadline) {
				t := time.Now()
				n, err := fn(r)
				lat = append(lat, time.Since(t))
				rows.Add(int64(n))
				if err != nil {
					errs.Add(1)
					mu.Lock()
					if res.firstError == nil {
						res.firstError = err
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.errors, res.rows = errs.Load(), rows.Load()
	slices.Sort(res.lat)
	return res
}

func (rep *report) print(engine string, c config, w *world) {
	fmt.Printf("\n## %s: %d inquiries, ~%d messages, %d purchases, %d developers; %v per row\n\n",
		engine, w.inquiries, 5*w.inquiries, w.purchases, w.developers, c.duration)
	if rep.writes > 0 {
		fmt.Printf("While measuring, an agent changed tags %d times (-writes %d/s), %d failed.\n\n", rep.writes, c.writes, rep.writeErrs)
	}
	fmt.Printf("| operation | clients | requests | req/s | p50 | p95 | p99 | errors | rows/request | CPU/request | DB CPU/request |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	perReq := func(cpu time.Duration, n int) string {
		if cpu <= 0 {
			return "-"
		}
		return (cpu / time.Duration(max(1, n))).Round(10 * time.Microsecond).String()
	}
	for _, r := range rep.results {
		n := len(r.lat)
		fmt.Printf("| %s | %d | %d | %.0f | %v | %v | %v | %d | %.1f | %s | %s |\n", r.name, r.clients, n, float64(n)/r.elapsed.Seconds(),
			r.pct(0.50).Round(10*time.Microsecond), r.pct(0.95).Round(10*time.Microsecond), r.pct(0.99).Round(10*time.Microsecond),
			r.errors, float64(r.rows)/float64(max(1, n)), perReq(r.cpu, n), perReq(r.dbCPU, n))
		if r.firstError != nil {
			fmt.Printf("|   first error: %v |\n", r.firstError)
		}
	}
	for _, r := range rep.results {
		if r.name == "operator full-text search" && r.clients == c.clients {
			verdict := "met"
			if r.pct(0.95) > 50*time.Millisecond {
				verdict = "NOT met"
			}
			fmt.Printf("\nGoal (issue 19, on PostgreSQL at 1M inquiries and 64 clients): operator search p95 <= 50 ms; "+
				"measured p95 %v at %d clients and %d inquiries: %s (load average %s).\n", r.pct(0.95).Round(10*time.Microsecond), r.clients, w.inquiries, verdict, loadAverage())
		}
	}
}

// loadAverage is the machine's 1, 5 and 15 minute load averages: the
// figures above are read against it.
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
