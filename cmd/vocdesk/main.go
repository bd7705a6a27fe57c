// Command vocdesk runs the customer-care desk of an app marketplace: the web
// UI and JSON API, the demo data, migrations, API keys and the offline
// reconciliation of a store's payments with a developer's server log.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand. run receives the arguments after the command's
// name and returns the process exit status.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) int
}

// Env is what a command may touch of the outside world, so tests can run
// commands in-process with their own streams and environment.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

func commands() []command {
	return []command{
		{"serve", "run the web UI and JSON API (and SMTP intake with --smtp-addr)", runServe},
		{"demo", "fill the database with a realistic marketplace and print logins", runDemo},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"key", "manage API keys: key create (--operator | --developer SLUG)", runKey},
		{"import", "import data: import purchases FILE.csv", runImport},
		{"reconcile", "reconcile a store payment history with a server log", runReconcile},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// Run dispatches to a subcommand and returns the exit status: 0 success,
// 2 usage or setup error, other values as each command documents.
func Run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "vocdesk: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: vocdesk COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery flag may also come from the environment as VOCDESK_<FLAG> (e.g. VOCDESK_DB).")
}
