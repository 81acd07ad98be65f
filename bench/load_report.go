package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// The goals of issue #13, on a 2-core machine.
const (
	goalInboundRatio = 0.5
	goalP99          = 50 * time.Millisecond
	goalEnqueue      = time.Second
	goalDrain        = 2000.0 // msg/s
	goalRSSMB        = 100.0
)

// loadResults is everything one run measured.
type loadResults struct {
	instances    int
	pgbenchTPS   float64
	inbound      inboundResult
	inboundRSSMB float64 // the maximum RSS during the inbound phase
	broadcast    broadcastResult
	rssMB        float64 // the maximum RSS of any instance, whole run
	maxConns     int     // the most client connections the cluster had at once
	claims       []claimResult
	sentTwice    int
	outOfOrder   int
	replyPerInst []int
}

// print writes the table: each figure, its goal, and whether it is met.
// Speed never fails a run; the table says how far each goal is.
func (res *loadResults) print(w io.Writer) {
	load := "unknown"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	host, _ := os.Hostname()
	fmt.Fprintf(w, "\nFigures (%s, %s, %d CPUs, load average %s, %d instance(s)):\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), host, runtime.NumCPU(), load, res.instances)
	row := func(what, value, goal string, met bool) {
		mark := "met"
		if !met {
			mark = "NOT met"
		}
		if goal == "" {
			mark = ""
		}
		fmt.Fprintf(w, "  %-34s %-26s %-16s %s\n", what, value, goal, mark)
	}
	fmt.Fprintf(w, "  %-34s %-26s %-16s %s\n", "measure", "value", "goal", "")
	if res.pgbenchTPS > 0 {
		row("pgbench -N (the ceiling)", fmt.Sprintf("%.0f TPS", res.pgbenchTPS), "", true)
	}
	in := res.inbound
	row("inbound", fmt.Sprintf("%.0f msg/s", in.rate()), "", true)
	if res.pgbenchTPS > 0 {
		ratio := in.rate() / res.pgbenchTPS
		row("  ratio to pgbench -N", fmt.Sprintf("%.2f×", ratio), fmt.Sprintf("≥ %.1f×", goalInboundRatio), ratio >= goalInboundRatio)
	}
	row("  p50 / p99", ms(in.p50)+" / "+ms(in.p99), "p99 ≤ "+ms(goalP99), in.p99 <= goalP99)
	bc := res.broadcast
	if bc.recipients > 0 {
		row(fmt.Sprintf("broadcast of %d: enqueue", bc.recipients), ms(bc.enqueue), "≤ "+ms(goalEnqueue), bc.enqueue <= goalEnqueue)
		row("  drain", fmt.Sprintf("%.0f msg/s", bc.rate()), fmt.Sprintf("≥ %.0f msg/s", goalDrain), bc.rate() >= goalDrain)
	} else {
		row("broadcast", "refused", "", false)
	}
	if len(res.claims) > 0 {
		first := res.claims[0]
		for _, c := range res.claims {
			row(fmt.Sprintf("claim of %d at %d queued", claimLimit, c.depth),
				fmt.Sprintf("%s (deep %s)", ms(c.frontMedian), ms(c.deep)), "flat", true)
		}
		last := res.claims[len(res.claims)-1]
		ratio := float64(last.frontMedian) / float64(max(first.frontMedian, time.Microsecond))
		row(fmt.Sprintf("  %d ÷ %d rows", last.depth, first.depth), fmt.Sprintf("%.1f×", ratio), "≤ 2×", ratio <= 2)
	}
	row("RSS of serve, max (inbound)", fmt.Sprintf("%.1f MiB", res.inboundRSSMB), fmt.Sprintf("< %.0f MiB", goalRSSMB), res.inboundRSSMB < goalRSSMB)
	row("RSS of serve, max (whole run)", fmt.Sprintf("%.1f MiB", res.rssMB), fmt.Sprintf("< %.0f MiB", goalRSSMB), res.rssMB < goalRSSMB)
	row("database connections, max", fmt.Sprint(res.maxConns), "", true)
	if res.instances > 1 {
		row("replies sent by instance", instanceLine(res.replyPerInst), "shared", shared(res.replyPerInst))
		if bc.recipients > 0 {
			row("broadcast sent by instance", instanceLine(bc.perInst), "shared", shared(bc.perInst))
		}
	}
	row("rows sent twice / out of order", fmt.Sprintf("%d / %d", res.sentTwice, res.outOfOrder), "0 / 0", res.sentTwice == 0 && res.outOfOrder == 0)
}

// shared tells whether every instance did some of the work.
func shared(counts []int) bool {
	for _, n := range counts {
		if n == 0 {
			return false
		}
	}
	return len(counts) > 0
}
