package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Store is what the dispatcher needs of the outbox.
type Store interface {
	ClaimDue(ctx context.Context, channels []string, limit int, lease time.Duration) ([]Message, error)
	MarkSent(ctx context.Context, sent []Sent) error
	MarkRetry(ctx context.Context, retries []Retry, maxAttempts int, oldest time.Time) (statuses []string, err error)
	MarkDeferred(ctx context.Context, deferred []Deferral) error
	MarkFailed(ctx context.Context, id int64, sendErr string, optedOut bool) error
	ReleaseExpired(ctx context.Context, keep []int64) (int64, error)
	Release(ctx context.Context, ids []int64) error
	FallBack(ctx context.Context, id int64, reason string, preferSMSFromNow bool) error
	FallBackUnconfirmed(ctx context.Context, after time.Duration, limit int) (int, error)
	CancelUnwantedAndHoldForQuietHours(ctx context.Context) (cancelled, held int64, err error)
}

// Sent is a provider's acceptance of one attempt at sending a message.
type Sent struct {
	ID                   int64
	Attempt              int
	Provider, ProviderID string
}

// Retry is a send that failed for now, to try again at Next.
type Retry struct {
	ID    int64
	Error string
	Next  time.Time
}

// Deferral puts a claimed message back in the queue for Wait, until its
// channel has room for it; it does not count as an attempt. It is a
// duration, not a time, because the store keeps its own clock.
type Deferral struct {
	ID     int64
	Reason string
	Wait   time.Duration
}

// Config tunes the dispatcher; zero fields take the defaults.
type Config struct {
	// Workers is how many sends may be in flight at once (default 8).
	Workers int
	// Lease is how long a claimed row is ours; after a crash it returns to
	// the queue when the lease ends (default 2m; keep it well above
	// SendTimeout).
	Lease time.Duration
	// SendTimeout bounds one provider call (default 30s).
	SendTimeout time.Duration
	// Poll is how often the queue is looked at without a NOTIFY, which is
	// what picks up retries that fall due (default 1s).
	Poll time.Duration
	// MaxAttempts and MaxAge bound retries (default 10 attempts, 24h).
	MaxAttempts int
	MaxAge      time.Duration
	// BackoffBase doubles with each attempt up to BackoffMax, with jitter
	// (defaults 5s and 15m).
	BackoffBase, BackoffMax time.Duration
	// Rates limits each channel in messages per second; an SMS costs one
	// token per segment. A channel without a rate is not limited. The
	// limit is taken before the claim: no more rows of a channel are
	// claimed than its limiter lets go now, so that no worker ever waits
	// on it while holding a lease.
	Rates map[string]float64
	// FallbackAfter is how long a WhatsApp message may go without a
	// delivery receipt before it is sent again by SMS (default 10m).
	FallbackAfter time.Duration
	// Elsewhere names channels another process carries (it holds the
	// WhatsApp device): their rows are left to it.
	Elsewhere []string
	// RecordGrace is how long a stopping dispatcher goes on trying to
	// record sends the provider accepted while the database does not
	// answer (default 10s); a running one tries until it answers.
	RecordGrace time.Duration
}

func (c *Config) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 10
	}
	def(&c.Lease, 2*time.Minute)
	def(&c.SendTimeout, 30*time.Second)
	def(&c.Poll, time.Second)
	def(&c.MaxAge, 24*time.Hour)
	def(&c.BackoffBase, 5*time.Second)
	def(&c.BackoffMax, 15*time.Minute)
	def(&c.FallbackAfter, 10*time.Minute)
	def(&c.RecordGrace, 10*time.Second)
}

