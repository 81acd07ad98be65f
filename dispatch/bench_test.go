package dispatch_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/twilio"
)

const (
	benchSID   = "AC00000000000000000000000000000001"
	benchToken = "0123456789abcdef0123456789abcdef"
)

// BenchmarkDispatch measures outbox throughput through the real Twilio
// sender against a local fake of Twilio, for several worker counts. Each
// learner has a few messages queued, so per-learner ordering is exercised.
func BenchmarkDispatch(b *testing.B) {
	for _, workers := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			f := newBenchFixture(b)
			fake := faketwilio.New(b, benchSID, benchToken)
			sender, err := twilio.New(twilio.Config{AccountSID: benchSID, AuthToken: benchToken, From: "+15005550006", APIURL: fake.URL})
			if err != nil {
				b.Fatal(err)
			}
			n := max(b.N, 1)
			f.queueMany(n, 4)
			b.ResetTimer()
			d := dispatch.New(f.db, map[string]dispatch.Sender{"sms": sender}, dispatch.Config{Workers: workers, Poll: 5 * time.Millisecond},
				slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { d.Run(ctx); close(done) }()
			fake.WaitFor(b, n, 5*time.Minute)
			b.StopTimer()
			cancel()
			<-done
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkWakeLatency measures how long a new outbox row waits before the
// dispatcher hands it to the sender: with LISTEN/NOTIFY, and with polling
// only (a 1s poll, the fallback).
func BenchmarkWakeLatency(b *testing.B) {
	for _, notify := range []bool{true, false} {
		b.Run(fmt.Sprintf("notify=%v", notify), func(b *testing.B) {
			f := newBenchFixture(b)
			got := make(chan time.Time, 1)
			s := &fakeSender{fn: func(dispatch.Message, int) error { got <- time.Now(); return nil }}
			d := dispatch.New(f.db, map[string]dispatch.Sender{"sms": s}, dispatch.Config{Workers: 1, Poll: time.Second},
				slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if notify {
				if err := f.db.ListenOutbox(ctx, d.Wake); err != nil {
					b.Fatal(err)
				}
			}
			go d.Run(ctx)
			time.Sleep(100 * time.Millisecond) // let the listener and the first poll settle
			var total time.Duration
			b.ResetTimer()
			for i := range b.N {
				written := time.Now()
				if _, err := f.sql.Exec(`WITH l AS (INSERT INTO learners (phone) VALUES ($1) RETURNING id)
					INSERT INTO outbox (learner_id, channel, to_address, text) SELECT id, 'sms', $1, 'x' FROM l`, fmt.Sprintf("+62815%08d", i)); err != nil {
					b.Fatal(err)
				}
				if _, err := f.sql.Exec(`SELECT pg_notify('pamong_outbox', '')`); err != nil {
					b.Fatal(err)
				}
				total += (<-got).Sub(written)
			}
			b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms-latency")
		})
	}
}
