package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// logSummary prints how often each warning and error message appears in
// the server's JSON log (an outage is expected to cause some), and returns
// a problem if the server panicked.
func logSummary(w io.Writer, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{fmt.Sprintf("read the server log: %v", err)}
	}
	defer f.Close()
	counts := map[string]int{}
	var problems []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	lines := 0
	for sc.Scan() {
		lines++
		line := sc.Text()
		var rec struct {
			Level string `json:"level"`
			Msg   string `json:"msg"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil {
			// Not slog's: a panic's stack or the welcome text.
			if strings.HasPrefix(line, "panic:") || strings.HasPrefix(line, "fatal error:") {
				problems = append(problems, "the server log shows "+line)
			}
			continue
		}
		if rec.Level == "WARN" || rec.Level == "ERROR" {
			counts[rec.Level+" "+rec.Msg]++
		}
	}
	if err := sc.Err(); err != nil {
		problems = append(problems, fmt.Sprintf("read the server log: %v", err))
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return counts[b] - counts[a] })
	fmt.Fprintf(w, "Server log: %d lines; warnings and errors by message:\n", lines)
	for _, k := range keys {
		fmt.Fprintf(w, "  %6d  %.110s\n", counts[k], k)
	}
	return problems
}
