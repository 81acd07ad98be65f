package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// ListenOutbox calls wake whenever a transaction has written outbox rows
// (NOTIFY pamong_outbox), until ctx ends. The listener reconnects by itself
// after a lost connection and then wakes once, since notifications may
// have been missed meanwhile.
func (d *DB) ListenOutbox(ctx context.Context, wake func()) error {
	l := pq.NewListener(d.dsn, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		if ev == pq.ListenerEventReconnected {
			wake()
		}
	})
	if err := l.Listen(outboxChannel); err != nil {
		l.Close()
		return fmt.Errorf("listen for new outbox rows: %w", err)
	}
	go func() {
		defer l.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-l.Notify:
				if !ok {
					return
				}
				wake()
			}
		}
	}()
	return nil
}
