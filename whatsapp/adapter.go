// Package whatsapp is Pamong's WhatsApp channel through whatsmeow (a linked
// device of an ordinary WhatsApp number): inbound messages to the store,
// delivery receipts to the outbox, and a dispatch.Sender that paces
// bot-initiated traffic so that the number is not banned. whatsmeow stays
// behind the Client interface; nothing else in Pamong imports it.
package whatsapp

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"go.mau.fi/whatsmeow/types/events"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/phone"
	"github.com/pamong-desa/pamong/store"
)

// Provider is the adapter's name as a dispatch route and as the provider
// of inbound messages and receipts.
const Provider = "whatsmeow"

// Store is what the adapter needs of the database.
type Store interface {
	HandleInbound(ctx context.Context, in store.Inbound, course *lessons.Course) (store.Handled, error)
	RecordDelivery(ctx context.Context, d store.Delivery) (found bool, err error)
}

// Config is the ban-safety policy and the adapter's timings; zero fields
// take the defaults.
type Config struct {
	// BulkInterval is the average gap between two bot-initiated messages
	// (announcements, reminders); replies are not paced (default 3s).
	BulkInterval time.Duration
	// BulkJitter varies each gap by up to ± this fraction (default 0.5).
	BulkJitter float64
	// BulkPerHour caps bot-initiated messages in any hour; beyond it they
	// wait for the hour to free up, or go by SMS where the announcement
	// chose to spill (default 200; negative: none at all by WhatsApp).
	BulkPerHour int
	// Pause is how long bot-initiated sending stops after WhatsApp answers
	// 463 (reach-out timelock) or 429 (rate over limit), and the length of
	// a temporary ban that does not say when it ends (default 1h).
	Pause time.Duration
	// LookupTTL is how long an answer to "is this number on WhatsApp?" is
	// trusted (default 24h).
	LookupTTL time.Duration
	// ConnectWait is how long a send waits for a dropped connection to
	// come back before the message goes by SMS (default 10s).
	ConnectWait time.Duration
	// KeepAliveFailures in a row force a reconnect (default 3).
	KeepAliveFailures int
	// LockCheck is how often the device lock's connection is checked
	// (default 30s).
	LockCheck time.Duration
	// HandleTimeout bounds the database work for one inbound message or
	// receipt (default 30s).
	HandleTimeout time.Duration
}

func (c *Config) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.BulkInterval, 3*time.Second)
	def(&c.Pause, time.Hour)
	def(&c.LookupTTL, 24*time.Hour)
	def(&c.ConnectWait, 10*time.Second)
	def(&c.LockCheck, 30*time.Second)
	def(&c.HandleTimeout, 30*time.Second)
	if c.BulkJitter <= 0 || c.BulkJitter > 1 {
		c.BulkJitter = 0.5
	}
	if c.BulkPerHour == 0 {
		c.BulkPerHour = 200
	}
	if c.KeepAliveFailures <= 0 {
		c.KeepAliveFailures = 3
	}
}

// retryConnectAfter is how long to wait before connecting again after a
// failure whatsmeow does not retry by itself.
const retryConnectAfter = 5 * time.Minute

// lockKeeper keeps the device session ours (Device.KeepLock).
type lockKeeper interface {
	KeepLock(ctx context.Context) error
}

// Adapter connects one WhatsApp device to Pamong: it turns whatsmeow's
// events into store calls and carries the outbox's WhatsApp messages.
type Adapter struct {
	client Client
	store  Store
	course *lessons.Course
	cfg    Config
	log    *slog.Logger

	// Replaceable for tests: the clock, waiting, randomness and timers.
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	random func() float64
	after  func(d time.Duration, f func())

	documents Documents // nil: attachments are not sent (document.go)

	lock    lockKeeper   // nil without a Device
	release func() error // closes the Device, if any

	ctx       context.Context // event handling; ends with Close
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once

	mu              sync.Mutex
	stopped         string // why WhatsApp sending stopped for good
	bannedUntil     time.Time
	pausedUntil     time.Time // bot-initiated sending
	pauseReason     string
	nextBulk        time.Time
	bulkSent        []time.Time // bot-initiated sends of the last hour
	promised        time.Time   // the turn after the last one promised (pacing.go)
	capLogged       bool        // the hourly cap's warning is logged once a spell
	keepAliveMisses int
	reconnecting    bool
	downSince       time.Time          // when the connection went away; zero while up
	contacts        map[string]contact // by number digits
}

