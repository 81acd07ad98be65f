package whatsapp

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

func TestBulkIsPacedRepliesAreNot(t *testing.T) {
	r := newRig(t, Config{BulkInterval: 3 * time.Second})
	send := func(to string, bulk bool) {
		t.Helper()
		if _, err := r.a.Send(t.Context(), msg(to, "x", bulk)); err != nil {
			t.Fatal(err)
		}
	}
	send("+6281200000001", true) // the first goes at once
	send("+6281200000002", true) // then one per interval
	send("+6281200000003", false)
	send("+6281200000004", false)
	send("+6281200000005", true)
	if want := []time.Duration{3 * time.Second, 3 * time.Second}; !slices.Equal(r.clock.sleeps, want) {
		t.Fatalf("waits %v, want %v (replies never wait)", r.clock.sleeps, want)
	}
	if len(r.client.sent) != 5 {
		t.Fatalf("sent %d", len(r.client.sent))
	}
	if got := r.a.Status().BulkLastHour; got != 3 {
		t.Fatalf("bulk last hour = %d, want 3 (replies do not count)", got)
	}
}

func TestBulkJitter(t *testing.T) {
	for _, tt := range []struct {
		random float64
		want   time.Duration
	}{{0, 1500 * time.Millisecond}, {0.5, 3 * time.Second}, {0.999, 4497 * time.Millisecond}} {
		t.Run(fmt.Sprint(tt.random), func(t *testing.T) {
			r := newRig(t, Config{BulkInterval: 3 * time.Second, BulkJitter: 0.5})
			r.a.random = func() float64 { return tt.random }
			r.a.Send(t.Context(), msg("+6281200000001", "x", true))
			r.a.Send(t.Context(), msg("+6281200000002", "x", true))
			if len(r.clock.sleeps) != 1 || r.clock.sleeps[0].Round(time.Millisecond) != tt.want {
				t.Fatalf("waits %v, want [%v]", r.clock.sleeps, tt.want)
			}
		})
	}
}

func TestBulkSlotBeyondTheDeadlineIsHandedBack(t *testing.T) {
	r := newRig(t, Config{BulkInterval: time.Minute})
	r.a.Send(t.Context(), msg("+6281200000001", "x", true))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err := r.a.Send(ctx, msg("+6281200000002", "x", true))
	if se := sendErr(t, err); se.Fallback || se.Permanent || se.Code != "paced" {
		t.Fatalf("got %+v", se)
	}
	if len(r.clock.sleeps) != 0 {
		t.Fatalf("waited %v", r.clock.sleeps)
	}
	// The slot was not taken: the next message without a deadline gets it.
	r.a.Send(t.Context(), msg("+6281200000002", "x", true))
	if !slices.Equal(r.clock.sleeps, []time.Duration{time.Minute}) {
		t.Fatalf("waits %v", r.clock.sleeps)
	}
}

func TestHourlyCap(t *testing.T) {
	r := newRig(t, Config{BulkInterval: time.Second, BulkPerHour: 3})
	for i := range 3 {
		if _, err := r.a.Send(t.Context(), msg(fmt.Sprintf("+628120000000%d", i), "x", true)); err != nil {
			t.Fatal(err)
		}
	}
	_, err := r.a.Send(t.Context(), msg("+6281200000009", "x", true))
	if se := sendErr(t, err); !se.Fallback || se.Code != "hourly-cap" {
		t.Fatalf("4th bulk message: got %+v, want a fallback to SMS", se)
	}
	st := r.a.Status()
	if st.PauseReason != "hourly-cap" || !st.PausedUntil.Equal(t0.Add(time.Hour)) {
		t.Fatalf("status %+v: want paused until the first slot leaves the hour", st)
	}
	if _, err := r.a.Send(t.Context(), msg("+6281200000009", "x", false)); err != nil {
		t.Fatalf("a reply during the cap: %v", err)
	}
	r.clock.advance(t0.Add(time.Hour).Sub(r.clock.now())) // the first slot (t0) leaves the window
	if _, err := r.a.Send(t.Context(), msg("+6281200000009", "x", true)); err != nil {
		t.Fatalf("after the hour: %v", err)
	}
	_, err = r.a.Send(t.Context(), msg("+6281200000008", "x", true))
	if se := sendErr(t, err); se.Code != "hourly-cap" {
		t.Fatalf("the cap is a sliding hour: got %+v", se)
	}
}

