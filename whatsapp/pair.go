package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// What the pamong whatsapp commands do with a client, apart from the
// terminal: pairing, a short connection to tell the state, and unlinking.

// PairOptions says how to link the device.
type PairOptions struct {
	// Phone, when set, asks for a pairing code for this number
	// (international digits, 628…) instead of a QR code.
	Phone string
	// ShowQR draws a QR code to scan; called again for each new code.
	ShowQR func(code string)
	// ShowCode shows the 8-character pairing code to type on the phone.
	ShowCode func(code string)
	// ConnectWait is how long to wait for the first login after the phone
	// accepted (default 30s).
	ConnectWait time.Duration
}

// ErrPairTimeout: nobody scanned the QR code or typed the pairing code in
// time.
var ErrPairTimeout = errors.New("timed out: the phone did not link the device in time; run 'pamong whatsapp pair' again")

// Pair links c's empty device to a WhatsApp account, as a QR code or a
// pairing code, and returns the account once the phone accepted. The caller
// disconnects c.
func Pair(ctx context.Context, c Client, opt PairOptions) (types.JID, error) {
	if own := c.OwnID(); !own.IsEmpty() {
		return types.EmptyJID, fmt.Errorf("a WhatsApp device is already paired (+%s): run 'pamong whatsapp logout' first", own.User)
	}
	if opt.ConnectWait <= 0 {
		opt.ConnectWait = 30 * time.Second
	}
	qr, err := c.GetQRChannel(ctx)
	if err != nil {
		return types.EmptyJID, fmt.Errorf("start pairing: %w", err)
	}
	c.AddEventHandler(leaveTraffic)
	if err := c.Connect(); err != nil {
		return types.EmptyJID, fmt.Errorf("connect to WhatsApp: %w", err)
	}
	if opt.Phone != "" {
		code, err := c.PairPhone(ctx, opt.Phone)
		if err != nil {
			return types.EmptyJID, fmt.Errorf("ask WhatsApp for a pairing code: %w", err)
		}
		opt.ShowCode(code)
	}
	for {
		var item whatsmeow.QRChannelItem
		var ok bool
		select {
		case <-ctx.Done():
			return types.EmptyJID, ctx.Err()
		case item, ok = <-qr:
		}
		if !ok {
			return types.EmptyJID, errors.New("pairing ended without an answer from WhatsApp")
		}
		switch item.Event {
		case whatsmeow.QRChannelEventCode:
			if opt.Phone == "" {
				opt.ShowQR(item.Code)
			}
		case whatsmeow.QRChannelSuccess.Event:
			// whatsmeow reconnects after pairing; the first login finishes
			// setting up the session.
			c.WaitForConnection(opt.ConnectWait)
			return c.OwnID(), nil
		case whatsmeow.QRChannelTimeout.Event:
			return types.EmptyJID, ErrPairTimeout
		case whatsmeow.QRChannelScannedWithoutMultidevice.Event:
			return types.EmptyJID, errors.New("the phone scanned the code but has no multi-device support: update WhatsApp on the phone and try again")
		case whatsmeow.QRChannelEventError:
			return types.EmptyJID, fmt.Errorf("pairing failed: %w", item.Error)
		default:
			return types.EmptyJID, fmt.Errorf("pairing failed: %s", item.Event)
		}
	}
}

// leaveTraffic withholds the ack of messages and receipts that arrive while
// a command is connected: WhatsApp delivers them again to 'pamong serve',
// which hands them to the engine. Acked here, they would be lost.
func leaveTraffic(evt any) bool {
	switch evt.(type) {
	case *events.Message, *events.Receipt:
		return false
	}
	return true
}

// Probe is what a short connection found out.
type Probe struct {
	Connected bool
	// LoggedOut: the phone unlinked the device (or WhatsApp banned the
	// number); whatsmeow has deleted the session.
	LoggedOut bool
	// Problem explains a failed connection for people.
	Problem string
}

// ProbeConnection connects c and waits up to wait for WhatsApp's verdict
// on the session. The caller disconnects c.
func ProbeConnection(ctx context.Context, c Client, wait time.Duration) Probe {
	verdict := make(chan Probe, 1)
	say := func(p Probe) {
		select {
		case verdict <- p:
		default:
		}
	}
	c.AddEventHandler(func(evt any) bool {
		switch evt := evt.(type) {
		case *events.Message, *events.Receipt:
			return leaveTraffic(evt)
		case *events.Connected:
			say(Probe{Connected: true})
		case *events.LoggedOut:
			say(Probe{LoggedOut: true, Problem: "logged out (" + evt.PermanentDisconnectDescription() + "): the phone unlinked this device"})
		case *events.TemporaryBan:
			say(Probe{Problem: evt.String()})
		case *events.ConnectFailure:
			say(Probe{Problem: evt.PermanentDisconnectDescription()})
		case *events.ClientOutdated:
			say(Probe{Problem: "WhatsApp refuses this client version: update go.mau.fi/whatsmeow and rebuild pamong"})
		case *events.StreamReplaced:
			say(Probe{Problem: "another client is using this session"})
		}
		return true
	})
	if err := c.Connect(); err != nil {
		return Probe{Problem: "cannot connect: " + err.Error()}
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case p := <-verdict:
		return p
	case <-t.C:
		return Probe{Problem: fmt.Sprintf("no answer from WhatsApp within %s (network?)", wait)}
	case <-ctx.Done():
		return Probe{Problem: ctx.Err().Error()}
	}
}

// Unlink logs c's device out at WhatsApp, which deletes the session here
// too; a device the phone had already unlinked only loses its local
// session. The caller disconnects c.
func Unlink(ctx context.Context, c Client, wait time.Duration) (alreadyUnlinked bool, err error) {
	if c.OwnID().IsEmpty() {
		return false, ErrNotPaired
	}
	p := ProbeConnection(ctx, c, wait)
	switch {
	case p.LoggedOut:
		return true, nil
	case !p.Connected:
		return false, fmt.Errorf("cannot reach WhatsApp to unlink the device: %s", p.Problem)
	}
	if err := c.Logout(ctx); err != nil {
		return false, fmt.Errorf("unlink the WhatsApp device: %w", err)
	}
	return false, nil
}
