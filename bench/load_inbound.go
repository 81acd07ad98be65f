package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pamong-desa/pamong/internal/faketwilio"
)

// inboundResult is what the inbound phase measured.
type inboundResult struct {
	messages      int
	elapsed       time.Duration
	p50, p99, max time.Duration
}

func (r inboundResult) rate() float64 { return float64(r.messages) / r.elapsed.Seconds() }

// phaseOutcome is a phase's figures and the problems it found.
type phaseOutcome[T any] struct {
	result   T
	problems []string
}

// Books of the inbound phase, read straight from the database.
const (
	countLoadInbound    = `SELECT count(*) FROM inbound_messages WHERE provider_id LIKE $1`
	countLoadUnanswered = `
SELECT count(*) FROM inbound_messages i
WHERE i.provider_id LIKE $1 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.in_reply_to = i.id)`
	countLoadReplies  = `SELECT count(*) FROM outbox WHERE priority = 0`
	countLoadPending  = `SELECT count(*) FROM outbox WHERE priority = 0 AND status IN ('queued', 'sending')`
	loadInboundPrefix = "SMload"
)

// inbound has c.learners learners write c.messages SMS each, as signed
// Twilio webhooks to the public URL, each waiting for Pamong's answer
// before writing again (a phone does not send the next message before
// Twilio took the last). Latency is of the webhook: Pamong answers once
// the message is applied and its replies are queued.
func (r *loadRun) inbound(ctx context.Context) (phaseOutcome[inboundResult], error) {
	var out phaseOutcome[inboundResult]
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: r.c.learners + 4}}
	target := r.public + "/webhooks/twilio/sms"
	lat := make([][]time.Duration, r.c.learners)
	var mu sync.Mutex
	var failures []string
	var retries atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for n := range r.c.learners {
		wg.Go(func() {
			phone := fmt.Sprintf("+62812666%05d", n)
			rng := rand.New(rand.NewPCG(uint64(n), 13))
			// Register (name, village, role), then mostly quiz answers
			// and now and then a keyword, as the soak's learners do.
			script := []string{"halo", "Siti Aminah", "3204052001", "1"}
			for seq := range r.c.messages {
				text := fmt.Sprint(1 + rng.IntN(4))
				switch {
				case seq < len(script):
					text = script[seq]
				case rng.IntN(10) == 0:
					text = keywords[rng.IntN(len(keywords))]
				}
				sid := fmt.Sprintf("%s%05d%06d", loadInboundPrefix, n, seq)
				params := url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "AccountSid": {twilioSID}, "From": {phone},
					"To": {twilioFrom}, "Body": {text}, "NumSegments": {"1"}}
				// As Twilio does, a 5xx or no answer is tried again (the
				// message id makes a second delivery harmless); the
				// latency is the learner's, from the first try to the 200.
				t0 := time.Now()
				status, err := 0, error(nil)
				for attempt := 0; attempt < 5 && ctx.Err() == nil; attempt++ {
					if attempt > 0 {
						retries.Add(1)
						time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
					}
					var resp *http.Response
					resp, err = faketwilio.PostSigned(ctx, client, twilioToken, target, params)
					status = 0
					if err == nil {
						status = resp.StatusCode
						resp.Body.Close()
					}
					if status != 0 && status < 500 {
						break
					}
				}
				took := time.Since(t0)
				if status != http.StatusOK {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("inbound %s %q: HTTP %d %v", sid, text, status, err))
					mu.Unlock()
					if ctx.Err() != nil {
						return
					}
					continue
				}
				lat[n] = append(lat[n], took)
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return out, ctx.Err()
	}
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) == 0 {
		return out, fmt.Errorf("no inbound message was taken: %v", failures[:min(3, len(failures))])
	}
	out.result = inboundResult{messages: len(all), elapsed: elapsed,
		p50: all[len(all)/2], p99: all[min(len(all)-1, len(all)*99/100)], max: all[len(all)-1]}
	fmt.Fprintf(r.w, "  %d messages in %s: %.0f msg/s, p50 %s, p99 %s, max %s; %d tried again after a 5xx or no answer\n",
		len(all), elapsed.Round(time.Millisecond), out.result.rate(), ms(out.result.p50), ms(out.result.p99), ms(out.result.max), retries.Load())
	out.problems = append(out.problems, failures...)

	// The replies leave through the dispatcher: wait for them, then the
	// books.
	if err := waitFor(ctx, 2*time.Minute, func() (bool, error) {
		n, err := count(ctx, r.db, countLoadPending)
		return n == 0, err
	}); err != nil {
		out.problems = append(out.problems, "replies to inbound messages: "+err.Error())
	}
	stored, err := count(ctx, r.db, countLoadInbound, loadInboundPrefix+"%")
	if err != nil {
		return out, err
	}
	unanswered, err := count(ctx, r.db, countLoadUnanswered, loadInboundPrefix+"%")
	if err != nil {
		return out, err
	}
	replies, err := count(ctx, r.db, countLoadReplies)
	if err != nil {
		return out, err
	}
	fmt.Fprintf(r.w, "  %d stored, %d without a reply, %d replies queued\n", stored, unanswered, replies)
	if stored != len(all) {
		out.problems = append(out.problems, fmt.Sprintf("%d inbound messages were taken but %d are stored", len(all), stored))
	}
	if unanswered > 0 {
		out.problems = append(out.problems, fmt.Sprintf("%d inbound messages got no reply", unanswered))
	}
	return out, nil
}

// waitFor polls done every 100 ms until it says true, fails, or limit
// passes.
func waitFor(ctx context.Context, limit time.Duration, done func() (bool, error)) error {
	deadline := time.Now().Add(limit)
	for {
		ok, err := done()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not done within %s", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ms prints a duration in milliseconds with one decimal.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