// Dispatcher sends the outbox through one sender per channel.
type Dispatcher struct {
	store    Store
	senders  map[string]Sender // by channel: the default route
	routes   map[string]Sender // by provider name
	channels []string
	limiters map[string]*rate.Limiter
	cfg      Config
	log      *slog.Logger
	metrics  *Metrics
	now      func() time.Time
	wake     chan struct{}
	// inHand holds the ids of the rows this dispatcher has claimed and not
	// yet settled (being sent, or their outcome being written): the sweep
	// never requeues them, however long a database outage outlasts their
	// lease.
	inHandMu sync.Mutex
	inHand   map[int64]bool
	// sent and retries write those outcomes in batches (batch.go).
	sent      batch[Sent, struct{}]
	retries   batch[Retry, string]
	deferrals batch[Deferral, struct{}]
}

// New makes a dispatcher; senders maps a channel ("sms", "whatsapp") to the
// sender that carries it by default. Rows of channels without a sender stay
// queued. Extra senders carry a channel for the rows that ask for them by
// provider name (the learner wrote through that gateway).
func New(store Store, senders map[string]Sender, cfg Config, log *slog.Logger, metrics *Metrics, extra ...Sender) *Dispatcher {
	cfg.defaults()
	d := &Dispatcher{store: store, senders: senders, routes: map[string]Sender{}, cfg: cfg, log: log, metrics: metrics,
		limiters: map[string]*rate.Limiter{}, now: time.Now, wake: make(chan struct{}, 1), inHand: map[int64]bool{}}
	for _, s := range senders {
		d.routes[s.Name()] = s
	}
	for _, s := range extra {
		d.routes[s.Name()] = s
	}
	// Every channel is claimed as soon as there is any sender, so that a
	// row nobody here can carry is settled (WhatsApp falls back to SMS, SMS
	// without a gateway fails) instead of blocking its learner's later
	// messages for ever; only a channel another process carries is left.
	if len(senders) > 0 {
		for _, ch := range []string{sms, whatsApp} {
			if !slices.Contains(cfg.Elsewhere, ch) {
				d.channels = append(d.channels, ch)
			}
		}
	}
	for ch := range senders {
		if r := cfg.Rates[ch]; r > 0 {
			d.limiters[ch] = rate.NewLimiter(rate.Limit(r), max(1, int(r)))
		}
	}
	return d
}

// Wake makes the dispatcher look at the queue now (new rows were written).
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx ends. On the way out it stops claiming, lets sends in
// flight finish and record their answers (each bounded by SendTimeout), and
// hands back rows it claimed but never offered to a provider.
func (d *Dispatcher) Run(ctx context.Context) error {
	if len(d.channels) == 0 {
		<-ctx.Done()
		return nil
	}
	var (
		wg    sync.WaitGroup
		slots = make(chan struct{}, d.cfg.Workers)
		tick  = time.NewTicker(d.cfg.Poll)
	)
	defer tick.Stop()
	defer wg.Wait()
	var lastSweep, lastHold time.Time
	for {
		// Expired leases are rare (a crashed process) and fallbacks are
		// minutes late by design; looking once per poll interval is plenty
		// and keeps the hot loop to claim and send.
		if time.Since(lastSweep) >= d.cfg.Poll {
			lastSweep = time.Now()
			d.sweep(ctx)
		}
		if time.Since(lastHold) >= quietHoursSweep {
			lastHold = time.Now()
			if cancelled, held, err := d.store.CancelUnwantedAndHoldForQuietHours(ctx); err != nil && ctx.Err() == nil {
				d.log.Error("cancel unwanted and hold bulk messages for quiet hours", "err", err)
			} else if cancelled+held > 0 {
				d.log.Info("queued messages cancelled, bulk messages held until 08:00 in their learners' time zones",
					"cancelled", cancelled, "held", held)
			}
		}
		for ctx.Err() == nil {
			free := d.cfg.Workers - len(slots)
			if free == 0 {
				break
			}
			// The claim runs to its end even when stopping, so that rows it
			// marked as ours are never lost with the answer; rows claimed
			// by a stopping dispatcher are handed back at once.
			claimCtx, cancelClaim := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			msgs, err := d.claim(claimCtx, free)
			cancelClaim()
			if err == nil && ctx.Err() != nil && len(msgs) > 0 {
				ids := make([]int64, len(msgs))
				for i, m := range msgs {
					ids[i] = m.ID
				}
				release, cancelRelease := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				if err := d.store.Release(release, ids); err != nil {
					d.log.Error("release outbox rows", "err", err)
				}
				cancelRelease()
				return nil
			}
			if err != nil {
				if ctx.Err() == nil {
					d.log.Error("claim outbox rows", "err", err)
				}
				break
			}
			d.hold(msgs)
			for _, m := range msgs {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					d.send(ctx, m)
					d.settle(m.ID)
					<-slots
					// The learner's next message may be claimable now.
					d.Wake()
				}()
			}
			if len(msgs) < free {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-d.wake:
		case <-tick.C:
		}
	}
}

