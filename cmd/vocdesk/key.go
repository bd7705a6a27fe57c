package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// runKey manages API keys: key create, key list, key revoke.
func runKey(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "Usage: vocdesk key create (--operator | --developer SLUG) [--name NAME] [--db DSN]\n       vocdesk key list [--db DSN]\n       vocdesk key revoke [--db DSN] ID")
		return 2
	}
	switch args[0] {
	case "create":
		return runKeyCreate(ctx, env, args[1:])
	case "list":
		return runKeyList(ctx, env, args[1:])
	case "revoke":
		return runKeyRevoke(ctx, env, args[1:])
	}
	fmt.Fprintf(env.Stderr, "vocdesk key: unknown subcommand %q (create, list, revoke)\n", args[0])
	return 2
}

// runKeyCreate creates a key and prints its secret as the last line of
// stdout, so scripts can take it with `tail -n1`; details go before it.
func runKeyCreate(ctx context.Context, env *Env, args []string) int {
	cfg := DefaultConfig()
	fs := newFlagSet("key create", "key create (--operator | --developer SLUG) [--name NAME] [--db DSN]", env.Stderr)
	cfg.registerDB(fs)
	operator := fs.Bool("operator", false, "an operator key (the store's billing system, back-office tools)")
	developer := fs.String("developer", "", "a key for the developer with this `slug` (its server)")
	name := fs.String("name", "", "a `name` to tell the key apart (default: cli-<time>)")
	if code, ok := parseOrExit(fs, args, env); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(env.Stderr, "vocdesk key create: unexpected argument %q\n", fs.Arg(0))
		return 2
	case *operator == (*developer != ""):
		fmt.Fprintln(env.Stderr, "vocdesk key create: give exactly one of --operator and --developer SLUG")
		return 2
	}
	if err := validateDSN(cfg.DB); err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk key create: %v\n", err)
		return 2
	}
	k := &vocdesk.APIKey{Realm: vocdesk.RealmOperator, DeveloperSlug: *developer, Name: *name}
	if *developer != "" {
		k.Realm = vocdesk.RealmDeveloper
	}
	if k.Name == "" {
		k.Name = "cli-" + time.Now().UTC().Format("20060102-150405")
	}
	// The first operator key may be made before the first serve, so it
	// may create the database; a developer's key needs the developer, so
	// a database that is not there is a wrong --db, said as such.
	open := openDatabase
	if k.Realm == vocdesk.RealmDeveloper {
		open = openExistingDatabase
	}
	db, err := open(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk key create: %v\n", err)
		return openExit(err)
	}
	defer db.Close()
	secret, err := sqlstore.Services(db).Auth.CreateAPIKey(systemContext(ctx), k)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk key create: %s\n", errorText(err))
		return exitFor(err)
	}
	owner := "operator"
	if k.Realm == vocdesk.RealmDeveloper {
		owner = "developer " + k.DeveloperSlug
	}
	fmt.Fprintf(env.Stdout, "created API key %d %q for %s (prefix %s); it is shown once, store it now:\n", k.ID, k.Name, owner, k.Prefix)
	fmt.Fprintln(env.Stdout, secret)
	return 0
}

func runKeyList(ctx context.Context, env *Env, args []string) int {
	cfg := DefaultConfig()
	fs := newFlagSet("key list", "key list [--db DSN]", env.Stderr)
	cfg.registerDB(fs)
	if code, ok := parseOrExit(fs, args, env); !ok {
		return code
	}
	if err := validateDSN(cfg.DB); err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk key list: %v\n", err)
		return 2
	}
	db, err := openExistingDatabase(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk key list: %v\n", err)
		return openExit(err)
	}
	defer db.Close()
	keys, err := sqlstore.Services(db).Auth.FindAPIKeys(systemContext(ctx))
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk key list: %s\n", errorText(err))
		return exitFor(err)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tREALM\tDEVELOPER\tNAME\tPREFIX\tCREATED\tLAST USED\tREVOKED")
	for _, k := range keys {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Realm, dash(k.DeveloperSlug), k.Name, k.Prefix,
			k.CreatedAt.UTC().Format(time.RFC3339), timeOrDash(k.LastUsedAt), timeOrDash(k.RevokedAt))
	}
	tw.Flush()
	return 0
}

func runKeyRevoke(ctx context.Context, env *Env, args []string) int {
	cfg := DefaultConfig()
	fs := newFlagSet("key revoke", "key revoke [--db DSN] ID", env.Stderr)
	cfg.registerDB(fs)
	if code, ok := parseOrExit(fs, args, env); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.Stderr, "vocdesk key revoke: give the key's ID (see vocdesk key list)")
		return 2
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		fmt.Fprintf(env.Stderr, "vocdesk key revoke: %q is not a key ID\n", fs.Arg(0))
		return 2
	}
	if err := validateDSN(cfg.DB); err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk key revoke: %v\n", err)
		return 2
	}
	db, err := openExistingDatabase(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk key revoke: %v\n", err)
		return openExit(err)
	}
	defer db.Close()
	if err := sqlstore.Services(db).Auth.RevokeAPIKey(systemContext(ctx), id); err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk key revoke: %s\n", errorText(err))
		return exitFor(err)
	}
	fmt.Fprintf(env.Stdout, "revoked API key %d\n", id)
	return 0
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
