package whatsapp

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/pamong-desa/pamong/dispatch"
)

var _ dispatch.Sender = (*Adapter)(nil)

func TestStartConnectsAndRegisters(t *testing.T) {
	r := newRig(t, Config{})
	if c, _ := r.client.counts(); c != 1 || len(r.client.handlers) != 1 {
		t.Fatalf("connects %d, handlers %d", c, len(r.client.handlers))
	}
	r.a.Close()
	if _, d := r.client.counts(); d == 0 {
		t.Fatal("Close did not disconnect")
	}
}

func TestFailedConnectIsRetriedLater(t *testing.T) {
	client, ts := newFakeClient(), &timers{}
	client.connectErr = errors.New("noise handshake failed")
	a := New(client, &fakeStore{}, nil, Config{}, slog.New(slog.DiscardHandler))
	a.after = ts.after
	a.Start()
	defer a.Close()
	due := ts.take()
	if len(due) != 1 || due[0].after != retryConnectAfter {
		t.Fatalf("scheduled %+v", due)
	}
	client.connectErr = nil
	due[0].f()
	if c, _ := client.counts(); c != 2 {
		t.Fatalf("connects %d", c)
	}
}

// waitFor polls cond until it holds or a deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRepeatedKeepAliveTimeoutsForceAReconnect(t *testing.T) {
	r := newRig(t, Config{KeepAliveFailures: 3})
	timeout := func(n int) { r.client.emit(&events.KeepAliveTimeout{ErrorCount: n, LastSuccess: t0}) }
	timeout(1)
	timeout(2)
	r.client.emit(&events.KeepAliveRestored{})
	timeout(1)
	timeout(2)
	r.a.wg.Wait()
	if c, d := r.client.counts(); c != 1 || d != 0 {
		t.Fatalf("reconnected before 3 timeouts in a row: connects %d, disconnects %d", c, d)
	}
	timeout(3)
	waitFor(t, "the forced reconnect", func() bool { c, d := r.client.counts(); return c == 2 && d == 1 })
	r.a.wg.Wait()
	if !strings.Contains(r.logs.String(), "reconnecting") {
		t.Fatalf("logs: %s", r.logs)
	}
	// The count starts again after a reconnect.
	timeout(4)
	timeout(5)
	r.a.wg.Wait()
	if c, _ := r.client.counts(); c != 2 {
		t.Fatalf("connects %d", c)
	}
}

func TestLoggedOutStopsWhatsApp(t *testing.T) {
	r := newRig(t, Config{})
	r.client.emit(&events.LoggedOut{OnConnect: true, Reason: events.ConnectFailureLoggedOut})
	for _, bulk := range []bool{false, true} {
		_, err := r.a.Send(t.Context(), msg("+6281200000001", "x", bulk))
		if se := sendErr(t, err); !se.Fallback || se.Code != "logged-out" {
			t.Fatalf("bulk=%v: got %+v", bulk, se)
		}
	}
	if len(r.client.sent) != 0 {
		t.Fatal("sent after logout")
	}
	if st := r.a.Status(); !st.LoggedOut || st.Stopped != "logged-out" {
		t.Fatalf("status %+v", st)
	}
	if logs := r.logs.String(); !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "pamong whatsapp pair") {
		t.Fatalf("the logout is not logged loudly:\n%s", logs)
	}
	// A reconnect scheduled earlier does nothing now.
	r.a.connect()
	if c, _ := r.client.counts(); c != 1 {
		t.Fatal("connected after logout")
	}
}

func TestOtherPermanentDisconnectsStopWhatsApp(t *testing.T) {
	for _, tt := range []struct {
		evt  any
		want string
	}{
		{&events.StreamReplaced{}, "stream-replaced"},
		{&events.ClientOutdated{}, "client-outdated"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			r := newRig(t, Config{})
			r.client.emit(tt.evt)
			_, err := r.a.Send(t.Context(), msg("+6281200000001", "x", false))
			if se := sendErr(t, err); !se.Fallback || se.Code != tt.want {
				t.Fatalf("got %+v", se)
			}
			if st := r.a.Status(); st.Stopped != tt.want || st.LoggedOut {
				t.Fatalf("status %+v", st)
			}
		})
	}
}

func TestConnectFailureIsRetriedLater(t *testing.T) {
	r := newRig(t, Config{})
	r.client.emit(&events.ConnectFailure{Reason: events.ConnectFailureReason(409), Message: "conflict"})
	due := r.timers.take()
	if len(due) != 1 || due[0].after != retryConnectAfter {
		t.Fatalf("scheduled %+v", due)
	}
	due[0].f()
	if c, _ := r.client.counts(); c != 2 {
		t.Fatalf("connects %d", c)
	}
}

type fakeLock struct{ err error }

func (l *fakeLock) KeepLock(context.Context) error { return l.err }

func TestLosingTheDeviceLockStopsWhatsApp(t *testing.T) {
	r := newRig(t, Config{})
	lock := &fakeLock{}
	r.a.lock = lock
	if !r.a.checkLock() {
		t.Fatal("lost a lock that is held")
	}
	lock.err = errors.New("connection refused") // the database is away: keep going
	if !r.a.checkLock() || r.a.Status().Stopped != "" {
		t.Fatal("stopped on a transient database error")
	}
	lock.err = ErrLocked
	if r.a.checkLock() {
		t.Fatal("kept going without the lock")
	}
	if _, d := r.client.counts(); d != 1 {
		t.Fatal("still connected without the lock")
	}
	_, err := r.a.Send(t.Context(), msg("+6281200000001", "x", false))
	if se := sendErr(t, err); se.Code != "lock-lost" {
		t.Fatalf("got %+v", se)
	}
}

func TestStatusAndMetrics(t *testing.T) {
	r := newRig(t, Config{})
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(r.a.Collectors()...)
	gauge := func(name string) float64 {
		t.Helper()
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == name {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatalf("no metric %s", name)
		return 0
	}
	st := r.a.Status()
	if !st.Paired || !st.Connected || st.LoggedOut || st.Number != "+62…001" {
		t.Fatalf("status %+v", st)
	}
	if gauge("pamong_whatsapp_connected") != 1 || gauge("pamong_whatsapp_logged_out") != 0 || gauge("pamong_whatsapp_paused") != 0 {
		t.Fatal("gauges of a healthy adapter")
	}
	r.a.pause(t0.Add(time.Minute), "429")
	if gauge("pamong_whatsapp_paused") != 1 {
		t.Fatal("paused gauge")
	}
	r.clock.advance(time.Minute)
	if gauge("pamong_whatsapp_paused") != 0 {
		t.Fatal("paused gauge after the pause")
	}
	r.client.emit(&events.LoggedOut{})
	r.client.own, r.client.loggedIn = types.EmptyJID, false // whatsmeow deleted the session
	if gauge("pamong_whatsapp_connected") != 0 || gauge("pamong_whatsapp_logged_out") != 1 {
		t.Fatal("gauges after logout")
	}
	if st := r.a.Status(); st.Paired || st.Connected || !st.LoggedOut {
		t.Fatalf("status %+v", st)
	}
}
