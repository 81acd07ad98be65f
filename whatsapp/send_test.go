package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/pamong-desa/pamong/dispatch"
)

func msg(to, text string, bulk bool) dispatch.Message {
	return dispatch.Message{ID: 1, LearnerID: 7, Channel: "whatsapp", To: to, Text: text, Segments: 1, Attempt: 1, Bulk: bulk}
}

// sendErr unpacks a send failure.
func sendErr(t *testing.T, err error) *dispatch.SendError {
	t.Helper()
	var se *dispatch.SendError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *dispatch.SendError", err, err)
	}
	return se
}

func TestSendReply(t *testing.T) {
	r := newRig(t, Config{})
	id, err := r.a.Send(t.Context(), msg("+6281234567890", "*Pelajaran 1*\nHalo", false))
	if err != nil {
		t.Fatal(err)
	}
	if id == "" || len(r.client.sent) != 1 {
		t.Fatalf("id %q, sent %+v", id, r.client.sent)
	}
	if s := r.client.sent[0]; s.to != learnerPN || s.text != "*Pelajaran 1*\nHalo" {
		t.Fatalf("sent %+v", s)
	}
	if len(r.client.lookups) != 1 || r.client.lookups[0] != "+6281234567890" {
		t.Fatalf("lookups %v", r.client.lookups)
	}
	if r.a.Name() != "whatsmeow" {
		t.Fatalf("Name() = %q", r.a.Name())
	}
	if len(r.clock.sleeps) != 0 {
		t.Fatalf("a reply waited %v", r.clock.sleeps)
	}

	// The answer is remembered for LookupTTL, then asked again.
	r.a.Send(t.Context(), msg("+6281234567890", "2", false))
	if len(r.client.lookups) != 1 {
		t.Fatalf("asked again within the TTL: %v", r.client.lookups)
	}
	r.clock.advance(25 * time.Hour)
	r.a.Send(t.Context(), msg("+6281234567890", "3", false))
	if len(r.client.lookups) != 2 {
		t.Fatalf("not asked again after the TTL: %v", r.client.lookups)
	}
}

func TestReplyToSomeoneWhoWroteNeedsNoLookup(t *testing.T) {
	r := newRig(t, Config{})
	r.client.emit(textFrom("A1", learnerPN, "halo"))
	if _, err := r.a.Send(t.Context(), msg("+6281234567890", "Selamat datang", false)); err != nil {
		t.Fatal(err)
	}
	if len(r.client.lookups) != 0 {
		t.Fatalf("looked up a number that just wrote to us: %v", r.client.lookups)
	}
}

func TestSendToNumberNotOnWhatsApp(t *testing.T) {
	r := newRig(t, Config{})
	r.client.notOnWA = map[string]bool{"+6281300000002": true}
	for range 2 {
		_, err := r.a.Send(t.Context(), msg("+6281300000002", "halo", false))
		if se := sendErr(t, err); !se.NotOnChannel || !se.Fallback || se.Permanent {
			t.Fatalf("want NotOnChannel, got %+v", se)
		}
	}
	if len(r.client.lookups) != 1 || len(r.client.sent) != 0 {
		t.Fatalf("lookups %v (want one, remembered), sent %v", r.client.lookups, r.client.sent)
	}
}

