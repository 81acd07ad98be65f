package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// tally counts requests by route and HTTP status; status 0 is a request
// that got no answer (refused connection, timeout).
type tally struct {
	mu sync.Mutex
	n  map[string]map[int]int
}

func newTally() *tally { return &tally{n: map[string]map[int]int{}} }

func (t *tally) add(route string, status int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n[route] == nil {
		t.n[route] = map[int]int{}
	}
	t.n[route][status]++
}

// total is the number of requests so far.
func (t *tally) total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, byStatus := range t.n {
		for _, c := range byStatus {
			n += c
		}
	}
	return n
}

// count is the requests to route that got status.
func (t *tally) count(route string, status int) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n[route][status]
}

// print writes one line per route: the counts by status, 0 as "no answer".
func (t *tally) print(w io.Writer) {
	t.mu.Lock()
	defer t.mu.Unlock()
	routes := make([]string, 0, len(t.n))
	for r := range t.n {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	for _, r := range routes {
		var codes []int
		for c := range t.n[r] {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		var parts []string
		for _, c := range codes {
			name := fmt.Sprint(c)
			if c == 0 {
				name = "no answer"
			}
			parts = append(parts, fmt.Sprintf("%s: %d", name, t.n[r][c]))
		}
		fmt.Fprintf(w, "  %-34s %s\n", r, strings.Join(parts, ", "))
	}
}
