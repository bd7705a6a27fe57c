package main

import (
	"context"
	"fmt"
)

// runMigrate applies pending migrations and exits: for deployments that
// migrate in a step of their own before starting several servers.
func runMigrate(ctx context.Context, env *Env, args []string) int {
	cfg := DefaultConfig()
	fs := newFlagSet("migrate", "migrate [--db DSN]", env.Stderr)
	cfg.registerDB(fs)
	if code, ok := parseOrExit(fs, args, env); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "vocdesk migrate: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := validateDSN(cfg.DB); err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk migrate: %v\n", err)
		return 2
	}
	db, err := openDatabase(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vocdesk migrate: %v\n", err)
		return 1
	}
	defer db.Close()
	fmt.Fprintf(env.Stdout, "database %s is up to date (%s)\n", redactDSN(cfg.DB), db.Dialect())
	return 0
}
