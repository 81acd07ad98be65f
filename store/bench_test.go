package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// BenchmarkHandleInbound measures inbound messages end to end through the
// store (dedupe, lock, engine, state, answers, outbox) with N learners
// writing at once, each answering questions in turn.
func BenchmarkHandleInbound(b *testing.B) {
	for _, learners := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("learners=%d", learners), func(b *testing.B) {
			db := pgtest.New(b)
			seedRegions(b, db)
			course := testCourse(b)
			for i := range learners {
				register(b, db, course, phoneOf(i))
			}
			var seq atomic.Int64
			b.ResetTimer()
			var wg sync.WaitGroup
			per := (b.N + learners - 1) / learners
			for i := range learners {
				wg.Go(func() {
					for range per {
						id := seq.Add(1)
						_, err := db.HandleInbound(context.Background(), store.Inbound{Channel: bot.SMS,
							ProviderID: fmt.Sprintf("bench-%d", id), Phone: phoneOf(i), Text: "1"}, course)
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(per*learners)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

func phoneOf(i int) string { return fmt.Sprintf("+62812900%05d", i) }