func (d *Dispatcher) sweep(ctx context.Context) {
	// Rows still in hand may have outlived their lease while the database
	// was away; requeueing them would send accepted messages again.
	if n, err := d.store.ReleaseExpired(ctx, d.held()); err != nil && ctx.Err() == nil {
		d.log.Error("release expired claims", "err", err)
	} else if n > 0 {
		d.log.Warn("requeued messages whose sender stopped mid-send; they may be sent twice", "count", n)
	}
	if !d.canFallBack() {
		return
	}
	if n, err := d.store.FallBackUnconfirmed(ctx, d.cfg.FallbackAfter, 500); err != nil && ctx.Err() == nil {
		d.log.Error("fall back unconfirmed WhatsApp messages", "err", err)
	} else if n > 0 {
		d.log.Info("WhatsApp messages without a delivery receipt sent again by SMS", "count", n, "after", d.cfg.FallbackAfter)
		d.metrics.add(whatsApp, "fell_back", n)
	}
}

// hold notes claimed rows as in hand, settle as settled; held lists them.
func (d *Dispatcher) hold(msgs []Message) {
	d.inHandMu.Lock()
	defer d.inHandMu.Unlock()
	for _, m := range msgs {
		d.inHand[m.ID] = true
	}
}

func (d *Dispatcher) settle(id int64) {
	d.inHandMu.Lock()
	defer d.inHandMu.Unlock()
	delete(d.inHand, id)
}

func (d *Dispatcher) held() []int64 {
	d.inHandMu.Lock()
	defer d.inHandMu.Unlock()
	ids := make([]int64, 0, len(d.inHand))
	for id := range d.inHand {
		ids = append(ids, id)
	}
	return ids
}

// quietHoursSweep is how often due bulk traffic outside the learners'
// 08:00–20:00 is moved to their morning; the claim itself never takes such
// a row, this only keeps the claim from looking at them.
const quietHoursSweep = 30 * time.Second

// The channels Pamong speaks, as the outbox names them.
const (
	sms      = "sms"
	whatsApp = "whatsapp"
)

func (d *Dispatcher) canFallBack() bool {
	_, ok := d.senders[sms]
	return ok
}

// fallBack hands a WhatsApp message over to SMS, or, without SMS, keeps it
// for a later try on WhatsApp.
func (d *Dispatcher) fallBack(ctx context.Context, m Message, reason error, notOnChannel bool, log *slog.Logger) {
	if m.Channel != whatsApp || !d.canFallBack() {
		d.retry(ctx, m, reason, log)
		return
	}
	if !d.persist(ctx, log, "fall back to SMS", func(ctx context.Context) error {
		return d.store.FallBack(ctx, m.ID, reason.Error(), notOnChannel)
	}) {
		return
	}
	log.Info("sent by SMS instead", "reason", reason)
	d.metrics.count(m.Channel, "fell_back")
}