var _ dispatch.Sender = (*Adapter)(nil)

// New makes an adapter over client; Start connects it. course is the
// course inbound messages are run against.
func New(client Client, st Store, course *lessons.Course, cfg Config, log *slog.Logger) *Adapter {
	cfg.defaults()
	ctx, cancel := context.WithCancel(context.Background())
	return &Adapter{
		client: client, store: st, course: course, cfg: cfg, log: log,
		now: time.Now, sleep: sleepCtx, random: randFloat,
		after: func(d time.Duration, f func()) { time.AfterFunc(d, f) },
		ctx:   ctx, cancel: cancel,
		contacts: map[string]contact{},
	}
}

// Connect takes the device's lock (ErrLocked when another process holds
// it), makes its client and starts an adapter on it; the adapter's Close
// releases the device.
func Connect(ctx context.Context, dev *Device, st Store, course *lessons.Course, cfg Config, log *slog.Logger) (*Adapter, error) {
	if !dev.Paired() {
		return nil, ErrNotPaired
	}
	if err := dev.Lock(ctx); err != nil {
		return nil, err
	}
	a := New(dev.Client(), st, course, cfg, log)
	a.lock, a.release = dev, dev.Close
	a.Start()
	return a, nil
}

// Start registers the event handler and connects. A connection that fails
// is retried in the background (whatsmeow retries network failures
// itself); meanwhile sends fall back to SMS.
func (a *Adapter) Start() {
	a.mu.Lock()
	a.downSince = a.now()
	a.mu.Unlock()
	a.client.AddEventHandler(a.handleEvent)
	a.connect()
	if a.lock != nil {
		a.wg.Go(a.watchLock)
	}
}

// Close disconnects and releases the device; call it after the dispatcher
// has stopped. Messages that arrive meanwhile are not acked, so WhatsApp
// delivers them again to the next process.
func (a *Adapter) Close() error {
	var err error
	a.closeOnce.Do(func() {
		a.cancel()
		a.wg.Wait() // a forced reconnect in flight ends before the disconnect
		a.client.Disconnect()
		if a.release != nil {
			err = a.release()
		}
	})
	return err
}

// Name is the dispatch route: outbox rows sent here carry it as provider.
func (a *Adapter) Name() string { return Provider }

// handleEvent is the one place whatsmeow's events enter: one method per
// event. Returning false withholds the ack, so WhatsApp delivers the
// message or receipt again (the database could not take it).
func (a *Adapter) handleEvent(evt any) bool {
	switch evt := evt.(type) {
	case *events.Message:
		return a.handleMessage(evt)
	case *events.Receipt:
		return a.handleReceipt(evt)
	case *events.Connected:
		a.handleConnected()
	case *events.Disconnected:
		a.handleDisconnected()
	case *events.KeepAliveTimeout:
		a.handleKeepAliveTimeout(evt)
	case *events.KeepAliveRestored:
		a.handleKeepAliveRestored()
	case *events.LoggedOut:
		a.handleLoggedOut(evt)
	case *events.TemporaryBan:
		a.handleTemporaryBan(evt)
	case *events.StreamReplaced:
		a.stop("stream-replaced", "another client took over this WhatsApp session (a second pamong on a copy of the database?)")
	case *events.ClientOutdated:
		a.stop("client-outdated", "WhatsApp refuses this client version: update go.mau.fi/whatsmeow and rebuild pamong")
	case *events.ConnectFailure:
		a.handleConnectFailure(evt)
	}
	return true
}

// connect connects, and tries again later when that fails for a reason
// whatsmeow does not retry by itself.
func (a *Adapter) connect() {
	if a.ctx.Err() != nil || a.stoppedReason() != "" {
		return
	}
	if err := a.client.Connect(); err != nil {
		a.log.Error("connect to WhatsApp failed; trying again later, meanwhile messages go by SMS", "err", err, "retry_in", retryConnectAfter)
		a.after(retryConnectAfter, a.connect)
	}
}

func (a *Adapter) handleConnected() {
	a.mu.Lock()
	a.keepAliveMisses, a.downSince = 0, time.Time{}
	a.mu.Unlock()
	a.log.Info("WhatsApp connected", "number", phone.Mask("+"+a.client.OwnID().User))
}

