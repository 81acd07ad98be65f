package dispatch

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
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

// stubStore answers the sweep and MarkSent; the dispatcher must not call
// anything else here (the embedded nil Store would panic).
type stubStore struct {
	Store
	kept     chan []int64
	markSent func() error
}

func (s *stubStore) ReleaseExpired(_ context.Context, keep []int64) (int64, error) {
	s.kept <- slices.Sorted(slices.Values(keep))
	return 0, nil
}

func (s *stubStore) MarkSent(context.Context, []Sent) error { return s.markSent() }

// A row stays in hand from its claim until its outcome is written, however
// long the database takes to come back: the sweep never requeues it, while
// it still requeues everything else whose lease ran out.
func TestSweepKeepsRowsInHand(t *testing.T) {
	answer := make(chan error)
	st := &stubStore{kept: make(chan []int64, 1), markSent: func() error { return <-answer }}
	d := New(st, nil, Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	ctx := context.Background()
	sweep := func() []int64 {
		d.sweep(ctx)
		return <-st.kept
	}
	m := Message{ID: 7, Attempt: 1, Channel: "sms"}
	d.hold([]Message{m, {ID: 8}})
	d.settle(8)
	done := make(chan struct{})
	go func() {
		d.recordSent(ctx, m, "fake", "p7", d.log)
		d.settle(m.ID)
		close(done)
	}()
	answer <- &net.OpError{Op: "dial", Net: "unix", Err: syscall.ENOENT}
	if got := sweep(); !slices.Equal(got, []int64{7}) {
		t.Errorf("while its acceptance waits for the database, the sweep keeps %v; want [7]", got)
	}
	answer <- nil
	<-done
	if got := sweep(); len(got) != 0 {
		t.Errorf("once written, the sweep still keeps %v", got)
	}
}
