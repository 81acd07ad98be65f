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
// A bulk message that the cap or a pause keeps from WhatsApp is refused
// with dispatch.Unavailable, so the dispatcher sends it by SMS at once.

// sendMargin is the time kept for the send itself out of the dispatcher's
// deadline when waiting for a bulk turn.
const sendMargin = 5 * time.Second

// waitBulkTurn waits for the next slot of bot-initiated traffic, or says
// why the message must go by SMS.
func (a *Adapter) waitBulkTurn(ctx context.Context) error {
	maxWait := time.Duration(-1) // no limit
	if dl, ok := ctx.Deadline(); ok {
		maxWait = max(time.Until(dl)-sendMargin, 0)
	}
	wait, err := a.reserveBulk(maxWait)
	if err != nil {
		return err
	}
	if wait > 0 {
		if err := a.sleep(ctx, wait); err != nil {
			return dispatch.Retryable("paced", fmt.Errorf("wait for a bulk WhatsApp slot: %w", err))
		}
	}
	return nil
}

// reserveBulk takes the next bulk slot and returns how long to wait for
// it. A slot further away than maxWait (when not negative) is not taken:
// the dispatcher's send would time out first, so the message is handed back
// to be retried.
func (a *Adapter) reserveBulk(maxWait time.Duration) (time.Duration, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if a.cfg.BulkPerHour < 0 {
		return 0, dispatch.Unavailable("bulk-off", fmt.Errorf("bot-initiated WhatsApp messages are switched off"))
	}
	if now.Before(a.pausedUntil) {
		return 0, dispatch.Unavailable(a.pauseReason, fmt.Errorf("bot-initiated WhatsApp sending is paused until %s (%s)",
			a.pausedUntil.Format(time.RFC3339), a.pauseReason))
	}
	a.bulkSent = a.recentBulkLocked(now)
	if len(a.bulkSent) >= a.cfg.BulkPerHour {
		until := a.bulkSent[0].Add(time.Hour)
		a.pauseLocked(until, "hourly-cap")
		a.log.Warn("hourly cap of bot-initiated WhatsApp messages reached: they go by SMS until it frees up",
			"cap", a.cfg.BulkPerHour, "until", until)
		return 0, dispatch.Unavailable("hourly-cap", fmt.Errorf("%d bot-initiated WhatsApp messages in the last hour, the cap", len(a.bulkSent)))
	}
	at := now
	if a.nextBulk.After(at) {
		at = a.nextBulk
	}
	wait := at.Sub(now)
	if maxWait >= 0 && wait > maxWait {
		return 0, dispatch.Retryable("paced", fmt.Errorf("the next bulk WhatsApp slot is %s away, beyond this send's deadline", wait))
	}
	gap := float64(a.cfg.BulkInterval) * (1 + a.cfg.BulkJitter*(2*a.random()-1))
	a.nextBulk = at.Add(time.Duration(gap))
	a.bulkSent = append(a.bulkSent, at)
	return wait, nil
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
