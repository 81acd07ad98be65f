package whatsapp

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/pamong-desa/pamong/dispatch"
)

// The ban-safety policy for bot-initiated messages (Bulk). Replies to a
// learner's own message go at once: the learner wrote first, which is what
// WhatsApp expects of a person. Announcements and reminders from one number
// to many people are what gets numbers banned, so they are
//   - paced: one every BulkInterval on average, each gap varied by
//     ±BulkJitter so that the rhythm does not look machine-made;
//   - capped: at most BulkPerHour in any hour;
//   - paused for Pause after WhatsApp answers 463 (reach-out timelock) or
//     429 (rate over limit), and until a temporary ban ends.
// Nothing here waits: the dispatcher's worker holds a lease on the row, and
// a worker asleep for its turn could outlive it (issue 13, finding 2). A
// bulk message whose turn has not come is answered dispatch.NotBefore (the
// pacing gap) or dispatch.OverCap (the hourly cap), and the dispatcher puts
// it back in the queue until then without counting an attempt; over the cap
// it goes by SMS only when its announcement chose to spill. A pause after
// 463/429 or a ban still sends bulk by SMS at once (dispatch.Unavailable):
// WhatsApp has told us to stop, and nobody knows for how long.

// promiseHorizon bounds how far ahead a refused bulk message is told to
// come back. Each refusal is given its own turn, one BulkInterval after the
// last one promised, so that a backlog comes back spread out at the pace
// it can go rather than all at once (each comes back about once, instead of
// every message being refused again at every turn); beyond the horizon the
// turns are not counted, so that promises to messages that were then
// cancelled do not hold back later traffic for longer than that.
const promiseHorizon = time.Hour

// takeBulkTurn takes the bulk slot now, or says when to come back (or why
// the message must go by SMS).
func (a *Adapter) takeBulkTurn() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if a.cfg.BulkPerHour < 0 {
		return dispatch.Unavailable("bulk-off", fmt.Errorf("bot-initiated WhatsApp messages are switched off"))
	}
	if now.Before(a.pausedUntil) {
		return dispatch.Unavailable(a.pauseReason, fmt.Errorf("bot-initiated WhatsApp sending is paused until %s (%s)",
			a.pausedUntil.Format(time.RFC3339), a.pauseReason))
	}
	a.bulkSent = a.recentBulkLocked(now)
	if len(a.bulkSent) >= a.cfg.BulkPerHour {
		free := a.bulkSent[len(a.bulkSent)-a.cfg.BulkPerHour].Add(time.Hour)
		if !a.capLogged {
			a.capLogged = true
			a.log.Warn("hourly cap of bot-initiated WhatsApp messages reached: they wait for it to free up (or go by SMS where the announcement chose to spill)",
				"cap", a.cfg.BulkPerHour, "until", free)
		}
		return dispatch.OverCap("hourly-cap", a.promiseLocked(now, free),
			fmt.Errorf("%d bot-initiated WhatsApp messages in the last hour, the cap", len(a.bulkSent)))
	}
	a.capLogged = false
	if a.nextBulk.After(now) {
		return dispatch.NotBefore("paced", a.promiseLocked(now, a.nextBulk),
			fmt.Errorf("the next bulk WhatsApp slot is %s away", a.nextBulk.Sub(now).Round(time.Millisecond)))
	}
	gap := float64(a.cfg.BulkInterval) * (1 + a.cfg.BulkJitter*(2*a.random()-1))
	a.nextBulk = now.Add(time.Duration(gap))
	a.bulkSent = append(a.bulkSent, now)
	return nil
}

// promiseLocked is the turn a refused bulk message is told to come back
// at: earliest, or one interval after the last turn promised, within the
// horizon; a.mu must be held.
func (a *Adapter) promiseLocked(now, earliest time.Time) time.Time {
	at := earliest
	if a.promised.After(at) {
		at = a.promised
	}
	if limit := now.Add(promiseHorizon); at.After(limit) {
		at = limit
	}
	a.promised = at.Add(a.cfg.BulkInterval)
	return at
}

// recentBulkLocked is the bulk slots of the hour up to now (and any taken
// for later); a.mu must be held.
func (a *Adapter) recentBulkLocked(now time.Time) []time.Time {
	cut := now.Add(-time.Hour)
	i := 0
	for i < len(a.bulkSent) && !a.bulkSent[i].After(cut) {
		i++
	}
	return a.bulkSent[i:]
}

// pause stops bot-initiated sending until the given time.
func (a *Adapter) pause(until time.Time, reason string) {
	a.mu.Lock()
	a.pauseLocked(until, reason)
	a.mu.Unlock()
}

// pauseLocked extends the pause (it never shortens one); a.mu must be held.
func (a *Adapter) pauseLocked(until time.Time, reason string) {
	if until.After(a.pausedUntil) {
		a.pausedUntil, a.pauseReason = until, reason
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func randFloat() float64 { return rand.Float64() }
