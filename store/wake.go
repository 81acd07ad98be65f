package store

import (
	"context"
	"sync/atomic"
	"time"
)

// Why NOTIFY leaves the inbound transaction: PostgreSQL serialises the
// commits of all transactions that NOTIFY (each holds a global lock on the
// notification queue from its pre-commit until its commit record is
// flushed), so with a NOTIFY inside every inbound transaction 64 learners'
// messages committed one fsync at a time instead of many to a flush: the
// load tool measured 111 msg/s and a p99 of 2.9 s where pgbench -N on the
// same cluster committed 1,324 TPS. Rows are durable before anyone is
// woken, so waking after the commit loses nothing; a wake that never
// comes (the process dies between commit and NOTIFY, the database is
// away) costs at most one poll of the dispatcher (a second).

// outboxWaker sends NOTIFY pamong_outbox after commits, coalesced: while
// one NOTIFY is under way, further wakes are folded into the next, which
// starts after they were asked for, so every committed row is followed by
// a NOTIFY sent after its commit. It keeps no goroutine while idle.
type outboxWaker struct {
	pending atomic.Bool // a wake was asked for and no NOTIFY has started since
	running atomic.Bool // a goroutine is sending
}

// notifyTimeout bounds one NOTIFY: the dispatcher polls anyway.
const notifyTimeout = 5 * time.Second

// wakeDispatchers tells every dispatcher (this process's and others' on
// the same database) that committed outbox rows wait. It returns at once.
func (d *DB) wakeDispatchers() {
	w := &d.waker
	w.pending.Store(true)
	if !w.running.CompareAndSwap(false, true) {
		return
	}
	go func() {
		for {
			for w.pending.Swap(false) {
				ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
				// An error (the database away) is not worth a log line
				// per message: the dispatcher's poll finds the rows.
				_ = notify(ctx, d.db)
				cancel()
			}
			w.running.Store(false)
			// A wake between the last Swap and the Store above saw a
			// sender running and left the NOTIFY to it: take it on.
			if !w.pending.Load() || !w.running.CompareAndSwap(false, true) {
				return
			}
		}
	}()
}
