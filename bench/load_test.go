package main

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestLoadTiny runs the whole load tool, small, so that it keeps working:
// the real binary, pgbench, inbound, a broadcast, the claim probe and the
// table, on two instances so that the balancer and the per-instance books
// are exercised too.
func TestLoadTiny(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out strings.Builder
	err := run(ctx, []string{"load", "-learners", "3", "-messages", "6", "-recipients", "120", "-workers", "4",
		"-instances", "2", "-duration", "5s", "-pgbench-clients", "4", "-claim-depths", "50,300"}, &out)
	t.Log(out.String())
	if err != nil {
		t.Fatalf("bench load: %v", err)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`pgbench -N \(the ceiling\) +\d+ TPS`),
		regexp.MustCompile(`\n  18 messages in .*: \d+ msg/s, p50 [0-9.]+ ms, p99`),
		regexp.MustCompile(`18 stored, 0 without a reply`),
		regexp.MustCompile(`120 messages queued in [0-9.]+ ms`),
		regexp.MustCompile(`claim of 32 at 300 queued`),
		regexp.MustCompile(`RSS of serve, max \(whole run\) +[0-9.]+ MiB`),
		regexp.MustCompile(`broadcast sent by instance +1: \d+, 2: \d+`),
		regexp.MustCompile(`rows sent twice / out of order +0 / 0 `),
		regexp.MustCompile(`\nPASS: `),
	} {
		if !want.MatchString(out.String()) {
			t.Errorf("the output lacks %s", want)
		}
	}
}

func TestParseDepths(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		ok   bool
	}{
		{"1000,20000,200000", []int{1000, 20000, 200000}, true},
		{" 5 , 6", []int{5, 6}, true},
		{"", nil, false},
		{"1000,", nil, false},
		{"0", nil, false},
		{"-5", nil, false},
		{"1k", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDepths(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("parseDepths(%q) error %v, want ok=%v", tt.in, err, tt.ok)
			}
			if tt.ok && !slices.Equal(got, tt.want) {
				t.Errorf("parseDepths(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if !tt.ok && !strings.Contains(err.Error(), "-claim-depths") {
				t.Errorf("the error %q does not name the flag", err)
			}
		})
	}
}

func TestOutboxRow(t *testing.T) {
	tests := []struct {
		callback string
		want     int64
		ok       bool
	}{
		{"http://127.0.0.1:8080/webhooks/twilio/status?id=4711.2.abcDEF_-", 4711, true},
		{"https://pamong.example.go.id/webhooks/twilio/status?route=sms&id=9.1.x", 9, true},
		{"http://127.0.0.1/webhooks/twilio/status", 0, false},
		{"http://127.0.0.1/webhooks/twilio/status?id=abc.1.x", 0, false},
		{"%zz", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.callback, func(t *testing.T) {
			got, err := outboxRow(tt.callback)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("outboxRow(%q) = %d, %v; want %d, ok=%v", tt.callback, got, err, tt.want, tt.ok)
			}
		})
	}
}
