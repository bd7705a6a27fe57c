// Command audit measures the audit trail's search (issue 21) at the size of
// a busy store: the first page of each kind of search the back office and a
// developer's owner make, through sqlstore's AuditService in process, so
// each figure is what GET /api/v1/audit and /operator/audit wait for.
//
//	cd bench
//	go run ./audit                                  # both engines, 1M entries of 100 developers
//	go run ./audit -engines sqlite -entries 200000 -duration 3s
//
// The goal is the for every report: p95 at most 200 ms. Entries are
// spread over 30 days, ten actions, three kinds of actor, 100 developers
// (one in ten entries is the store's own), with small before/after JSON as
// vocdesk writes them. Loading bypasses the services (multi-row INSERTs).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/bench/internal/benchdb"
	"github.com/vocdesk/vocdesk/sqlstore"
)

const goal = 200 * time.Millisecond

var actions = []string{"inquiry.created", "inquiry.updated", "inquiry.message_added", "inquiry.rated", "purchase.recorded",
	"purchase.refunded", "cancellation.requested", "cancellation.approved", "canned_reply.updated", "member.role_changed"}

func main() {
	engines := flag.String("engines", "sqlite,postgres", "engines to run: sqlite, postgres")
	entries := flag.Int("entries", 1_000_000, "audit entries to load")
	devs := flag.Int("developers", 100, "developers the entries concern")
	duration := flag.Duration("duration", 5*time.Second, "how long each search is measured")
	pgURL := flag.String("pg", envOr("VOCDESK_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL server URL")
	flag.Parse()
	failed := false
	for _, e := range strings.Split(*engines, ",") {
		ok, err := run(context.Background(), strings.TrimSpace(e), *pgURL, *entries, *devs, *duration)
		if err != nil {
			fmt.Fprintf(os.Stderr, "audit bench %s: %v\n", e, err)
			os.Exit(1)
		}
		failed = failed || !ok
	}
	if failed {
		os.Exit(2)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, engine, pgURL string, n, devs int, d time.Duration) (bool, error) {
	dsn, drop, err := benchdb.Fresh(engine, pgURL, "audit")
	if err != nil {
		return false, err
	}
	defer drop()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return false, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return false, err
	}
	start := time.Now()
	end, err := load(ctx, engine, dsn, n, devs)
	if err != nil {
		return false, fmt.Errorf("load: %w", err)
	}
	// The entries went in around vocdesk: on SQLite its free-text index
	// takes them now, as it takes the entries vocdesk writes just after
	// they commit (migration 00147).
	if err := db.IndexAuditText(ctx); err != nil {
		return false, err
	}
	fmt.Printf("%s: loaded %d audit entries of %d developers in %s\n", engine, n, devs, time.Since(start).Round(time.Second))
	if err := db.Analyze(ctx); err != nil {
		return false, err
	}
	svc := sqlstore.NewAuditService(db)
	op := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
	owner := func(r *rand.Rand) context.Context {
		return vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: int64(1 + r.IntN(devs)),
			MemberID: 1, Role: vocdesk.RoleOwner, Name: "owner"})
	}
	week := end.Add(-7 * 24 * time.Hour)
	searches := []struct {
		name string
		ctx  func(r *rand.Rand) context.Context
		f    func(r *rand.Rand) vocdesk.AuditFilter
	}{
		{"operator, everything", func(*rand.Rand) context.Context { return op }, func(*rand.Rand) vocdesk.AuditFilter { return vocdesk.AuditFilter{} }},
		{"operator, one action", func(*rand.Rand) context.Context { return op }, func(r *rand.Rand) vocdesk.AuditFilter {
			return vocdesk.AuditFilter{Action: actions[r.IntN(len(actions))]}
		}},
		{"operator, one developer", func(*rand.Rand) context.Context { return op }, func(r *rand.Rand) vocdesk.AuditFilter {
			return vocdesk.AuditFilter{Developer: fmt.Sprintf("dev-%03d", 1+r.IntN(devs))}
		}},
		{"operator, one actor", func(*rand.Rand) context.Context { return op }, func(r *rand.Rand) vocdesk.AuditFilter {
			return vocdesk.AuditFilter{Actor: "developer:" + strconv.Itoa(1+r.IntN(1000))}
		}},
		{"operator, one entity", func(*rand.Rand) context.Context { return op }, func(r *rand.Rand) vocdesk.AuditFilter {
			return vocdesk.AuditFilter{Entity: "inquiry:" + strconv.Itoa(r.IntN(n/5))}
		}},
		{"operator, text, last 7 days", func(*rand.Rand) context.Context { return op }, func(r *rand.Rand) vocdesk.AuditFilter {
			return vocdesk.AuditFilter{Q: "tag-" + strconv.Itoa(r.IntN(50)), From: week}
		}},
		{"owner, everything", owner, func(*rand.Rand) vocdesk.AuditFilter { return vocdesk.AuditFilter{} }},
		{"owner, action family", owner, func(*rand.Rand) vocdesk.AuditFilter { return vocdesk.AuditFilter{Action: "purchase"} }},
		{"owner, a day", owner, func(r *rand.Rand) vocdesk.AuditFilter {
			from := end.Add(-time.Duration(1+r.IntN(29)) * 24 * time.Hour)
			return vocdesk.AuditFilter{From: from, To: from.Add(24 * time.Hour)}
		}},
		{"owner, text, all time", owner, func(r *rand.Rand) vocdesk.AuditFilter {
			return vocdesk.AuditFilter{Q: "tag-" + strconv.Itoa(r.IntN(50))}
		}},
		// Text every entry holds, and a name few of a developer's hold.
		{"owner, common text", owner, func(*rand.Rand) vocdesk.AuditFilter { return vocdesk.AuditFilter{Q: "resolved"} }},
		{"owner, a name, all time", owner, func(r *rand.Rand) vocdesk.AuditFilter {
			return vocdesk.AuditFilter{Q: "김민지 " + strconv.Itoa(1+r.IntN(1000)) + `"`}
		}},
	}
	ok := true
	for _, s := range searches {
		r := rand.New(rand.NewPCG(1, 2))
		var lat []time.Duration
		rows := 0
		stop := time.Now().Add(d)
		for time.Now().Before(stop) || len(lat) < 20 {
			f := s.f(r)
			f.Limit = 50
			t := time.Now()
			list, _, err := svc.FindAudit(s.ctx(r), f)
			if err != nil {
				return false, fmt.Errorf("%s: %w", s.name, err)
			}
			lat = append(lat, time.Since(t))
			rows += len(list)
		}
		slices.Sort(lat)
		p95 := lat[len(lat)*95/100]
		verdict := "meets"
		if p95 > goal {
			verdict, ok = "MISSES", false
		}
		fmt.Printf("%s: %-28s p50 %7.2f ms  p95 %7.2f ms  (%d searches, %.0f rows each)  %s the goal of p95 <= %s\n",
			engine, s.name, ms(lat[len(lat)/2]), ms(p95), len(lat), float64(rows)/float64(len(lat)), verdict, goal)
	}
	return ok, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// load fills the trail through a connection of its own (on SQLite with the
