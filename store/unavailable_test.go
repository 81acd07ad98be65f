package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/lib/pq"
)

func TestUnavailable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"no error", nil, false},
		{"socket gone", fmt.Errorf("look up admin token: %w", &net.OpError{Op: "dial", Net: "unix", Err: errors.New("no such file or directory")}), true},
		{"deadline", fmt.Errorf("list officials: %w", context.DeadlineExceeded), true},
		{"bad connection", driver.ErrBadConn, true},
		{"shutting down", &pq.Error{Code: "57P01"}, true},
		{"starting up", &pq.Error{Code: "57P03"}, true},
		{"too many connections", &pq.Error{Code: "53300"}, true},
		{"connection failure", &pq.Error{Code: "08006"}, true},
		{"syntax error is ours", &pq.Error{Code: "42601"}, false},
		{"constraint", fmt.Errorf("insert: %w", &pq.Error{Code: "23505"}), false},
		{"anything else", errors.New("odd"), false},
	}
	for _, tt := range tests {
		if got := Unavailable(tt.err); got != tt.want {
			t.Errorf("%s: Unavailable(%v) = %v; want %v", tt.name, tt.err, got, tt.want)
		}
	}
}
