// Command bench runs Pamong's long-running measurements against the real
// binary: `go run ./bench soak -duration 30m`. Each measurement is a
// subcommand, so that the load tool (issue #13) can join the soak here.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// errFailed ends a command that has printed its own verdict.
var errFailed = errors.New("failed")

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout io.Writer) error
}

func commands() []command {
	return []command{
		{"soak", "mixed inbound, broadcast and admin traffic for a long time, the database restarted twice", soakCmd},
		{"load", "inbound and broadcast as fast as they go, against pgbench on the same cluster and the goals of issue #13", loadCmd},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errFailed):
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" {
		fmt.Fprintln(stdout, "usage: go run ./bench COMMAND [flags]")
		for _, c := range commands() {
			fmt.Fprintf(stdout, "  %-8s %s\n", c.name, c.summary)
		}
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout)
		}
	}
	return fmt.Errorf("unknown command %q: run 'go run ./bench help'", args[0])
}