func TestSendBadNumberIsPermanent(t *testing.T) {
	r := newRig(t, Config{})
	for _, to := range []string{"081234567890", "+62abc", "+123"} {
		_, err := r.a.Send(t.Context(), msg(to, "x", false))
		if se := sendErr(t, err); !se.Permanent {
			t.Fatalf("%s: want permanent, got %+v", to, se)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

var _ net.Error = timeoutErr{}

// How each failure whatsmeow can give is classified, for a reply and for
// a bot-initiated message.
func TestSendErrorClassification(t *testing.T) {
	serverErr := func(code int) error { return fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, code) }
	type want struct {
		fallback, permanent bool
		code                string
	}
	tests := []struct {
		name      string
		err       error
		inLookup  bool // the failure comes from IsOnWhatsApp
		reply     want
		bulk      want
		wantPause bool
	}{
		{name: "463 reach-out timelock on send", err: serverErr(463),
			reply: want{code: "463"}, bulk: want{fallback: true, code: "463"}, wantPause: true},
		{name: "463 as an info-query error", err: &whatsmeow.IQError{Code: 463, Text: "reachout-timelock"}, inLookup: true,
			reply: want{code: "463"}, bulk: want{fallback: true, code: "463"}, wantPause: true},
		{name: "429 rate-overlimit on send", err: serverErr(429),
			reply: want{code: "429"}, bulk: want{fallback: true, code: "429"}, wantPause: true},
		{name: "429 rate-overlimit on lookup", err: whatsmeow.ErrIQRateOverLimit, inLookup: true,
			reply: want{code: "429"}, bulk: want{fallback: true, code: "429"}, wantPause: true},
		{name: "other server error", err: serverErr(479), reply: want{code: "479"}, bulk: want{code: "479"}},
		{name: "send timed out", err: whatsmeow.ErrMessageTimedOut, reply: want{code: "timeout"}, bulk: want{code: "timeout"}},
		{name: "query timed out", err: whatsmeow.ErrIQTimedOut, inLookup: true, reply: want{code: "timeout"}, bulk: want{code: "timeout"}},
		{name: "deadline", err: context.DeadlineExceeded, reply: want{code: "timeout"}, bulk: want{code: "timeout"}},
		{name: "network timeout", err: &net.OpError{Op: "read", Err: timeoutErr{}}, reply: want{code: "timeout"}, bulk: want{code: "timeout"}},
		{name: "connection reset", err: &net.OpError{Op: "read", Err: os.ErrClosed}, reply: want{}, bulk: want{}},
		{name: "disconnected mid-send", err: &whatsmeow.DisconnectedError{Action: "message send"},
			reply: want{code: "disconnected"}, bulk: want{code: "disconnected"}},
		{name: "not connected", err: whatsmeow.ErrNotConnected,
			reply: want{fallback: true, code: "not-connected"}, bulk: want{fallback: true, code: "not-connected"}},
		{name: "unaddressable recipient", err: whatsmeow.ErrRecipientADJID,
			reply: want{permanent: true, code: "bad-recipient"}, bulk: want{permanent: true, code: "bad-recipient"}},
	}
	for _, tt := range tests {
		for _, bulk := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/bulk=%v", tt.name, bulk), func(t *testing.T) {
				r := newRig(t, Config{})
				if tt.inLookup {
					r.client.lookupErr = tt.err
				} else {
					r.client.sendFn = func(types.JID, *waE2E.Message) (types.MessageID, error) { return "", tt.err }
				}
				_, err := r.a.Send(t.Context(), msg("+6281234567890", "x", bulk))
				w := tt.reply
				if bulk {
					w = tt.bulk
				}
				se := sendErr(t, err)
				if se.Fallback != w.fallback || se.Permanent != w.permanent || se.Code != w.code || se.NotOnChannel {
					t.Fatalf("got %+v (%v), want %+v", se, se, w)
				}
				if !errors.Is(err, tt.err) {
					t.Fatalf("the cause is lost: %v", err)
				}
				if paused := !r.a.Status().PausedUntil.IsZero(); paused != tt.wantPause {
					t.Fatalf("paused = %v, want %v", paused, tt.wantPause)
				}
			})
		}
	}
}

func TestSendWhileDisconnected(t *testing.T) {
	r := newRig(t, Config{})
	r.client.loggedIn = false
	_, err := r.a.Send(t.Context(), msg("+6281234567890", "x", false))
	if se := sendErr(t, err); !se.Fallback || se.Code != "not-connected" {
		t.Fatalf("got %+v", se)
	}
	// A connection that comes back within ConnectWait carries it.
	r.client.waitOK = true
	if _, err := r.a.Send(t.Context(), msg("+6281234567890", "x", false)); err != nil {
		t.Fatal(err)
	}
}

func TestLongOutageFallsBackWithoutWaiting(t *testing.T) {
	r := newRig(t, Config{ConnectWait: 10 * time.Second})
	r.client.emit(&events.Connected{})
	r.client.loggedIn = false
	r.client.emit(&events.Disconnected{})
	r.clock.advance(4 * time.Second)
	r.a.Send(t.Context(), msg("+6281234567890", "x", false))
	if r.client.waits != 1 {
		t.Fatalf("a fresh drop was not waited out: %d waits", r.client.waits)
	}
	r.clock.advance(6 * time.Second)
	_, err := r.a.Send(t.Context(), msg("+6281234567890", "x", false))
	if se := sendErr(t, err); se.Code != "not-connected" || r.client.waits != 1 {
		t.Fatalf("got %+v after %d waits; want SMS at once", se, r.client.waits)
	}
	r.client.loggedIn = true
	r.client.emit(&events.Connected{})
	if _, err := r.a.Send(t.Context(), msg("+6281234567890", "x", false)); err != nil {
		t.Fatal(err)
	}
}

func TestSendNearItsDeadlineDoesNotWaitForTheConnection(t *testing.T) {
	r := newRig(t, Config{})
	r.client.loggedIn, r.client.waitOK = false, true
	ctx, cancel := context.WithTimeout(t.Context(), time.Second) // less than sendMargin
	defer cancel()
	_, err := r.a.Send(ctx, msg("+6281234567890", "x", false))
	if se := sendErr(t, err); se.Code != "not-connected" {
		t.Fatalf("got %+v", se)
	}
}
