package dispatch

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"
)

// Bounds of the wait between tries to write a send's outcome, and of one
// try.
const (
	recordRetryMin = 50 * time.Millisecond
	recordRetryMax = 2 * time.Second
	recordTimeout  = 10 * time.Second
)

// recordSent writes down that the provider accepted m. From here on the
// provider has the message: left to its lease, a row whose write failed
// would be sent again when the lease ran out (issue 11: a 25 s database
// outage sent one duplicate per worker). persist keeps the acceptance in
// memory and writes it once the database answers; should another process
// have requeued the row meanwhile, MarkSent (which names the attempt) takes
// it back out of the queue. Acceptances of several workers share one
// statement (batch).
func (d *Dispatcher) recordSent(ctx context.Context, m Message, provider, providerID string, log *slog.Logger) {
	if d.persist(ctx, log, "record accepted message", func(ctx context.Context) error {
		_, err := d.sent.do(ctx, Sent{ID: m.ID, Attempt: m.Attempt, Provider: provider, ProviderID: providerID}, d.writeSent)
		return err
	}) {
		d.metrics.count(m.Channel, "sent")
		return
	}
	log.Error("this message may reach its recipient twice: the provider accepted it, but the outbox does not say so",
		"provider", provider)
}

// writeSent records acceptances in one statement.
func (d *Dispatcher) writeSent(ctx context.Context, sent []Sent) ([]struct{}, error) {
	return nil, d.store.MarkSent(ctx, sent)
}

// recordFailed writes a permanent failure.
func (d *Dispatcher) recordFailed(ctx context.Context, m Message, reason error, optedOut bool, log *slog.Logger) {
	if d.persist(ctx, log, "record failed message", func(ctx context.Context) error {
		return d.store.MarkFailed(ctx, m.ID, reason.Error(), optedOut)
	}) {
		d.metrics.count(m.Channel, "failed")
	}
}

// persist writes one outcome of a send, and tells whether it was written.
// While the database cannot be reached the outcome is kept here and the
// write tried again, with backoff, until it answers: a row left to its
// lease would hold its learner's later messages back for the whole lease,
// and, had the provider accepted it, be sent twice. The row stays in hand
// meanwhile, so this process's sweep does not requeue it. A write the database refuses outright
// is not tried again. Only a dispatcher told to stop gives up on an
// unreachable database, after RecordGrace; the row then returns to the
// queue when its lease ends, as after a crash. The caller logs success;
// persist logs failures.
func (d *Dispatcher) persist(ctx context.Context, log *slog.Logger, what string, write func(context.Context) error) bool {
	wait := recordRetryMin
	var giveUpAt time.Time
	for try := 1; ; try++ {
		tryCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		err := write(tryCtx)
		cancel()
		switch {
		case err == nil:
			if try > 1 {
				log.Info(what+": written once the database answered", "tries", try)
			}
			return true
		case !unreachable(err):
			log.Error(what, "err", err)
			return false
		case try == 1:
			log.Error(what+": the database does not answer; keeping it and trying again until it does", "err", err)
		}
		if ctx.Err() != nil {
			if giveUpAt.IsZero() {
				giveUpAt = time.Now().Add(d.cfg.RecordGrace)
			}
			if time.Now().After(giveUpAt) {
				log.Error(what+": stopping without writing it; the row returns to the queue when its lease ends", "err", err, "tries", try)
				return false
			}
		}
		time.Sleep(wait/2 + rand.N(wait/2+1))
		wait = min(2*wait, recordRetryMax)
	}
}

// unreachable tells whether err says the database could not be reached or
// could not answer now (a refused or reset connection, a server shutting
// down or starting up, a timeout), rather than that it refused the
// statement: only such a write is worth trying again and again. Errors
// from the server carry a SQLSTATE (lib/pq's *pq.Error has SQLState;
// dispatch does not import the driver): class 08 is a connection
// exception, 53 insufficient resources, 57 an operator intervention
// (shutdown, cancel), 40001 and 40P01 a serialization failure or deadlock.
// Errors without one come from the connection itself.
func unreachable(err error) bool {
	if errors.Is(err, sql.ErrNoRows) {
		return false
	}
	var server interface{ SQLState() string }
	if errors.As(err, &server) {
		code := server.SQLState()
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "53") || strings.HasPrefix(code, "57") ||
			code == "40001" || code == "40P01"
	}
	return true
}
