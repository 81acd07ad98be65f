package dispatch

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/time/rate"
)

// Capacity is taken before a row is claimed, never waited for after: a
// worker that slept on a limiter or a pacer while holding a claim could
// outlive its lease, and the row would be claimed and sent again by another
// process (issue 13, finding 2). So
//   - the claim takes no more rows of a rate-limited channel than its
//     limiter lets go now (claim);
//   - a row that still finds no room when its turn comes (an SMS of
//     several segments, WhatsApp's pacing and hourly cap, which only the
//     adapter knows) is answered "not before T" (NotBefore) and goes back
//     to the queue until T, without counting an attempt (deferUntil), in
//     one statement for all workers (batch).

// claim takes up to free due rows, no more of a rate-limited channel than
// its limiter allows now. When every channel has room for free rows it is
// one claim, as before; otherwise each short channel is claimed with what
// it has room for, and the others with the rest.
func (d *Dispatcher) claim(ctx context.Context, free int) ([]Message, error) {
	now := d.now()
	var open []string
	type part struct {
		channel string
		n       int
	}
	var short []part
	for _, ch := range d.channels {
		lim := d.limiters[ch]
		if lim == nil {
			open = append(open, ch)
			continue
		}
		if n := int(lim.TokensAt(now)); n >= free {
			open = append(open, ch)
		} else if n > 0 {
			short = append(short, part{ch, n})
		}
	}
	var msgs []Message
	for _, p := range short {
		if n := min(p.n, free-len(msgs)); n > 0 {
			got, err := d.store.ClaimDue(ctx, []string{p.channel}, n, d.cfg.Lease)
			msgs = append(msgs, got...)
			if err != nil {
				return msgs, err
			}
		}
	}
	if n := free - len(msgs); n > 0 && len(open) > 0 {
		got, err := d.store.ClaimDue(ctx, open, n, d.cfg.Lease)
		msgs = append(msgs, got...)
		if err != nil {
			return msgs, err
		}
	}
	return msgs, nil
}

// takeRate takes m's share of its channel's rate now, or answers when
// there will be room (a NotBefore *SendError). An SMS is charged per
// segment, anything else one; a charge larger than the burst could never be
// granted, so it is capped at the burst. The reservation is given back
// when the channel then refuses the message for capacity.
func (d *Dispatcher) takeRate(m Message) (*rate.Reservation, *SendError) {
	lim := d.limiters[m.Channel]
	if lim == nil {
		return nil, nil
	}
	tokens := 1
	if m.Channel == sms {
		tokens = min(max(1, m.Segments), lim.Burst())
	}
	now := d.now()
	r := lim.ReserveN(now, tokens)
	if !r.OK() {
		return nil, &SendError{Code: "rate", NotBefore: now.Add(time.Second), Err: fmt.Errorf("the %s rate limit cannot grant %d at once", m.Channel, tokens)}
	}
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return nil, &SendError{Code: "rate", NotBefore: now.Add(wait), Err: fmt.Errorf("the %s rate limit (%g a second) has no room for %d now",
			m.Channel, float64(lim.Limit()), tokens)}
	}
	return r, nil
}

// deferUntil puts m back in the queue until se.NotBefore without counting
// the attempt; the worker is free at once.
func (d *Dispatcher) deferUntil(ctx context.Context, m Message, se *SendError, log *slog.Logger) {
	if !d.persist(ctx, log, "put back until the channel has room", func(ctx context.Context) error {
		_, err := d.deferrals.do(ctx, Deferral{ID: m.ID, Reason: se.Error(), Wait: se.NotBefore.Sub(d.now())}, d.writeDeferrals)
		return err
	}) {
		return
	}
	log.Debug("no room on the channel now; back in the queue", "until", se.NotBefore, "code", se.Code)
	d.metrics.count(m.Channel, "deferred")
}

// writeDeferrals puts rows back in the queue in one statement.
func (d *Dispatcher) writeDeferrals(ctx context.Context, deferred []Deferral) ([]struct{}, error) {
	return nil, d.store.MarkDeferred(ctx, deferred)
}
