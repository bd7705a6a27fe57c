package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/demo"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// runDemo fills the database with the demo marketplace and prints the
// logins to try. Running it again adds nothing already there.
func runDemo(ctx context.Context, env *Env, args []string) int {
	cfg := DefaultConfig()
	fs := newFlagSet("demo", "demo [--db DSN] [--url URL]", env.Stderr)
	cfg.registerDB(fs)
	baseURL := fs.String("url", "http://127.0.0.1:8080", "where vocdesk serve answers, for the printed links")
	seed := fs.Uint64("seed", demo.DefaultSeed, "seed of the generated data (the same seed gives the same data)")
	customers := fs.Int("customers", demo.DefaultCustomers, "customers to create (each gets a password: the slow part)")
	purchases := fs.Int("purchases", demo.DefaultPurchases, "purchases to record")
	if code, ok := parseOrExit(fs, args, env); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "vocdesk demo: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *customers < 2 || *purchases < 1 {
		fmt.Fprintln(env.Stderr, "vocdesk demo: --customers must be at least 2 and --purchases at least 1")
		return 2
	}
	if err := validateDSN(cfg.DB); err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk demo: %v\n", err)
		return 2
	}
	start := time.Now()
	db, err := openDatabase(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk demo: %v\n", err)
		return 1
	}
	defer db.Close()
	res, err := demo.Seed(ctx, sqlstore.Services(db), demo.Options{
		Seed:      *seed,
		Customers: *customers,
		Purchases: *purchases,
		// The demo dates each inquiry at its own moment in the past, so
		// SLA timers run and the oldest unanswered ones are escalated.
		SetNow: func(now func() time.Time) { db.Now = now },
		Logf: func(format string, args ...any) {
			fmt.Fprintf(env.Stderr, "demo: %5.1fs "+format+"\n", append([]any{time.Since(start).Seconds()}, args...)...)
		},
	})
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk demo: %s\n", errorText(err))
		return 1
	}
	printDemo(env, res, strings.TrimRight(*baseURL, "/"), redactDSN(cfg.DB), time.Since(start))
	return 0
}

func printDemo(env *Env, res *demo.Result, base, dsn string, took time.Duration) {
	w := env.Stdout
	c, e := res.Created, res.Existing
	fmt.Fprintf(w, "Demo marketplace in %s (%s):\n", dsn, took.Round(time.Millisecond))
	fmt.Fprintf(w, "  developers %d new, %d already there; apps %d new, %d already there; %d items\n", c.Developers, e.Developers, c.Apps, e.Apps, c.Items)
	fmt.Fprintf(w, "  members %d new, %d already there; customers %d new, %d already there\n", c.Members, e.Members, c.Customers, e.Customers)
	fmt.Fprintf(w, "  purchases %d recorded, %d already there (history up to %s)\n", c.Purchases, e.Purchases, res.Anchor.Format(time.RFC3339))
	if res.InquiriesStored {
		fmt.Fprintf(w, "  inquiries %d new, %d already there; %d escalated past the store's deadline\n",
			res.InquiriesCreated, res.InquiriesExisting, res.InquiriesEscalated)
	} else {
		fmt.Fprintf(w, "  inquiries: %d generated in Korean and English, stored once the desk (InquiryService) exists\n", len(res.Inquiries))
	}
	if f := res.Features; f != (demo.FeatureCounts{}) {
		fmt.Fprintf(w, "  agents' day: %d macros, %d rules, %d calls, %d social posts, %d rated, %d snoozed, %d merged, %d mentions added (%s has the mention in the bell)\n",
			f.Macros, f.Rules, f.Calls, f.SocialPosts, f.History, f.Snoozed, f.Merged, f.Mentions, res.Mentioned)
	}
	fmt.Fprintf(w, "\nStart the server with `vocdesk serve` and sign in (every password: %s):\n\n", demo.DefaultPassword)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHO\tEMAIL\tSIGN IN AT")
	for _, l := range res.Logins {
		who := string(l.Realm)
		switch l.Realm {
		case vocdesk.RealmDeveloper:
			who = fmt.Sprintf("developer %s (%s)", l.Developer, l.Role)
		case vocdesk.RealmCustomer:
			who = "customer " + l.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", who, l.Email, base+l.Path)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nOperator API key (shown once; earlier demo keys are revoked):\n  curl -H 'Authorization: Bearer %s' %s/api/v1/purchases\n", res.APIKey, base)
	fmt.Fprintln(w, res.APIKey)
}
