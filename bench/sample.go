package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// sample is one reading of the server process.
type sample struct {
	at         time.Duration // since the traffic began
	phase      string
	rssKB      int64
	fds        int
	goroutines int // -1: /metrics did not answer
	requests   int // requests made so far
	sent       int // messages the fake Twilio accepted so far
}

// readSample reads pid's RSS (/proc/PID/status VmRSS) and open file
// descriptors (/proc/PID/fd), and go_goroutines from its /metrics.
func readSample(ctx context.Context, pid int, metricsURL, token string) (sample, error) {
	var s sample
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, fmt.Errorf("read the server's /proc status: %w", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			s.rssKB, err = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return s, fmt.Errorf("parse VmRSS %q: %w", v, err)
			}
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return s, fmt.Errorf("list the server's open files: %w", err)
	}
	s.fds = len(fds)
	s.goroutines = goroutines(ctx, metricsURL, token)
	return s, nil
}

// goroutines scrapes go_goroutines, or -1 when /metrics does not answer.
func goroutines(ctx context.Context, metricsURL, token string) int {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metricsURL, nil)
	if err != nil {
		return -1
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				return int(n)
			}
		}
	}
	return -1
}

func printSampleHeader(w io.Writer) {
	fmt.Fprintf(w, "%8s  %-10s %9s %5s %10s %9s %9s\n", "time", "phase", "RSS MB", "FDs", "goroutines", "requests", "SMS sent")
}

func (s sample) print(w io.Writer) {
	fmt.Fprintf(w, "%8s  %-10s %9.1f %5d %10d %9d %9d\n", s.at.Round(time.Second), s.phase, float64(s.rssKB)/1024, s.fds, s.goroutines, s.requests, s.sent)
}