func TestBulkSwitchedOff(t *testing.T) {
	r := newRig(t, Config{BulkPerHour: -1})
	_, err := r.a.Send(t.Context(), msg("+6281200000001", "x", true))
	if se := sendErr(t, err); !se.Fallback || se.Code != "bulk-off" {
		t.Fatalf("got %+v", se)
	}
	if _, err := r.a.Send(t.Context(), msg("+6281200000001", "x", false)); err != nil {
		t.Fatal(err)
	}
}

func TestPauseAfter463(t *testing.T) {
	r := newRig(t, Config{Pause: time.Hour})
	fail := true
	r.client.sendFn = func(types.JID, *waE2E.Message) (types.MessageID, error) {
		if fail {
			return "", fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 463)
		}
		return "", nil
	}
	if _, err := r.a.Send(t.Context(), msg("+6281200000001", "x", true)); sendErr(t, err).Code != "463" {
		t.Fatalf("got %v", err)
	}
	fail = false
	// Further bulk messages go by SMS without touching WhatsApp …
	_, err := r.a.Send(t.Context(), msg("+6281200000002", "x", true))
	if se := sendErr(t, err); !se.Fallback || se.Code != "463" {
		t.Fatalf("during the pause: %+v", se)
	}
	if len(r.client.sent) != 0 {
		t.Fatalf("sent during the pause: %+v", r.client.sent)
	}
	// … replies still go …
	if _, err := r.a.Send(t.Context(), msg("+6281200000003", "x", false)); err != nil {
		t.Fatal(err)
	}
	if st := r.a.Status(); st.PauseReason != "463" || !st.PausedUntil.Equal(t0.Add(time.Hour)) {
		t.Fatalf("status %+v", st)
	}
	// … and after the pause, bulk resumes.
	r.clock.advance(time.Hour)
	if _, err := r.a.Send(t.Context(), msg("+6281200000002", "x", true)); err != nil {
		t.Fatal(err)
	}
}

func TestTemporaryBan(t *testing.T) {
	for _, tt := range []struct {
		expire, want time.Duration
	}{{2 * time.Hour, 2 * time.Hour}, {0, 45 * time.Minute}} {
		t.Run(fmt.Sprint(tt.expire), func(t *testing.T) {
			r := newRig(t, Config{Pause: 45 * time.Minute})
			r.client.emit(&events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: tt.expire})
			r.client.loggedIn = false // WhatsApp refused the connection
			for _, bulk := range []bool{false, true} {
				_, err := r.a.Send(t.Context(), msg("+6281200000001", "x", bulk))
				if se := sendErr(t, err); !se.Fallback || se.Code != "temporary-ban" {
					t.Fatalf("bulk=%v: got %+v", bulk, se)
				}
			}
			st := r.a.Status()
			if !st.BannedUntil.Equal(t0.Add(tt.want)) || st.PauseReason != "temporary-ban" {
				t.Fatalf("status %+v", st)
			}
			due := r.timers.take()
			if len(due) != 1 || due[0].after != tt.want {
				t.Fatalf("scheduled %+v, want a reconnect after %v", due, tt.want)
			}
			// When the ban ends the adapter connects again, and sends go.
			r.clock.advance(tt.want)
			connects, _ := r.client.counts()
			due[0].f()
			if c, _ := r.client.counts(); c != connects+1 {
				t.Fatal("no reconnect when the ban ended")
			}
			r.client.loggedIn = true
			if _, err := r.a.Send(t.Context(), msg("+6281200000001", "x", true)); err != nil {
				t.Fatal(err)
			}
		})
	}
}
