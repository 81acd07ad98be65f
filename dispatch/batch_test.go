package dispatch

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// batchStore answers MarkSent with what the test says, one call at a time,
// and notes each batch.
type batchStore struct {
	Store
	answers chan error
	mu      sync.Mutex
	batches [][]Sent
}

func (s *batchStore) MarkSent(_ context.Context, sent []Sent) error {
	s.mu.Lock()
	s.batches = append(s.batches, sent)
	s.mu.Unlock()
	return <-s.answers
}

// Acceptances that arrive while one is being written go together in the
// next statement, and each caller gets that statement's outcome: the
// written ones succeed, a refused batch is refused for every one of them
// (persist then tries each again).
func TestSentBatchSharesOneStatement(t *testing.T) {
	refused := errors.New("connection refused")
	for _, tt := range []struct {
		name   string
		second error
	}{{"written", nil}, {"refused", refused}} {
		t.Run(tt.name, func(t *testing.T) {
			st := &batchStore{answers: make(chan error)}
			var b batch[Sent, struct{}]
			write := func(ctx context.Context, sent []Sent) ([]struct{}, error) {
				return nil, st.MarkSent(ctx, sent)
			}
			ctx := context.Background()
			results := make(chan error, 6)
			go func() { _, err := b.do(ctx, Sent{ID: 1, Attempt: 1}, write); results <- err }()
			waitFor(t, func() bool { st.mu.Lock(); defer st.mu.Unlock(); return len(st.batches) == 1 })
			for id := int64(2); id <= 6; id++ {
				go func() { _, err := b.do(ctx, Sent{ID: id, Attempt: 1}, write); results <- err }()
			}
			waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return len(b.waiting) == 5 })
			st.answers <- nil
			st.answers <- tt.second
			var got []error
			for range 6 {
				got = append(got, <-results)
			}
			st.mu.Lock()
			defer st.mu.Unlock()
			if len(st.batches) != 2 || len(st.batches[0]) != 1 || len(st.batches[1]) != 5 {
				t.Fatalf("batches %v; want [1] then the five that waited", st.batches)
			}
			failed := 0
			for _, err := range got {
				if err != nil {
					if !errors.Is(err, refused) {
						t.Fatalf("unexpected error %v", err)
					}
					failed++
				}
			}
			if want := map[bool]int{true: 0, false: 5}[tt.second == nil]; failed != want {
				t.Fatalf("%d callers got an error; want %d", failed, want)
			}
		})
	}
}

// waitFor waits for cond, at most 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}
