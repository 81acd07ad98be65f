package webhooks

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/twilio"
)

// BenchmarkTwilioInbound measures signed inbound SMS webhooks end to end:
// HTTP, signature check, dedupe, the engine in its transaction and the
// outbox rows, with requests from many learners in parallel.
func BenchmarkTwilioInbound(b *testing.B) {
	db := pgtest.New(b)
	course, err := lessons.BundledDefault()
	if err != nil {
		b.Fatal(err)
	}
	h := &Twilio{Store: db, Course: course, Validator: twilio.NewValidator(token), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	h.Routes(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	h.PublicURL = srv.URL
	var seq atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		learner := seq.Add(1)
		for pb.Next() {
			n := seq.Add(1)
			resp, err := faketwilio.PostSigned(context.Background(), srv.Client(), token, srv.URL+"/webhooks/twilio/sms", url.Values{
				"MessageSid": {fmt.Sprintf("SM%032d", n)}, "From": {fmt.Sprintf("+62817%08d", learner)}, "Body": {"1"},
			})
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("HTTP %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
