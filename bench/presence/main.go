// Command presence measures issue 22's goal for collision detection:
// "presence costs no more than the live inbox does today at 500 open
// inquiry pages". It serves the real pages (web.NewServer over sqlstore) in
// process, opens -pages live inbox streams (GET /console/inquiries/events,
// each member's inbox, polled once a second by the server), measures the
// process's CPU and memory for -duration, closes them, then opens -pages
// inquiry pages' presence streams (GET /console/inquiries/{id}/presence:
// a beat every 4 s, the others read once a second), with -typing of them
// posting a keystroke every 3 s, and measures the same. It prints both,
// and the ratio against the goal.
//
//	cd bench
//	go run ./presence                               # both engines
//	go run ./presence -engines sqlite -duration 10s
//
// The figures are the whole process's: the server and the 500 clients
// reading the streams (the same clients in both runs). On PostgreSQL the
// database server's own CPU is not counted: the server is shared.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/bench/internal/benchdb"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/web"
)

type config struct {
	pages, members, inquiries int
	polls                     int
	typing                    float64
	duration, warmup          time.Duration
	pgURL                     string
}

func main() {
	var c config
	engines := flag.String("engines", "sqlite,postgres", "engines to run: sqlite, postgres")
	flag.IntVar(&c.pages, "pages", 500, "open pages (streams) at once")
	flag.IntVar(&c.members, "members", 50, "members of the developer the pages belong to")
	flag.IntVar(&c.inquiries, "inquiries", 2000, "inquiries in the developer's inbox")
	flag.IntVar(&c.polls, "polls", 5000, "polls of each kind measured one after another")
	flag.Float64Var(&c.typing, "typing", 0.1, "share of inquiry pages whose member is typing a reply")
	flag.DurationVar(&c.duration, "duration", 20*time.Second, "how long each kind of page is measured")
	flag.DurationVar(&c.warmup, "warmup", 5*time.Second, "how long the pages are open before measuring")
	flag.StringVar(&c.pgURL, "pg", envOr("VOCDESK_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL server URL")
	flag.Parse()
	for _, e := range strings.Split(*engines, ",") {
		if err := run(context.Background(), strings.TrimSpace(e), c); err != nil {
			log.Fatalf("%s: %v", e, err)
		}
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// world is the seeded developer: its members' session cookies and its
// inquiries.
type world struct {
	sessions  []string
	inquiries []int64
}

func run(ctx context.Context, engine string, c config) error {
	db, done, err := benchdb.Open(ctx, engine, c.pgURL, "presence")
	if err != nil {
		return err
	}
	defer done()
	svc := services(db)
	w, err := seed(ctx, svc, c)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	srv, err := web.NewServer(web.Config{}, svc)
	if err != nil {
		return err
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.pages + 100, MaxConnsPerHost: 0}}

	fmt.Printf("%s: %d pages, %d members, %d inquiries, typing %.0f%%, measured %s after %s (load: %s)\n",
		engine, c.pages, c.members, c.inquiries, c.typing*100, c.duration, c.warmup, loadavg())
	inbox, err := measure(ctx, c, func(ctx context.Context, i int, events *atomic.Int64) error {
		return stream(ctx, client, ts.URL+"/console/inquiries/events", w.sessions[i%len(w.sessions)], events)
	})
	if err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	report("live inbox", inbox, c)
	time.Sleep(2 * time.Second) // the inbox streams end; let them go
	presence, err := measure(ctx, c, func(ctx context.Context, i int, events *atomic.Int64) error {
		path := fmt.Sprintf("%s/console/inquiries/%d/presence", ts.URL, w.inquiries[i%len(w.inquiries)])
		cookie := w.sessions[i%len(w.sessions)]
		if float64(i) < c.typing*float64(c.pages) {
			go typeAway(ctx, client, path, cookie)
		}
		return stream(ctx, client, path, cookie, events)
	})
	if err != nil {
		return fmt.Errorf("presence: %w", err)
	}
	report("presence", presence, c)
	if err := pollCost(ctx, svc, w, c, c.polls); err != nil {
		return fmt.Errorf("polls: %w", err)
	}
	ratio := presence.cpu.Seconds() / inbox.cpu.Seconds()
	verdict := "met"
	if ratio > 1 {
		verdict = "NOT met"
	}
	fmt.Printf("%s: streams, presence / live inbox: CPU %.2fx, heap %.2fx; goal (presence costs no more than the live inbox): %s\n\n",
		engine, ratio, float64(presence.heap)/float64(max(inbox.heap, 1)), verdict)
	return nil
}

// result is one measured kind of page.
type result struct {
	cpu        time.Duration // process CPU (user+system) over the measured window
	heap       uint64        // heap in use at the end of the window
	goroutines int
	events     int64 // events the pages received in the window
	failed     int64
}

// measure opens c.pages streams with open, waits c.warmup, and measures
// the process over c.duration; then it closes them.
func measure(ctx context.Context, c config, open func(ctx context.Context, i int, events *atomic.Int64) error) (result, error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var events, failed atomic.Int64
	var firstErr atomic.Value
	for i := range c.pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A stream ends itself every 90 s; the page reconnects.
			for ctx.Err() == nil {
				if err := open(ctx, i, &events); err != nil && ctx.Err() == nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					time.Sleep(time.Second)
				}
			}
		}()
	}
	time.Sleep(c.warmup)
	if err, _ := firstErr.Load().(error); err != nil {
		cancel()
		wg.Wait()
		return result{}, err
	}
	runtime.GC()
	cpu0, ev0 := cpuTime(), events.Load()
	time.Sleep(c.duration)
	r := result{cpu: cpuTime() - cpu0, events: events.Load() - ev0, goroutines: runtime.NumGoroutine(), failed: failed.Load()}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.heap = ms.HeapInuse
	cancel()
	wg.Wait()
	return r, nil
}

