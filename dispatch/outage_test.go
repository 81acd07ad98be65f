package dispatch_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/localpg"
	"github.com/pamong-desa/pamong/store"
)

// ownCluster starts a PostgreSQL cluster for this test alone, so that it
// can be stopped without taking every other test's database with it.
func ownCluster(t *testing.T) (*localpg.Cluster, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "pamong-outage-")
	if err != nil {
		t.Fatal(err)
	}
	c, err := localpg.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	c.Fast = true
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.Stop(ctx); err != nil {
			t.Errorf("stop the test's cluster: %v", err)
		}
		os.RemoveAll(dir)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	url, err := c.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return c, url
}

// writeCounter notes the messages whose outcome the database refused to
// record at first, to show that the outage struck sends in flight.
type writeCounter struct {
	*store.DB
	mu             sync.Mutex
	refused        map[int64]bool // acceptances
	refusedRetries int
}

func (w *writeCounter) MarkRetry(ctx context.Context, retries []dispatch.Retry, maxAttempts int, oldest time.Time) ([]string, error) {
	statuses, err := w.DB.MarkRetry(ctx, retries, maxAttempts, oldest)
	if err != nil {
		w.mu.Lock()
		w.refusedRetries += len(retries)
		w.mu.Unlock()
	}
	return statuses, err
}

func (w *writeCounter) MarkSent(ctx context.Context, sent []dispatch.Sent) error {
	err := w.DB.MarkSent(ctx, sent)
	if err != nil {
		w.mu.Lock()
		for _, s := range sent {
			w.refused[s.ID] = true
		}
		w.mu.Unlock()
	}
	return err
}

// The database stops in the middle of a drain, for longer than a lease,
// while the provider goes on accepting the sends in flight (issue 11, item
// 3: each such send stayed 'sending', was sent again when its lease ended,
// and held its learner's later messages back). Every message must reach
// the provider exactly once, in its learner's order.
func TestDatabaseOutageMidDrain(t *testing.T) {
	c, url := ownCluster(t)
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	f := &fixture{t: t, db: db, sql: raw}

	const learners, perLearner, workers = 30, 4, 8
	const lease, outage = time.Second, 3 * time.Second
	var queued [][]int64
	for i := range learners {
		queued = append(queued, f.queue(fmt.Sprintf("+6281500000%03d", i), 0, perLearner))
	}

	var (
		calls, acceptedWhileDown, failedWhileDown atomic.Int64
		down                                      atomic.Bool
		outageOnce                                sync.Once
		stopped                                   = make(chan struct{})
		restarted                                 = make(chan error, 1)
	)
	// accepted lists the sends the provider took, in order; sends that
	// fail are offered again, which is no duplicate.
	var (
		acceptedMu sync.Mutex
		accepted   []dispatch.Message
	)
	s := &fakeSender{fn: func(m dispatch.Message, n int) error {
		// Each send takes the provider a moment, so that the other
		// workers' sends are in flight when the database goes.
		time.Sleep(20 * time.Millisecond)
		switch call := calls.Add(1); {
		case call == 40:
			// This send stops the database before the provider answers:
			// its answer, and those of the sends in flight beside it,
			// cannot be written until the database returns.
			outageOnce.Do(func() {
				// Another send is under way first (call 41 below), so
				// that one fails while the database is gone.
				for deadline := time.Now().Add(10 * time.Second); calls.Load() < 41; time.Sleep(time.Millisecond) {
					if time.Now().After(deadline) {
						t.Error("no other send began while the 40th was in flight")
						break
					}
				}
				down.Store(true)
				if err := c.Stop(ctx); err != nil {
					t.Errorf("stop the database: %v", err)
				}
				close(stopped)
				go func() {
					time.Sleep(outage) // the outage itself, longer than a lease
					_, err := c.Start(ctx)
					down.Store(false)
					restarted <- err
				}()
			})
		case call == 41:
			// The next one fails once the database is gone: its retry
			// must be scheduled when it returns, not left to the lease.
			<-stopped
			failedWhileDown.Add(1)
			return dispatch.Retryable("503", errors.New("provider busy"))
		case down.Load():
			// The others in flight are answered once it is gone.
			<-stopped
		}
		if down.Load() {
			acceptedWhileDown.Add(1)
		}
		acceptedMu.Lock()
		accepted = append(accepted, m)
		acceptedMu.Unlock()
		return nil
	}}
	wc := &writeCounter{DB: db, refused: map[int64]bool{}}
	stop := start(t, wc, s, dispatch.Config{Workers: workers, Lease: lease, SendTimeout: 500 * time.Millisecond})
	select {
	case err := <-restarted:
		if err != nil {
			t.Fatalf("restart the database: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the database was never stopped and restarted")
	}
	deadline := time.Now().Add(time.Minute)
	for {
		var unsent int
		err := raw.Get(&unsent, `SELECT count(*) FROM outbox WHERE status <> 'sent'`)
		if err == nil && unsent == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages not sent a minute after the database came back (%v)", unsent, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()

	sends := map[int64]int{}
	perRecipient := map[string]int{}
	pos := map[int64]int{}
	for i, m := range accepted {
		sends[m.ID]++
		perRecipient[m.To]++
		if _, ok := pos[m.ID]; !ok {
			pos[m.ID] = i
		}
	}
	dups, lost := 0, 0
	for _, ids := range queued {
		for i, id := range ids {
			switch n := sends[id]; {
			case n == 0:
				lost++
			case n > 1:
				dups += n - 1
			}
			if i > 0 && pos[id] < pos[ids[i-1]] {
				t.Errorf("message %d left before %d of the same learner", id, ids[i-1])
			}
		}
	}
	for to, n := range perRecipient {
		if n != perLearner {
			t.Errorf("%s got %d sends; want %d", to, n, perLearner)
		}
	}
	t.Logf("database down %v mid-drain (lease %v, %d workers): %d sends accepted and %d failed while it was stopping or down, "+
		"%d acceptances and %d retries not recordable at first; %d duplicates, %d lost of %d",
		outage, lease, workers, acceptedWhileDown.Load(), failedWhileDown.Load(), len(wc.refused), wc.refusedRetries, dups, lost, learners*perLearner)
	if wc.refusedRetries == 0 {
		t.Error("the database refused no retry: the failed send was not tested")
	}
	// A failed send's retry is written when the database returns, not
	// left to the lease (which would hold the learner's later messages
	// back for all of it).
	if n := f.count(`SELECT count(*) FROM outbox WHERE last_error LIKE 'lease expired%'`); n != 0 {
		t.Errorf("%d rows went back to the queue by their lease", n)
	}
	if len(wc.refused) == 0 {
		t.Error("the database refused no acceptance: the test did not test the outage")
	}
	if dups != 0 || lost != 0 {
		t.Errorf("%d duplicates and %d lost; want none", dups, lost)
	}
	if s.overlap {
		t.Error("two messages of one learner were with the provider at the same time")
	}
}
