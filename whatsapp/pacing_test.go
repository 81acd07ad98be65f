package whatsapp

import (
	"fmt"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// A bulk message whose turn has not come is told when to come back; the
// adapter never sleeps (the dispatcher's worker holds a lease meanwhile).
// Replies are not paced.
func TestBulkIsPacedWithoutWaiting(t *testing.T) {
	r := newRig(t, Config{BulkInterval: 3 * time.Second})
	send := func(to string, bulk bool) error {
		t.Helper()
		_, err := r.a.Send(t.Context(), msg(to, "x", bulk))
		return err
	}
	if err := send("+6281200000001", true); err != nil { // the first goes at once
		t.Fatal(err)
	}
	se := sendErr(t, send("+6281200000002", true))
	if se.Code != "paced" || !se.NotBefore.Equal(t0.Add(3*time.Second)) || se.Fallback || se.OverCap || se.Permanent {
		t.Fatalf("second bulk message: got %+v; want not before %v", se, t0.Add(3*time.Second))
	}
	for _, to := range []string{"+6281200000003", "+6281200000004"} {
		if err := send(to, false); err != nil {
			t.Fatalf("a reply: %v", err)
		}
	}
	if len(r.clock.sleeps) != 0 {
		t.Fatalf("the adapter slept %v inside Send", r.clock.sleeps)
	}
	r.clock.advance(3 * time.Second)
	if err := send("+6281200000002", true); err != nil {
		t.Fatalf("at its turn: %v", err)
	}
	if len(r.client.sent) != 4 {
		t.Fatalf("sent %d", len(r.client.sent))
	}
	if got := r.a.Status().BulkLastHour; got != 2 {
		t.Fatalf("bulk last hour = %d, want 2 (replies and refusals do not count)", got)
	}
}

// Each refused message is given its own turn, one interval after the last
// promised, so that a backlog comes back at the pace it can go.
func TestRefusedBulkIsSpreadOut(t *testing.T) {
	r := newRig(t, Config{BulkInterval: 3 * time.Second})
	r.a.Send(t.Context(), msg("+6281200000001", "x", true))
	for i := range 3 {
		_, err := r.a.Send(t.Context(), msg(fmt.Sprintf("+62812000001%02d", i), "x", true))
		if want := t0.Add(time.Duration(i+1) * 3 * time.Second); !sendErr(t, err).NotBefore.Equal(want) {
			t.Fatalf("refusal %d: not before %v, want %v", i, sendErr(t, err).NotBefore, want)
		}
	}
	// Promises stop at the horizon: cancelled traffic cannot hold later
	// messages back for longer.
	for range 2000 {
		r.a.Send(t.Context(), msg("+6281200000200", "x", true))
	}
	_, err := r.a.Send(t.Context(), msg("+6281200000201", "x", true))
	if got := sendErr(t, err).NotBefore; got.After(t0.Add(promiseHorizon)) {
		t.Fatalf("not before %v: beyond the horizon", got)
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
			_, err := r.a.Send(t.Context(), msg("+6281200000002", "x", true))
			if got := sendErr(t, err).NotBefore.Sub(t0).Round(time.Millisecond); got != tt.want {
				t.Fatalf("next turn after %v, want %v", got, tt.want)
			}
		})
	}
}

// Over the hourly cap a bulk message waits for WhatsApp capacity (it used
// to go by SMS at once: issue 13, finding 1); the dispatcher sends it by
// SMS only when its announcement chose to spill.
func TestHourlyCap(t *testing.T) {
	r := newRig(t, Config{BulkInterval: time.Second, BulkPerHour: 3})
	for i := range 3 {
		if _, err := r.a.Send(t.Context(), msg(fmt.Sprintf("+628120000000%d", i), "x", true)); err != nil {
			t.Fatal(err)
		}
		r.clock.advance(time.Second)
	}
	_, err := r.a.Send(t.Context(), msg("+6281200000009", "x", true))
	if se := sendErr(t, err); se.Fallback || !se.OverCap || se.Code != "hourly-cap" || !se.NotBefore.Equal(t0.Add(time.Hour)) {
		t.Fatalf("4th bulk message: got %+v, want to wait until %v for WhatsApp capacity", se, t0.Add(time.Hour))
	}
	st := r.a.Status()
	if st.PauseReason != "hourly-cap" || !st.PausedUntil.Equal(t0.Add(time.Hour)) {
		t.Fatalf("status %+v: want paused until the first slot leaves the hour", st)
	}
	if _, err := r.a.Send(t.Context(), msg("+6281200000009", "x", false)); err != nil {
		t.Fatalf("a reply during the cap: %v", err)
	}
	if len(r.clock.sleeps) != 0 {
		t.Fatalf("the adapter slept %v", r.clock.sleeps)
	}
	r.clock.advance(t0.Add(time.Hour).Sub(r.clock.now())) // the first slot (t0) leaves the window
	if _, err := r.a.Send(t.Context(), msg("+6281200000009", "x", true)); err != nil {
		t.Fatalf("after the hour: %v", err)
	}
	_, err = r.a.Send(t.Context(), msg("+6281200000008", "x", true))
	if se := sendErr(t, err); se.Code != "hourly-cap" || !se.NotBefore.Equal(t0.Add(time.Hour+time.Second)) {
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
