package remind

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
)

type fakeStore struct {
	mu     sync.Mutex
	calls  int
	opts   []store.ReminderOptions
	result func(n int) (store.ReminderPass, error)
}

func (f *fakeStore) RunReminders(_ context.Context, _ *lessons.Course, opt store.ReminderOptions) (store.ReminderPass, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.opts = append(f.opts, opt)
	return f.result(f.calls)
}

func (f *fakeStore) count() int { f.mu.Lock(); defer f.mu.Unlock(); return f.calls }

func TestSchedulerPassesUntilStopped(t *testing.T) {
	tests := []struct {
		name    string
		opt     store.ReminderOptions
		atLeast int
	}{
		{"both on", store.ReminderOptions{Nudges: true, Reviews: true}, 3},
		{"reviews only", store.ReminderOptions{Reviews: true}, 3},
		{"both off never passes", store.ReminderOptions{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A failing pass does not stop the loop.
			f := &fakeStore{result: func(n int) (store.ReminderPass, error) {
				if n == 1 {
					return store.ReminderPass{}, errors.New("database gone")
				}
				return store.ReminderPass{Nudges: 1, Messages: 1}, nil
			}}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			s := &Scheduler{Store: f, Options: tc.opt, Every: time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			go func() { s.Run(ctx); close(done) }()
			deadline := time.Now().Add(5 * time.Second)
			for f.count() < tc.atLeast && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			cancel()
			<-done
			if got := f.count(); got < tc.atLeast || (tc.atLeast == 0 && got != 0) {
				t.Fatalf("%d passes, want at least %d", got, tc.atLeast)
			}
			for _, o := range f.opts {
				if o != tc.opt {
					t.Errorf("pass with %+v, want %+v", o, tc.opt)
				}
			}
		})
	}
}

// A pass that stops at its window is followed at once by the next, from
// where it stopped, until none is left; the sweep after starts again from
// the first learner.
func TestSchedulerSweepsWindows(t *testing.T) {
	f := &fakeStore{result: func(n int) (store.ReminderPass, error) {
		if n <= 2 {
			return store.ReminderPass{Nudges: 1, Messages: 1, More: true, Next: int64(100 * n)}, nil
		}
		return store.ReminderPass{}, nil
	}}
	opt := store.ReminderOptions{Nudges: true, Reviews: true}
	s := &Scheduler{Store: f, Options: opt, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s.pass(context.Background())
	s.pass(context.Background())
	var after []int64
	for _, o := range f.opts {
		after = append(after, o.After)
	}
	if want := []int64{0, 100, 200, 0}; !slices.Equal(after, want) {
		t.Errorf("passes after %v, want %v", after, want)
	}
}
