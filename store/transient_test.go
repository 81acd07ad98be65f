package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/lib/pq"
)

func TestTransient(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"no error", nil, false},
		{"deadline", fmt.Errorf("handle inbound: %w", context.DeadlineExceeded), true},
		{"network", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{"serialization failure", &pq.Error{Code: "40001"}, true},
		{"admin shutdown", fmt.Errorf("begin: %w", &pq.Error{Code: "57P01"}), true},
		{"query cancelled", &pq.Error{Code: "57014"}, true},
		{"too many connections", &pq.Error{Code: "53300"}, true},
		{"invalid byte sequence", fmt.Errorf("insert inbound: %w", &pq.Error{Code: "22021"}), false},
		{"check violation", &pq.Error{Code: "23514"}, false},
		{"unknown", errors.New("something odd"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Transient(tt.err); got != tt.want {
				t.Errorf("Transient(%v) = %v; want %v", tt.err, got, tt.want)
			}
		})
	}
}