func report(name string, r result, c config) {
	fmt.Printf("  %-10s  CPU %6.2f s in %s = %5.1f%% of a core, %6.1f µs per page-second; heap %6.1f MB; %d goroutines; %d events; %d failed streams\n",
		name, r.cpu.Seconds(), c.duration, 100*r.cpu.Seconds()/c.duration.Seconds(),
		1e6*r.cpu.Seconds()/(c.duration.Seconds()*float64(c.pages)), float64(r.heap)/(1<<20), r.goroutines, r.events, r.failed)
}

// stream reads one event stream until it ends, counting its events.
func stream(ctx context.Context, client *http.Client, url, session string, events *atomic.Int64) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Cookie", "vocdesk_session="+session)
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 200))
		return fmt.Errorf("GET %s: %d %s", url, res.StatusCode, b)
	}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "event: ") {
			events.Add(1)
		}
	}
	return nil
}

// typeAway posts "typing" every 3 s, as the page does while keys are
// pressed in the reply box. The CSRF token is the session's; the page's
// own check accepts a same-origin post that carries it.
func typeAway(ctx context.Context, client *http.Client, path, session string) {
	token := csrfOf(ctx, client, strings.TrimSuffix(path, "/presence"), session)
	tick := time.NewTicker(3 * time.Second)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, path, strings.NewReader("typing=1&csrf="+token))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", "vocdesk_session="+session)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if res, err := client.Do(req); err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// csrfOf reads the form token from the inquiry page.
func csrfOf(ctx context.Context, client *http.Client, page, session string) string {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, page, nil)
	req.Header.Set("Cookie", "vocdesk_session="+session)
	res, err := client.Do(req)
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	_, rest, ok := strings.Cut(string(b), `name="csrf" value="`)
	if !ok {
		return ""
	}
	tok, _, _ := strings.Cut(rest, `"`)
	return tok
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}

func services(db *sqlstore.DB) vocdesk.Services {
	return vocdesk.Services{
		Developers:    sqlstore.NewDeveloperService(db),
		Customers:     sqlstore.NewCustomerService(db),
		Purchases:     sqlstore.NewPurchaseService(db),
		Auth:          sqlstore.NewAuthService(db),
		Inquiries:     sqlstore.NewInquiryService(db),
		Desk:          sqlstore.NewDeskService(db),
		Presence:      sqlstore.NewPresenceService(db),
		Notifications: sqlstore.NewNotificationService(db),
	}
}

// seed stores one developer with c.members agents, a customer and
// c.inquiries general questions, through the services, and signs every
// member in.
func seed(ctx context.Context, svc vocdesk.Services, c config) (*world, error) {
	sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
	dev := &vocdesk.Developer{Slug: "bench-games", Name: "Bench Games", Email: "cs@bench.test"}
	if err := svc.Developers.CreateDeveloper(sys, dev); err != nil {
		return nil, err
	}
	if err := svc.Developers.CreateApp(sys, &vocdesk.App{DeveloperSlug: dev.Slug, Slug: "bench-quest", Name: "Bench Quest"}); err != nil {
		return nil, err
	}
	cust := &vocdesk.Customer{Email: "minji@bench.test", Name: "김민지", Locale: "ko"}
	if err := svc.Customers.CreateCustomer(sys, cust, ""); err != nil {
		return nil, err
	}
	w := &world{}
	asCust := vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: cust.ID, Name: cust.Name})
	for i := range c.inquiries {
		in := &vocdesk.Inquiry{AppSlug: "bench-quest", Category: vocdesk.CategoryOther, Subject: fmt.Sprintf("문의 %d: 게임이 멈춰요", i)}
		if err := svc.Inquiries.CreateInquiry(asCust, in, &vocdesk.Message{Body: "게임이 로딩 화면에서 멈춥니다. 확인 부탁드립니다."}); err != nil {
			return nil, err
		}
		w.inquiries = append(w.inquiries, in.ID)
	}
	for i := range c.members {
		m := &vocdesk.Member{Email: fmt.Sprintf("agent%d@bench.test", i), Name: fmt.Sprintf("Agent %d", i), Role: vocdesk.RoleAgent}
		if err := svc.Developers.CreateMember(sys, dev.Slug, m, ""); err != nil {
			return nil, err
		}
		secret, _, err := svc.Auth.CreateSession(sys, &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: dev.ID,
			MemberID: m.ID, Role: m.Role, Name: m.Name, Email: m.Email}, 12*time.Hour)
		if err != nil {
			return nil, err
		}
		w.sessions = append(w.sessions, secret)
	}
	return w, nil
}