// safety off: a failed load is simply run again) and returns when its last
// entry happened.
func load(ctx context.Context, engine, dsn string, n, devs int) (time.Time, error) {
	driver, conn := "pgx", dsn
	if engine == "sqlite" {
		driver, conn = "sqlite", dsn+"?_pragma=busy_timeout(10000)&_pragma=synchronous(OFF)&_pragma=foreign_keys(OFF)"
	}
	db, err := sql.Open(driver, conn)
	if err != nil {
		return time.Time{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	t0 := end.Add(-30 * 24 * time.Hour).UnixMicro()
	step := (30 * 24 * time.Hour).Microseconds() / int64(n)
	err = insert(ctx, db, engine, "developers", []string{"slug", "name", "email", "created_at"}, devs, func(i int) []any {
		return []any{fmt.Sprintf("dev-%03d", i+1), fmt.Sprintf("Developer %d", i+1), fmt.Sprintf("dev%d@example.com", i+1), t0}
	})
	if err != nil {
		return end, err
	}
	realms := []string{"developer", "developer", "customer", "operator"}
	cols := []string{"at", "actor_realm", "actor_id", "actor_key_id", "actor_name", "developer_id", "action", "entity", "entity_id", "before_json", "after_json"}
	err = insert(ctx, db, engine, "audit_log", cols, n, func(i int) []any {
		var dev any = 1 + i%devs
		if i%10 == 9 {
			dev = nil
		}
		actor := 1 + (i*7)%1000
		before := fmt.Sprintf(`{"status":"open","tags":["tag-%d"]}`, i%50)
		after := fmt.Sprintf(`{"status":"resolved","tags":["tag-%d","tag-%d"],"assignee":"김민지 %d"}`, i%50, (i+1)%50, actor)
		return []any{t0 + int64(i)*step, realms[i%len(realms)], actor, 0, fmt.Sprintf("member %d", actor), dev,
			actions[(i/3)%len(actions)], "inquiry", strconv.Itoa(i / 5), before, after}
	})
	return end, err
}

const batchRows = 500

func insert(ctx context.Context, db *sql.DB, engine, table string, cols []string, n int, row func(i int) []any) error {
	for start := 0; start < n; start += batchRows {
		end := min(n, start+batchRows)
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range cols {
				if j > 0 {
					b.WriteString(", ")
				}
				if engine == "sqlite" {
					b.WriteByte('?')
				} else {
					b.WriteString("$" + strconv.Itoa(len(args)+j+1))
				}
			}
			b.WriteByte(')')
			args = append(args, row(i)...)
		}
		if _, err := db.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("%s rows %d-%d: %w", table, start, end, err)
		}
	}
	return nil
}