// send offers one claimed message to its provider and records the answer
// (see persist: the answer is written even when the dispatcher is stopping).
// Nothing here waits for capacity: a channel without room for the message
// now (its rate, WhatsApp's pacing or hourly cap) answers "not before T"
// and the row goes back to the queue until T (deferUntil).
func (d *Dispatcher) send(ctx context.Context, m Message) {
	log := d.log.With("msg_id", m.ID, "learner", m.LearnerID, "channel", m.Channel)
	sender, ok := d.routes[m.Provider]
	if !ok {
		sender, ok = d.senders[m.Channel]
	}
	if !ok {
		reason := errors.New("no sender for " + m.Channel + " is configured")
		if m.Channel == whatsApp && d.canFallBack() {
			d.fallBack(ctx, m, reason, false, log)
			return
		}
		log.Warn("nothing here can carry this message", "err", reason)
		d.recordFailed(ctx, m, reason, false, log)
		return
	}
	reserved, full := d.takeRate(m)
	if full != nil {
		d.deferUntil(ctx, m, full, log)
		return
	}
	sendCtx, cancelSend := context.WithTimeout(context.WithoutCancel(ctx), d.cfg.SendTimeout)
	start := time.Now()
	providerID, err := sender.Send(sendCtx, m)
	cancelSend()
	d.metrics.observeSend(m.Channel, time.Since(start))
	if err == nil {
		d.recordSent(ctx, m, sender.Name(), providerID, log)
		return
	}
	var se *SendError
	if errors.As(err, &se) && !se.NotBefore.IsZero() {
		// Nothing left: the rate taken for it is given back.
		if reserved != nil {
			reserved.CancelAt(d.now())
		}
		if se.OverCap && m.SpillToSMS && m.Channel == whatsApp && d.canFallBack() {
			// The sender of the announcement chose to pay for SMS rather
			// than wait for WhatsApp capacity (and the preview priced it).
			d.fallBack(ctx, m, err, false, log)
			return
		}
		d.deferUntil(ctx, m, se, log)
		return
	}
	if errors.As(err, &se) && se.Fallback {
		d.fallBack(ctx, m, err, se.NotOnChannel, log)
		return
	}
	permanent, optedOut, _ := classify(err)
	if permanent {
		log.Warn("send failed permanently", "err", err, "opted_out", optedOut)
		d.recordFailed(ctx, m, err, optedOut, log)
		return
	}
	d.retry(ctx, m, err, log)
}

// retry schedules another attempt, or gives up when the message has had
// its attempts or grown too old.
func (d *Dispatcher) retry(ctx context.Context, m Message, err error, log *slog.Logger) {
	next := d.now().Add(d.backoff(m.Attempt))
	var status string
	if !d.persist(ctx, log, "schedule retry", func(ctx context.Context) (rerr error) {
		status, rerr = d.retries.do(ctx, Retry{ID: m.ID, Error: err.Error(), Next: next}, d.writeRetries)
		return rerr
	}) {
		return
	}
	switch status {
	case "":
		log.Warn("send failed, and the row was no longer ours to retry (its lease ran out)", "err", err)
	case "failed":
		log.Warn("giving up on message", "err", err)
		d.metrics.count(m.Channel, "failed")
	default:
		log.Info("send failed, will retry", "err", err, "next", next)
		d.metrics.count(m.Channel, "retried")
	}
}

// writeRetries schedules retries in one statement.
func (d *Dispatcher) writeRetries(ctx context.Context, retries []Retry) ([]string, error) {
	return d.store.MarkRetry(ctx, retries, d.cfg.MaxAttempts, d.now().Add(-d.cfg.MaxAge))
}

// backoff is exponential with full jitter: retries of many messages after a
// provider outage spread out instead of arriving together.
func (d *Dispatcher) backoff(attempt int) time.Duration {
	b := d.cfg.BackoffBase << min(max(attempt, 1)-1, 20)
	if b <= 0 || b > d.cfg.BackoffMax {
		b = d.cfg.BackoffMax
	}
	return b/2 + rand.N(b/2+1)
}
