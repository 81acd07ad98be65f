package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"time"

	"github.com/pamong-desa/pamong/localpg"
)

// pgbenchPaths are where Debian's postgresql-15 and postgresql-client
// packages put pgbench; PATH is tried after them.
var pgbenchPaths = []string{"/usr/lib/postgresql/15/bin/pgbench"}

// findPgbench is the pgbench binary, or an error that says how to get it.
func findPgbench() (string, error) {
	for _, p := range pgbenchPaths {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	return "", errors.New("pgbench not found (in /usr/lib/postgresql/15/bin or PATH): on Debian or Ubuntu " +
		"'apt-get install postgresql-client' (or postgresql-contrib) provides it; or run with -no-pgbench")
}

var tpsLine = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \(without initial connection time\)`)

// runPgbench measures the ceiling: `pgbench -N` (the TPC-B-like script
// without the two contended updates, so each transaction is one
// learner's row, as an inbound message is) with clients connections for
// d, on a database of its own in the run's cluster. It returns the TPS.
func runPgbench(ctx context.Context, cluster *localpg.Cluster, clients int, d time.Duration) (float64, error) {
	bin, err := findPgbench()
	if err != nil {
		return 0, err
	}
	admin, err := sql.Open("postgres", cluster.URL("postgres"))
	if err != nil {
		return 0, fmt.Errorf("open the cluster for pgbench: %w", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE pgbench`); err != nil {
		return 0, fmt.Errorf("create the pgbench database: %w", err)
	}
	u, err := url.Parse(cluster.URL("pgbench"))
	if err != nil {
		return 0, fmt.Errorf("read the cluster's URL: %w", err)
	}
	conn := []string{"-h", u.Query().Get("host"), "-U", u.User.Username(), "pgbench"}
	if out, err := exec.CommandContext(ctx, bin, append([]string{"-i", "-q"}, conn...)...).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("pgbench -i: %w\n%s", err, out)
	}
	args := append([]string{"-N", "-c", strconv.Itoa(clients), "-j", strconv.Itoa(runtime.NumCPU()),
		"-T", strconv.Itoa(int(d.Seconds()))}, conn...)
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench -N: %w\n%s", err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		// pgbench prints no rate when nothing committed in time: a
		// machine too busy for so short a -duration.
		return 0, fmt.Errorf("pgbench -N printed no tps line (give it a longer -duration):\n%s", out)
	}
	tps, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return 0, fmt.Errorf("pgbench -N tps %q: %w", m[1], err)
	}
	// Leave the cluster as pgbench found it: its tables would only
	// take shared buffers from the measurement that follows.
	if _, err := admin.ExecContext(ctx, `DROP DATABASE pgbench`); err != nil {
		return 0, fmt.Errorf("drop the pgbench database: %w", err)
	}
	return tps, nil
}
