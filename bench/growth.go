package main

import (
	"fmt"
	"time"
)

// growth prints the start, the level after warm-up, the last reading
// under load, the end (drained, idle) and the maximum of RSS, FDs and
// goroutines, and returns a problem for each that ends above c.limit times
// its level after warm-up.
func (r *runner) growth() []string {
	r.mu.Lock()
	samples := append([]sample(nil), r.samples...)
	r.mu.Unlock()
	if len(samples) < 3 {
		return []string{fmt.Sprintf("only %d samples of the server were read", len(samples))}
	}
	warmUp := min(2*time.Minute, r.c.duration/6)
	start, end, load := samples[0], samples[len(samples)-1], samples[0]
	for _, s := range samples {
		if s.phase != "drain" && s.phase != "end" {
			load = s
		}
	}
	base := samples[len(samples)-1]
	for _, s := range samples {
		if s.at >= warmUp {
			base = s
			break
		}
	}
	peak := start
	for _, s := range samples {
		peak.rssKB = max(peak.rssKB, s.rssKB)
		peak.fds = max(peak.fds, s.fds)
		peak.goroutines = max(peak.goroutines, s.goroutines)
	}
	fmt.Fprintf(r.w, "\n%-22s %9s %5s %10s\n", "", "RSS MB", "FDs", "goroutines")
	for _, row := range []struct {
		name string
		s    sample
	}{
		{"start", start},
		{fmt.Sprintf("after warm-up (%s)", base.at.Round(time.Second)), base},
		{"last under load", load},
		{"end (drained, idle)", end},
		{"max", peak},
	} {
		fmt.Fprintf(r.w, "%-22s %9.1f %5d %10d\n", row.name, float64(row.s.rssKB)/1024, row.s.fds, row.s.goroutines)
	}
	var problems []string
	check := func(what string, base, load, end int64) {
		limit := int64(r.c.limit * float64(base))
		if base <= 0 {
			problems = append(problems, fmt.Sprintf("%s after warm-up was not read", what))
			return
		}
		if load > limit || end > limit {
			problems = append(problems, fmt.Sprintf("%s grew from %d after warm-up to %d under load and %d at the end (limit %d)", what, base, load, end, limit))
		}
	}
	check("RSS (kB)", base.rssKB, load.rssKB, end.rssKB)
	check("open FDs", int64(base.fds), int64(load.fds), int64(end.fds))
	check("goroutines", int64(base.goroutines), int64(load.goroutines), int64(end.goroutines))
	return problems
}
