package dispatch

import (
	"context"
	"sync"
)

// maxSentBatch bounds one write of acceptances.
const maxSentBatch = 500

// sentBatch writes the acceptances of all workers together: one statement,
// one commit, for whatever is waiting (group commit). A worker that finds
// no write under way does it, for everything waiting, until nothing is
// left; the others wait for the write that carries theirs. Each caller
// gets the outcome of the statement that carried its acceptance, so
// persist keeps it and tries again while the database is away, as for a
// write of its own (several waiting tries then share one statement).
type sentBatch struct {
	mu      sync.Mutex
	writing bool
	waiting []sentRequest
}

type sentRequest struct {
	sent Sent
	done chan error
}

// write records s through st, with others waiting, and tells how that went.
func (b *sentBatch) write(ctx context.Context, st Store, s Sent) error {
	done := make(chan error, 1)
	b.mu.Lock()
	b.waiting = append(b.waiting, sentRequest{s, done})
	if b.writing {
		b.mu.Unlock()
		return <-done
	}
	b.writing = true
	for len(b.waiting) > 0 {
		n := min(len(b.waiting), maxSentBatch)
		batch := b.waiting[:n:n]
		b.waiting = b.waiting[n:]
		b.mu.Unlock()
		sent := make([]Sent, len(batch))
		for i, r := range batch {
			sent[i] = r.sent
		}
		err := st.MarkSent(ctx, sent)
		for _, r := range batch {
			r.done <- err
		}
		b.mu.Lock()
	}
	b.writing = false
	b.mu.Unlock()
	return <-done
}