func (a *Adapter) handleDisconnected() {
	a.mu.Lock()
	if a.downSince.IsZero() {
		a.downSince = a.now()
	}
	a.mu.Unlock()
	a.log.Warn("WhatsApp disconnected; reconnecting")
}

// handleKeepAliveTimeout forces a reconnect after several keep-alive pings
// in a row went unanswered: the connection is probably dead, and waiting
// for TCP to notice would leave messages stuck.
func (a *Adapter) handleKeepAliveTimeout(evt *events.KeepAliveTimeout) {
	a.mu.Lock()
	a.keepAliveMisses++
	force := a.keepAliveMisses >= a.cfg.KeepAliveFailures && !a.reconnecting
	if force {
		a.keepAliveMisses, a.reconnecting = 0, true
	}
	a.mu.Unlock()
	if !force {
		a.log.Warn("WhatsApp keep-alive timed out", "errors", evt.ErrorCount)
		return
	}
	a.log.Warn("WhatsApp keep-alive timed out repeatedly: reconnecting", "errors", evt.ErrorCount, "last_success", evt.LastSuccess)
	a.wg.Go(func() {
		defer func() {
			a.mu.Lock()
			a.reconnecting = false
			a.mu.Unlock()
		}()
		a.client.Disconnect()
		a.connect()
	})
}

func (a *Adapter) handleKeepAliveRestored() {
	a.mu.Lock()
	a.keepAliveMisses = 0
	a.mu.Unlock()
	a.log.Info("WhatsApp keep-alive restored")
}

// handleLoggedOut: the phone unlinked the device, or WhatsApp banned the
// number. whatsmeow has deleted the session; only a new pairing helps.
func (a *Adapter) handleLoggedOut(evt *events.LoggedOut) {
	a.stop("logged-out", "WhatsApp logged this device out ("+evt.PermanentDisconnectDescription()+"): "+
		"run 'pamong whatsapp pair' and restart pamong serve")
}

// stop ends WhatsApp sending for good (until a restart): every send falls
// back to SMS from now on.
func (a *Adapter) stop(reason, msg string) {
	a.mu.Lock()
	first := a.stopped == ""
	if first {
		a.stopped = reason
	}
	a.mu.Unlock()
	if first {
		a.log.Error(msg+"; WhatsApp sending stopped, everything goes by SMS", "reason", reason)
	}
}

func (a *Adapter) stoppedReason() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stopped
}

// handleTemporaryBan: WhatsApp refuses the connection until the ban ends.
// Everything goes by SMS until then, and bot-initiated traffic stays
// paused; the adapter connects again when the ban ends.
func (a *Adapter) handleTemporaryBan(evt *events.TemporaryBan) {
	d := evt.Expire
	if d <= 0 {
		d = a.cfg.Pause
	}
	until := a.now().Add(d)
	a.mu.Lock()
	a.bannedUntil = until
	a.pauseLocked(until, "temporary-ban")
	a.mu.Unlock()
	a.log.Error("WhatsApp banned this number temporarily: everything goes by SMS until the ban ends",
		"reason", evt.Code.String(), "code", int(evt.Code), "until", until)
	a.after(d, a.connect)
}

func (a *Adapter) handleConnectFailure(evt *events.ConnectFailure) {
	a.log.Error("WhatsApp refused the connection; trying again later, meanwhile messages go by SMS",
		"reason", evt.Reason.String(), "message", evt.Message, "retry_in", retryConnectAfter)
	a.after(retryConnectAfter, a.connect)
}

// watchLock checks the device lock until Close; losing it to another
// process stops WhatsApp here, since two clients on one session would
// break it.
func (a *Adapter) watchLock() {
	t := time.NewTicker(a.cfg.LockCheck)
	defer t.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return
		case <-t.C:
		}
		if !a.checkLock() {
			return
		}
	}
}

// checkLock reports whether the lock is still ours.
func (a *Adapter) checkLock() bool {
	ctx, cancel := context.WithTimeout(a.ctx, 10*time.Second)
	defer cancel()
	err := a.lock.KeepLock(ctx)
	switch {
	case errors.Is(err, ErrLocked):
		a.stop("lock-lost", "another pamong process took the WhatsApp device lock")
		a.client.Disconnect()
		return false
	case err != nil && a.ctx.Err() == nil:
		a.log.Warn("check the WhatsApp device lock", "err", err)
	}
	return true
}
