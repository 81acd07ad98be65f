package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// window is a span of time: a database outage, from the stop until the
// server answered /healthz again, plus a grace for what was in flight.
type window struct{ from, to time.Time }

// logReport is what the server's JSON log says.
type logReport struct {
	lines int
	// counts are warnings and errors by level and message.
	counts map[string]int
	// outside are errors logged outside every outage window.
	outside []string
	// panics are lines that start a panic or a fatal error.
	panics []string
}

// readLog reads the server's JSON log (one slog record a line; other
// lines, like the welcome text or a panic's stack, are looked at for a
// panic only).
func readLog(r io.Reader, outages []window) (logReport, error) {
	rep := logReport{counts: map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		rep.lines++
		line := sc.Text()
		var rec struct {
			Time  time.Time `json:"time"`
			Level string    `json:"level"`
			Msg   string    `json:"msg"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil {
			if strings.HasPrefix(line, "panic:") || strings.HasPrefix(line, "fatal error:") {
				rep.panics = append(rep.panics, line)
			}
			continue
		}
		if rec.Level != "WARN" && rec.Level != "ERROR" {
			continue
		}
		rep.counts[rec.Level+" "+rec.Msg]++
		during := slices.ContainsFunc(outages, func(o window) bool { return !rec.Time.Before(o.from) && !rec.Time.After(o.to) })
		if rec.Level == "ERROR" && !during {
			rep.outside = append(rep.outside, line)
		}
	}
	if err := sc.Err(); err != nil {
		return rep, fmt.Errorf("read the server log: %w", err)
	}
	return rep, nil
}

// logSummary prints how often each warning and error appears in the
// server's log, and returns a problem for a panic and for errors outside
// the outages: once the database is back, the server must be clean again.
func logSummary(w io.Writer, path string, outages []window) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{fmt.Sprintf("read the server log: %v", err)}
	}
	defer f.Close()
	rep, err := readLog(f, outages)
	if err != nil {
		return []string{err.Error()}
	}
	keys := make([]string, 0, len(rep.counts))
	for k := range rep.counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return rep.counts[b] - rep.counts[a] })
	fmt.Fprintf(w, "Server log: %d lines; warnings and errors by message (%d errors outside the outages):\n", rep.lines, len(rep.outside))
	for _, k := range keys {
		fmt.Fprintf(w, "  %6d  %.110s\n", rep.counts[k], k)
	}
	var problems []string
	for _, p := range rep.panics {
		problems = append(problems, "the server log shows "+p)
	}
	for i, line := range rep.outside {
		if i == 5 {
			problems = append(problems, fmt.Sprintf("… and %d more errors outside the outages", len(rep.outside)-i))
			break
		}
		problems = append(problems, fmt.Sprintf("error outside the outages: %.300s", line))
	}
	return problems
}
