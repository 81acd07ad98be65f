package main

import (
	"strings"
	"testing"
	"time"
)

// Lines as `pamong serve` writes them in a soak run.
const (
	infoLine  = `{"time":"2026-11-30T16:37:46.567044106Z","level":"INFO","msg":"course loaded","course":"dasar-pamong","lessons":6}`
	errLine   = `{"time":"2026-11-30T16:38:47.729994372Z","level":"ERROR","msg":"handle inbound SMS; the provider will retry","component":"webhooks","err":"begin: read unix: connection reset by peer"}`
	warnLine  = `{"time":"2026-11-30T16:38:49.398317577Z","level":"WARN","msg":"admin API: database unavailable","component":"admin"}`
	lateError = `{"time":"2026-11-30T16:40:00Z","level":"ERROR","msg":"claim outbox rows","component":"dispatch","err":"pq: the database system is shutting down (57P03)"}`
	lateWarn  = `{"time":"2026-11-30T16:40:00Z","level":"WARN","msg":"measure outbox depth"}`
	welcome   = `Pamong is running at http://127.0.0.1:8080`
)

func TestReadLog(t *testing.T) {
	outage := window{from: time.Date(2026, 11, 30, 16, 38, 47, 0, time.UTC), to: time.Date(2026, 11, 30, 16, 39, 20, 0, time.UTC)}
	tests := []struct {
		name          string
		lines         []string
		outages       []window
		wantCounts    map[string]int
		wantOutside   int
		wantPanics    int
		wantLineCount int
	}{
		{"errors during the outage only", []string{welcome, infoLine, errLine, errLine, warnLine}, []window{outage},
			map[string]int{"ERROR handle inbound SMS; the provider will retry": 2, "WARN admin API: database unavailable": 1}, 0, 0, 5},
		{"an error after the database returned", []string{errLine, lateError, lateWarn}, []window{outage},
			map[string]int{"ERROR handle inbound SMS; the provider will retry": 1, "ERROR claim outbox rows": 1, "WARN measure outbox depth": 1}, 1, 0, 3},
		{"no outage: every error is outside", []string{errLine, warnLine}, nil,
			map[string]int{"ERROR handle inbound SMS; the provider will retry": 1, "WARN admin API: database unavailable": 1}, 1, 0, 2},
		{"a panic", []string{infoLine, "panic: runtime error: index out of range [3] with length 3", "", "goroutine 1 [running]:"}, nil,
			map[string]int{}, 0, 1, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := readLog(strings.NewReader(strings.Join(tt.lines, "\n")+"\n"), tt.outages)
			if err != nil {
				t.Fatal(err)
			}
			if rep.lines != tt.wantLineCount || len(rep.outside) != tt.wantOutside || len(rep.panics) != tt.wantPanics {
				t.Errorf("lines %d, outside %d, panics %d; want %d, %d, %d", rep.lines, len(rep.outside), len(rep.panics),
					tt.wantLineCount, tt.wantOutside, tt.wantPanics)
			}
			if len(rep.counts) != len(tt.wantCounts) {
				t.Errorf("counts %v; want %v", rep.counts, tt.wantCounts)
			}
			for k, n := range tt.wantCounts {
				if rep.counts[k] != n {
					t.Errorf("%q counted %d; want %d", k, rep.counts[k], n)
				}
			}
		})
	}
}
