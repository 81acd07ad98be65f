package dispatch

import (
	"context"
	"sync"
)

// maxBatch bounds one write of outcomes.
const maxBatch = 500

// batch writes the outcomes of all workers together: one statement, one
// commit, for whatever is waiting (group commit). A worker that finds no
// write under way does it, for everything waiting, until nothing is left;
// the others wait for the write that carries theirs. Each caller gets the
// outcome of the statement that carried its item, so persist keeps it and
// tries again while the database is away, as for a write of its own
// (several waiting tries then share one statement). write answers one
// result for each item, in order.
type batch[T, R any] struct {
	mu      sync.Mutex
	writing bool
	waiting []batchCall[T, R]
}

type batchCall[T, R any] struct {
	item T
	done chan batchResult[R]
}

type batchResult[R any] struct {
	r   R
	err error
}

// do writes item with the others waiting, and tells how that went.
func (b *batch[T, R]) do(ctx context.Context, item T, write func(context.Context, []T) ([]R, error)) (R, error) {
	done := make(chan batchResult[R], 1)
	b.mu.Lock()
	b.waiting = append(b.waiting, batchCall[T, R]{item, done})
	if !b.writing {
		b.writing = true
		for len(b.waiting) > 0 {
			n := min(len(b.waiting), maxBatch)
			calls := b.waiting[:n:n]
			b.waiting = b.waiting[n:]
			b.mu.Unlock()
			items := make([]T, len(calls))
			for i, c := range calls {
				items[i] = c.item
			}
			rs, err := write(ctx, items)
			for i, c := range calls {
				var r R
				if err == nil && i < len(rs) {
					r = rs[i]
				}
				c.done <- batchResult[R]{r, err}
			}
			b.mu.Lock()
		}
		b.writing = false
	}
	b.mu.Unlock()
	res := <-done
	return res.r, res.err
}
