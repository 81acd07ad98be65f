package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/localpg"
)

// loadConfig is what the flags of `bench load` set.
type loadConfig struct {
	learners, messages, recipients, workers, instances, pgClients int
	duration                                                      time.Duration
	claimDepths                                                   []int
	keep, noPgbench                                               bool
	bin                                                           string
}

func loadCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var c loadConfig
	fs.IntVar(&c.learners, "learners", 64, "learners writing SMS at once, each waiting for Pamong's answer before the next")
	fs.IntVar(&c.messages, "messages", 30, "messages each learner writes")
	fs.IntVar(&c.recipients, "recipients", 80000, "officials the broadcast goes to")
	fs.IntVar(&c.workers, "workers", 32, "PAMONG_DISPATCH_WORKERS of each instance")
	fs.IntVar(&c.instances, "instances", 1, "pamong serve processes on the one database, behind a round-robin balancer when more than one")
	fs.IntVar(&c.pgClients, "pgbench-clients", 32, "pgbench -c: the clients of the ceiling measurement")
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "how long pgbench -N runs (pgbench -T)")
	depths := fs.String("claim-depths", "1000,20000,200000", "queue depths at which the claim is timed, comma-separated")
	fs.BoolVar(&c.noPgbench, "no-pgbench", false, "skip the pgbench ceiling (ratios are then not printed)")
	fs.StringVar(&c.bin, "pamong", "", "a pamong binary to measure instead of building this tree's (to compare two versions on one machine)")
	fs.BoolVar(&c.keep, "keep", false, "keep the run's directory (binary, server logs, cluster) even when it passes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if c.claimDepths, err = parseDepths(*depths); err != nil {
		return err
	}
	if c.learners < 1 || c.messages < 1 || c.recipients < 1 || c.workers < 1 || c.instances < 1 || c.pgClients < 1 ||
		c.duration < time.Second {
		return errors.New("load: want at least one learner, message, recipient, worker, instance and pgbench client, and -duration of at least 1s")
	}
	what := fmt.Sprintf("Load: %d learners × %d messages, a broadcast to %d, %d workers, %d instance(s)",
		c.learners, c.messages, c.recipients, c.workers, c.instances)
	return inRunDir(stdout, "load", what, c.keep, func(dir string) (bool, error) { return load(ctx, c, dir, stdout) })
}

// parseDepths reads "1000,20000,200000".
func parseDepths(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-claim-depths=%q: want positive row counts separated by commas, like 1000,20000,200000", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// loadRun holds one run's moving parts.
type loadRun struct {
	c         loadConfig
	w         io.Writer
	ctl       *pamong // runs migrate, admin and db stop; serves nothing
	instances []*instance
	public    string // the URL learners and admins reach: the balancer, or the one instance
	db        *sql.DB
	dbURL     string
	shift     time.Duration
	rss       *rssWatch
	// statements is whether pg_stat_statements is loaded.
	statements bool
}

// instance is one `pamong serve` with its own fake Twilio, so that the
// work each instance did can be told apart.
type instance struct {
	p        *pamong
	fake     *faketwilio.Server
	stopFake func()
}

// load runs the whole measurement; it leaves nothing running, whatever
// happens.
func load(ctx context.Context, c loadConfig, dir string, w io.Writer) (bool, error) {
	bin := c.bin
	if bin == "" {
		var err error
		if bin, err = buildPamong(ctx, dir); err != nil {
			return false, err
		}
	}
	r := &loadRun{c: c, w: w, shift: daytimeShift(time.Now(), 30*time.Minute)}
	dataDir := filepath.Join(dir, "pg")
	r.ctl = &pamong{bin: bin, dataDir: dataDir, env: []string{"DATABASE_URL=", "PAMONG_DATA_DIR=" + dataDir, "PAMONG_LOG_LEVEL=warn"}}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := r.ctl.run(stopCtx, "db", "stop"); err != nil {
			fmt.Fprintf(w, "stopping the cluster: %v\n", err)
		}
	}()
	if _, err := r.ctl.run(ctx, "migrate"); err != nil {
		return false, err
	}
	cluster, err := localpg.New(dataDir)
	if err != nil {
		return false, fmt.Errorf("find the run's cluster: %w", err)
	}
	r.dbURL = cluster.URL(localpg.DatabaseName)
	if r.db, err = sql.Open("postgres", r.dbURL); err != nil {
		return false, fmt.Errorf("open the run's database: %w", err)
	}
	defer r.db.Close()

	r.statements = r.enableStatements(ctx)
	res := &loadResults{instances: c.instances}
	if !c.noPgbench {
		fmt.Fprintf(w, "pgbench -N -c %d -T %s on the run's cluster…\n", c.pgClients, c.duration)
		if res.pgbenchTPS, err = runPgbench(ctx, cluster, c.pgClients, c.duration); err != nil {
			return false, err
		}
		fmt.Fprintf(w, "  %.0f TPS\n", res.pgbenchTPS)
	}
	out, err := r.ctl.run(ctx, "admin", "create", "--name", "Load", "--national")
	if err != nil {
		return false, err
	}
	token := tokenLine.FindString(out)
	if token == "" {
		return false, fmt.Errorf("pamong admin create printed no token:\n%s", out)
	}
	if r.shift != 0 {
		fmt.Fprintf(w, "It is night in WIB: the servers run with PAMONG_CLOCK_SHIFT=%s so that the broadcast may leave\n", r.shift)
	}

	stopAll, err := r.startInstances(ctx, dir)
	defer stopAll()
	if err != nil {
		return false, err
	}
	r.rss = watchRSS(r.instances, r.db)
	defer r.rss.stop()

	var problems []string
	fmt.Fprintf(w, "Inbound: %d learners × %d messages…\n", c.learners, c.messages)
	r.resetStatementStats(ctx)
	in, err := r.inbound(ctx)
	if err != nil {
		return false, err
	}
	res.inbound = in.result
	res.inboundRSSMB = r.rss.maxMB()
	problems = append(problems, in.problems...)

	r.printStatements(ctx)
	fmt.Fprintf(w, "Broadcast to %d officials…\n", c.recipients)
	r.resetStatementStats(ctx)
	bc, err := r.broadcast(ctx, token)
	if err != nil {
		return false, err
	}
	r.printStatements(ctx)
	res.broadcast = bc.result
	res.rssMB = r.rss.maxMB()
	res.maxConns = int(r.rss.maxConns.Load())
	problems = append(problems, bc.problems...)
	problems = append(problems, r.checkSends(ctx, res)...)
	r.rss.stop()
	if err := stopAll(); err != nil {
		problems = append(problems, err.Error())
	}

	fmt.Fprintln(w, "Claim cost by queue depth (servers stopped)…")
	if res.claims, err = r.claimCost(ctx); err != nil {
		return false, err
	}
	res.print(w)
	return verdict(w, problems, "nothing lost, nothing sent twice, every learner's messages in order (speed never fails a run)"), nil
}
