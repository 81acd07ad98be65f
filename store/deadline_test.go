package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
)

// A paused database (kill -STOP) used to hold every call until it came
// back, whatever the caller's deadline: lib/pq sends a cancel request on
// the context's end, which a paused server never reads, and keeps waiting
// on the socket. Each call must now end at its deadline, on a pooled
// connection as on a new one, and the pool must work again afterwards.
func TestStalledDatabaseMeetsTheDeadline(t *testing.T) {
	dsn, stall := pgtest.Stallable(t)
	db, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	course := testCourse(t)
	say(t, db, course, "+6281200000077", "warm-1", "halo") // a pooled connection exists

	stall.Pause()
	resumed := false
	defer func() {
		if !resumed {
			stall.Resume()
		}
	}()
	const limit = 700 * time.Millisecond
	calls := map[string]func(ctx context.Context) error{
		"ping":      db.Ping,
		"query":     func(ctx context.Context) error { _, err := db.CountRegions(ctx); return err },
		"inbound":   func(ctx context.Context) error { return handle(ctx, db, course, "+6281200000077", "stall-1", "1") },
		"inbound 2": func(ctx context.Context) error { return handle(ctx, db, course, "+6281200000078", "stall-2", "halo") },
	}
	var wg sync.WaitGroup
	type outcome struct {
		took time.Duration
		err  error
	}
	var mu sync.Mutex
	got := map[string]outcome{}
	for name, call := range calls {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			start := time.Now()
			err := call(ctx)
			mu.Lock()
			got[name] = outcome{time.Since(start), err}
			mu.Unlock()
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit + 3*time.Second):
		t.Fatalf("calls still waiting %s after their %s deadline with the database paused", 3*time.Second, limit)
	}
	for name, o := range got {
		if o.err == nil {
			t.Errorf("%s: succeeded with the database paused", name)
		}
		if !errors.Is(o.err, context.DeadlineExceeded) {
			t.Errorf("%s: error %v does not say the deadline passed", name, o.err)
		}
		if !store.Transient(o.err) {
			t.Errorf("%s: error %v is not transient", name, o.err)
		}
		if o.took > limit+time.Second {
			t.Errorf("%s: took %s; deadline %s", name, o.took, limit)
		}
		t.Logf("%s: %s, %v", name, o.took.Round(time.Millisecond), o.err)
	}

	stall.Resume()
	resumed = true
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := handle(ctx, db, course, "+6281200000077", "after-1", "halo"); err != nil {
		t.Fatalf("the pool did not recover after the pause: %v", err)
	}
}

func handle(ctx context.Context, db *store.DB, course *lessons.Course, phone, id, text string) error {
	_, err := db.HandleInbound(ctx, store.Inbound{Channel: bot.WhatsApp, ProviderID: id, Phone: phone, Text: text}, course)
	return err
}
