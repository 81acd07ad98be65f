package whatsapp

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// unpaired is a fake client with nothing paired whose QR channel yields
// items, ending with last.
func unpaired(items ...whatsmeow.QRChannelItem) *fakeClient {
	c := newFakeClient()
	c.own, c.loggedIn = types.EmptyJID, false
	c.qr = make(chan whatsmeow.QRChannelItem, len(items))
	for _, it := range items {
		c.qr <- it
	}
	close(c.qr)
	return c
}

func code(s string) whatsmeow.QRChannelItem {
	return whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: s, Timeout: time.Minute}
}

func TestPairWithQRCode(t *testing.T) {
	c := unpaired(code("2@abc"), code("2@def"), whatsmeow.QRChannelSuccess)
	var shown []string
	paired := types.NewJID("6281100000009", types.DefaultUserServer)
	// The phone scans the second code: whatsmeow stores the account.
	c.qr = wrapSuccess(c.qr, func() { c.mu.Lock(); c.own = paired; c.mu.Unlock() })
	jid, err := Pair(t.Context(), c, PairOptions{ShowQR: func(s string) { shown = append(shown, s) }, ShowCode: func(string) { t.Fatal("code shown in QR mode") }})
	if err != nil {
		t.Fatal(err)
	}
	if jid != paired || !slices.Equal(shown, []string{"2@abc", "2@def"}) {
		t.Fatalf("jid %v, shown %v", jid, shown)
	}
	if c.connects != 1 {
		t.Fatalf("connects %d", c.connects)
	}
}

// wrapSuccess passes the items on one at a time and runs f just before
// the success item, as whatsmeow has stored the account by then.
func wrapSuccess(in chan whatsmeow.QRChannelItem, f func()) chan whatsmeow.QRChannelItem {
	out := make(chan whatsmeow.QRChannelItem)
	go func() {
		defer close(out)
		for it := range in {
			if it == whatsmeow.QRChannelSuccess {
				f()
			}
			out <- it
		}
	}()
	return out
}

func TestPairWithPhoneCode(t *testing.T) {
	c := unpaired(code("2@abc"), whatsmeow.QRChannelSuccess)
	var shown string
	_, err := Pair(t.Context(), c, PairOptions{Phone: "6281100000009",
		ShowQR: func(string) { t.Fatal("QR drawn in pairing-code mode") }, ShowCode: func(s string) { shown = s }})
	if err != nil {
		t.Fatal(err)
	}
	if shown != "ABCD-EFGH" || !slices.Equal(c.pairPhones, []string{"6281100000009"}) {
		t.Fatalf("shown %q, asked for %v", shown, c.pairPhones)
	}
}

func TestPairFailures(t *testing.T) {
	tests := []struct {
		name  string
		items []whatsmeow.QRChannelItem
		want  string
	}{
		{"nobody scanned", []whatsmeow.QRChannelItem{code("2@a"), whatsmeow.QRChannelTimeout}, "timed out"},
		{"phone without multi-device", []whatsmeow.QRChannelItem{whatsmeow.QRChannelScannedWithoutMultidevice}, "multi-device"},
		{"pair error", []whatsmeow.QRChannelItem{{Event: whatsmeow.QRChannelEventError, Error: errors.New("invalid device signature")}}, "invalid device signature"},
		{"client outdated", []whatsmeow.QRChannelItem{whatsmeow.QRChannelClientOutdated}, "err-client-outdated"},
		{"channel closed", nil, "without an answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Pair(t.Context(), unpaired(tt.items...), PairOptions{ShowQR: func(string) {}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
	if _, err := Pair(t.Context(), newFakeClient(), PairOptions{}); err == nil || !strings.Contains(err.Error(), "already paired") {
		t.Fatalf("pairing over a paired device: %v", err)
	}
}

func TestProbeConnection(t *testing.T) {
	tests := []struct {
		name string
		evt  any // emitted while connecting; nil: nothing comes
		want Probe
	}{
		{"connected", &events.Connected{}, Probe{Connected: true}},
		{"logged out", &events.LoggedOut{OnConnect: true, Reason: events.ConnectFailureLoggedOut}, Probe{LoggedOut: true}},
		{"banned", &events.TemporaryBan{Code: events.TempBanBlockedByUsers, Expire: time.Hour}, Probe{}},
		{"no answer", nil, Probe{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newFakeClient()
			c.loggedIn = false
			c.onConnect = func() {
				if tt.evt != nil {
					c.emit(tt.evt)
				}
			}
			p := ProbeConnection(t.Context(), c, 50*time.Millisecond)
			if p.Connected != tt.want.Connected || p.LoggedOut != tt.want.LoggedOut || (!p.Connected && p.Problem == "") {
				t.Fatalf("probe %+v, want %+v", p, tt.want)
			}
		})
	}
}

func TestUnlink(t *testing.T) {
	c := newFakeClient()
	c.onConnect = func() { c.emit(&events.Connected{}) }
	if already, err := Unlink(t.Context(), c, time.Second); err != nil || already || c.logouts != 1 {
		t.Fatalf("already %v, err %v, logouts %d", already, err, c.logouts)
	}

	c = newFakeClient()
	c.onConnect = func() { c.emit(&events.LoggedOut{OnConnect: true, Reason: events.ConnectFailureLoggedOut}) }
	if already, err := Unlink(t.Context(), c, time.Second); err != nil || !already || c.logouts != 0 {
		t.Fatalf("already %v, err %v, logouts %d", already, err, c.logouts)
	}

	c = newFakeClient()
	c.onConnect = func() { c.emit(&events.TemporaryBan{Code: events.TempBanSentToTooManyPeople}) }
	if _, err := Unlink(t.Context(), c, time.Second); err == nil || !strings.Contains(err.Error(), "cannot reach WhatsApp") {
		t.Fatalf("err %v", err)
	}

	if _, err := Unlink(t.Context(), unpaired(), time.Second); !errors.Is(err, ErrNotPaired) {
		t.Fatalf("err %v", err)
	}
}

// A command that connects for a moment must not take learners' messages or
// receipts: unacked, WhatsApp delivers them again to pamong serve.
func TestCommandsLeaveMessagesForServe(t *testing.T) {
	traffic := []any{textFrom("A1", learnerPN, "2"), &events.Receipt{MessageIDs: []string{"3EB0A"}}}
	check := func(c *fakeClient, what string) {
		t.Helper()
		for _, evt := range traffic {
			if c.emit(evt) {
				t.Errorf("%s acked a %T", what, evt)
			}
		}
		if !c.emit(&events.Connected{}) {
			t.Errorf("%s withheld the ack of a connection event", what)
		}
	}

	c := newFakeClient()
	c.onConnect = func() { c.emit(&events.Connected{}) }
	ProbeConnection(t.Context(), c, time.Second)
	check(c, "status")

	c = unpaired(whatsmeow.QRChannelSuccess)
	if _, err := Pair(t.Context(), c, PairOptions{}); err != nil {
		t.Fatal(err)
	}
	check(c, "pair")
}
