package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pamong-desa/pamong/internal/faketwilio"
)

// Twilio's side of the run: the account, and the number learners write to.
const (
	twilioSID   = "AC50a450a450a450a450a450a450a450a4"
	twilioToken = "50a450a450a450a450a450a450a450a4"
	twilioFrom  = "+15005550006"
)

// keywords are the commands a learner may type at any time. BERHENTI and
// WA are left out: an opted-out learner or one moved to WhatsApp (not
// configured here) would change what "answered" means.
var keywords = []string{"MENU", "LANJUT", "ULANG", "NILAI", "BANTUAN", "MATERI"}

// garbage is what people send by mistake, or to see what happens.
var garbage = []string{"??", "ok", "siap pak", "🙏🙏", "1 2 3", "asdfgh", "terima kasih", "%00", "....", "halo halo"}

// inbound delivers learners' SMS as signed Twilio webhooks and keeps the
// books that the loss check needs.
type inbound struct {
	base    string
	client  *http.Client
	tally   *tally
	run     string // makes MessageSids unique to this run
	acked   atomic.Int64
	retries atomic.Int64

	mu   sync.Mutex
	lost []string // MessageSids never answered 200
}

// learner is one official writing to Pamong: registration first, then
// mostly quiz answers, some garbage and keywords, at a bounded pace.
func (in *inbound) learner(ctx, deliverCtx context.Context, n int, every time.Duration) {
	phone := fmt.Sprintf("+62812555%05d", n)
	rng := rand.New(rand.NewPCG(uint64(n), 11))
	script := []string{"halo", "Siti Aminah", "3204052001", "1", fmt.Sprint(1 + n%11)}
	for seq := 0; ctx.Err() == nil; seq++ {
		var text string
		switch r := rng.IntN(10); {
		case seq < len(script):
			text = script[seq]
		case r < 7:
			text = fmt.Sprint(1 + rng.IntN(4))
		case r < 8:
			text = garbage[rng.IntN(len(garbage))]
		default:
			text = keywords[rng.IntN(len(keywords))]
		}
		sid := fmt.Sprintf("SM%s%05d%019d", in.run, n, seq)
		in.deliver(deliverCtx, sid, phone, text)
		// A pace around every, so that learners do not march in step.
		pause := every/2 + time.Duration(rng.Int64N(int64(every)))
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
}

// deliver posts one message until Pamong takes it (200), as Twilio's
// retries would: 503 and no answer mean "try again". Anything else, or no
// 200 before ctx ends, is a lost message.
func (in *inbound) deliver(ctx context.Context, sid, from, text string) {
	params := url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "AccountSid": {twilioSID}, "From": {from},
		"To": {twilioFrom}, "Body": {text}, "NumSegments": {"1"}}
	wait := 500 * time.Millisecond
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			in.retries.Add(1)
		}
		status := 0
		resp, err := faketwilio.PostSigned(ctx, in.client, twilioToken, in.base+"/webhooks/twilio/sms", params)
		if err == nil {
			status = resp.StatusCode
			resp.Body.Close()
		}
		if ctx.Err() == nil || status != 0 {
			in.tally.add("POST /webhooks/twilio/sms", status)
		}
		switch {
		case status == http.StatusOK:
			in.acked.Add(1)
			return
		case status != 0 && status < 500:
			in.markLost(fmt.Sprintf("%s %q: HTTP %d", sid, text, status))
			return
		}
		select {
		case <-ctx.Done():
			in.markLost(fmt.Sprintf("%s %q: not taken before the run ended (last HTTP %d)", sid, text, status))
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

func (in *inbound) markLost(what string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.lost = append(in.lost, what)
}

// lostMessages are the inbound messages Pamong never took.
func (in *inbound) lostMessages() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]string(nil), in.lost...)
}

// reporter plays Twilio's status callbacks: every message the fake
// accepted is reported delivered, in order, retried until Pamong takes it.
type reporter struct {
	fake     *faketwilio.Server
	client   *http.Client
	tally    *tally
	reported atomic.Int64
}

// run reports until ctx ends; call catchUp afterwards for the rest.
func (r *reporter) run(ctx context.Context) {
	for ctx.Err() == nil {
		r.catchUp(ctx)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// catchUp reports every accepted message not reported yet, stopping at the
// first that Pamong does not take (to be tried again).
func (r *reporter) catchUp(ctx context.Context) bool {
	msgs := r.fake.Messages()
	for i := int(r.reported.Load()); i < len(msgs); i++ {
		status := 0
		resp, err := r.fake.PostStatus(ctx, r.client, msgs[i], "delivered", 0)
		if err == nil {
			status = resp.StatusCode
			resp.Body.Close()
		}
		if ctx.Err() == nil || status != 0 {
			r.tally.add("POST /webhooks/twilio/status", status)
		}
		if status != http.StatusOK && status != http.StatusNoContent {
			return false
		}
		r.reported.Add(1)
	}
	return true
}
