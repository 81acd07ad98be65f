// Command pamong runs Pamong: the server (serve), its maintenance commands
// and the terminal chat that course authors use to try a course.
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

	"github.com/pamong-desa/pamong/localpg"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errFailed):
		os.Exit(1) // the command has already said what failed
	default:
		fmt.Fprintln(os.Stderr, "pamong:", err)
		os.Exit(1)
	}
}

// errFailed ends a command that printed its own report of what went wrong.
var errFailed = errors.New("failed")

// env bundles what every command gets from outside.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	cfg            Config
	// cluster is the private PostgreSQL that openStore started; nil with
	// DATABASE_URL.
	cluster *localpg.Cluster
}

type command struct {
	name, summary string
	// needs is the settings the command reads: only those are read and
	// checked before it runs (see LoadConfig).
	needs need
	run   func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the server: webhooks, health and metrics", needAll, serveCmd},
		{"migrate", "apply database migrations", needStore, migrateCmd},
		{"chat", "talk to Pamong in the terminal as a learner", needStore | needCourse, chatCmd},
		{"lessons", "check course files (lessons check [PATH])", 0, lessonsCmd},
		{"regions", "region codes (regions status | regions import FILE.csv)", needStore, regionsCmd},
		{"db", "the private PostgreSQL cluster (db status | db stop)", needDatabase, dbCmd},
		{"admin", "admins and their API tokens (admin create | list | revoke)", needAdmin, adminCmd},
		{"officials", "import village officials (officials import FILE.csv)", needAdmin, officialsCmd},
		{"announce", "send an announcement to officials, its status, cancel it", needAdmin, announceCmd},
		{"certificates", "competency certificates (certificates list | revoke CODE --reason ...)", needAdmin, certificatesCmd},
		{"whatsapp", "the WhatsApp device (whatsapp pair | status | logout)", needDatabase, whatsappCmd},
		{"version", "print the version", 0, versionCmd},
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			cfg, err := LoadConfig(os.Getenv, c.needs)
			if err != nil {
				return err
			}
			return c.run(ctx, &env{stdin: stdin, stdout: stdout, stderr: stderr, cfg: cfg}, args[1:])
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Pamong teaches village officials over WhatsApp and SMS.\n\nUsage: pamong COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'pamong COMMAND --help' for a command's flags; the environment variables are listed in README.md.")
}

// flags makes a flag set that prints its usage to stdout on --help.
func flags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: pamong %s\n", synopsis)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
	}
	return fs
}

func versionCmd(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "version", "version")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "pamong", version)
	return nil
}
