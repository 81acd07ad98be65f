package dispatch

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/lib/pq"
)

// Only a database that cannot answer is worth waiting for; a statement it
// refuses would be refused for ever.
func TestUnreachable(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("mark outbox row 7 sent: %w", err) }
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"socket gone", wrap(&net.OpError{Op: "dial", Net: "unix", Err: syscall.ENOENT}), true},
		{"connection refused", wrap(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), true},
		{"bad connection", wrap(driver.ErrBadConn), true},
		{"connection closed mid-answer", wrap(io.ErrUnexpectedEOF), true},
		{"a try that timed out", wrap(context.DeadlineExceeded), true},
		{"administrator shutdown", wrap(&pq.Error{Code: "57P01"}), true},
		{"starting up", wrap(&pq.Error{Code: "57P03"}), true},
		{"connection failure", wrap(&pq.Error{Code: "08006"}), true},
		{"too many connections", wrap(&pq.Error{Code: "53300"}), true},
		{"deadlock", wrap(&pq.Error{Code: "40P01"}), true},
		{"unique violation", wrap(&pq.Error{Code: "23505"}), false},
		{"syntax error", wrap(&pq.Error{Code: "42601"}), false},
		{"row gone", wrap(sql.ErrNoRows), false},
	} {
		if got := unreachable(tt.err); got != tt.want {
			t.Errorf("%s: unreachable = %v; want %v", tt.name, got, tt.want)
		}
	}
}
