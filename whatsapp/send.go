package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/phone"
)

// WhatsApp's answers that mean "slow down". 463 is the reach-out timelock:
// the number is barred for a while from messaging people who have not
// written to it; whatsmeow surfaces it from a message send as
// ErrServerReturnedError ("server returned error 463"), and from queries as
// an IQError with that code. 429 is rate-overlimit.
const (
	codeReachOutTimelock = 463
	codeRateOverLimit    = 429
)

// Send hands one outbox message to WhatsApp and returns its message id.
// Bot-initiated messages (m.Bulk) take their turn under the ban-safety
// policy (pacing.go), or are told when to come back: nothing waits here. Whatever WhatsApp cannot carry now comes back as
// dispatch.Unavailable (the dispatcher sends it by SMS), a number without
// WhatsApp as dispatch.NotOnChannel.
func (a *Adapter) Send(ctx context.Context, m dispatch.Message) (string, error) {
	if err := a.usable(ctx); err != nil {
		return "", err
	}
	digits, err := numberDigits(m.To)
	if err != nil {
		return "", dispatch.Permanent("bad-number", err)
	}
	if m.Bulk {
		if err := a.takeBulkTurn(); err != nil {
			return "", err
		}
	}
	to, err := a.lookup(ctx, digits, m.Bulk)
	if err != nil {
		return "", err
	}
	msg, err := a.message(ctx, m)
	if err != nil {
		return "", err
	}
	id, err := a.client.SendMessage(ctx, to, msg)
	if err != nil {
		return "", a.classify("send WhatsApp message", err, m.Bulk)
	}
	return id, nil
}

// usable refuses a send when WhatsApp cannot carry anything now: sending
// stopped (logged out …), a temporary ban, or no connection that comes back
// within ConnectWait of going away.
func (a *Adapter) usable(ctx context.Context) error {
	a.mu.Lock()
	stopped, banned, downSince := a.stopped, a.bannedUntil, a.downSince
	a.mu.Unlock()
	if stopped != "" {
		return dispatch.Unavailable(stopped, fmt.Errorf("WhatsApp sending stopped: %s", stopped))
	}
	if a.now().Before(banned) {
		return dispatch.Unavailable("temporary-ban", fmt.Errorf("WhatsApp banned the number until %s", banned.Format(time.RFC3339)))
	}
	if a.client.IsLoggedIn() {
		return nil
	}
	// A short drop is waited out; a connection that has been away longer
	// sends everything to SMS at once instead of holding every worker.
	wait := a.cfg.ConnectWait
	if !downSince.IsZero() {
		wait -= a.now().Sub(downSince)
	}
	if dl, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(dl)-sendMargin)
	}
	if wait <= 0 || !a.client.WaitForConnection(wait) {
		return dispatch.Unavailable("not-connected", errors.New("WhatsApp is not connected"))
	}
	return nil
}

// sendMargin is the time kept for the send itself out of the dispatcher's
// deadline when waiting for a dropped connection.
const sendMargin = 5 * time.Second

// numberDigits turns "+628…" into WhatsApp's user part "628…".
func numberDigits(e164 string) (string, error) {
	d, ok := strings.CutPrefix(e164, "+")
	if !ok || len(d) < 8 || len(d) > 15 || strings.Trim(d, "0123456789") != "" {
		return "", fmt.Errorf("%q is not an E.164 number", phone.MaskDigits(e164))
	}
	return d, nil
}

// contact is a cached answer to "is this number on WhatsApp?".
type contact struct {
	jid types.JID // empty when not on WhatsApp
	at  time.Time
}

// lookup finds the JID to send to, asking WhatsApp whether the number has
// an account unless a recent answer is known. Lookups are remembered
// because they cost a query each, and many queries about unknown numbers
// are themselves a ban risk.
func (a *Adapter) lookup(ctx context.Context, digits string, bulk bool) (types.JID, error) {
	now := a.now()
	a.mu.Lock()
	c, ok := a.contacts[digits]
	a.mu.Unlock()
	if !ok || now.Sub(c.at) > a.cfg.LookupTTL {
		resp, err := a.client.IsOnWhatsApp(ctx, []string{"+" + digits})
		if err != nil {
			return types.EmptyJID, a.classify("ask whether the number is on WhatsApp", err, bulk)
		}
		if len(resp) == 0 {
			return types.EmptyJID, dispatch.Retryable("lookup", errors.New("WhatsApp gave no answer on whether the number is on WhatsApp"))
		}
		c = contact{at: now}
		if resp[0].IsIn {
			c.jid = resp[0].JID
			if c.jid.IsEmpty() {
				c.jid = types.NewJID(digits, types.DefaultUserServer)
			}
		}
		a.mu.Lock()
		a.contacts[digits] = c
		a.mu.Unlock()
	}
	if c.jid.IsEmpty() {
		return types.EmptyJID, dispatch.NotOnChannel(errors.New("the number is not on WhatsApp"))
	}
	return c.jid, nil
}

// rememberContact records that a number wrote to us on WhatsApp: replies
// to it need no lookup.
func (a *Adapter) rememberContact(digits string) {
	a.mu.Lock()
	a.contacts[digits] = contact{jid: types.NewJID(digits, types.DefaultUserServer), at: a.now()}
	a.mu.Unlock()
}

var serverErrorCode = regexp.MustCompile(`server returned error (\d+)`)

// errorCode is WhatsApp's numeric answer inside a whatsmeow error, or 0.
func errorCode(err error) int {
	var iq *whatsmeow.IQError
	if errors.As(err, &iq) && iq.Code != 0 {
		return iq.Code
	}
	if errors.Is(err, whatsmeow.ErrServerReturnedError) {
		if m := serverErrorCode.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n
		}
	}
	return 0
}

// classify turns a whatsmeow failure into the dispatcher's terms.
//
//   - 463 (reach-out timelock) and 429 (rate over limit) pause bot-initiated
//     sending for Pause; the bulk message goes by SMS, a reply is retried
//     (it answers someone who wrote to us, which the timelock allows).
//   - No connection: the message never left, so it goes by SMS.
//   - A recipient whatsmeow cannot address is our mistake: permanent.
//   - Anything else (timeouts, a dropped connection mid-send, other server
//     codes) is retried: it may have been a hiccup.
func (a *Adapter) classify(doing string, err error, bulk bool) error {
	wrapped := fmt.Errorf("%s: %w", doing, err)
	code := errorCode(err)
	switch {
	case code == codeReachOutTimelock || code == codeRateOverLimit:
		c := strconv.Itoa(code)
		until := a.now().Add(a.cfg.Pause)
		a.pause(until, c)
		a.log.Warn("WhatsApp asks to slow down: bot-initiated messages go by SMS for a while", "code", code, "until", until)
		if bulk {
			return dispatch.Unavailable(c, wrapped)
		}
		return dispatch.Retryable(c, wrapped)
	case errors.Is(err, whatsmeow.ErrNotConnected), errors.Is(err, whatsmeow.ErrNotLoggedIn), errors.Is(err, whatsmeow.ErrClientIsNil):
		return dispatch.Unavailable("not-connected", wrapped)
	case errors.Is(err, whatsmeow.ErrUnknownServer), errors.Is(err, whatsmeow.ErrRecipientADJID), errors.Is(err, whatsmeow.ErrBroadcastListUnsupported):
		return dispatch.Permanent("bad-recipient", wrapped)
	case code != 0:
		return dispatch.Retryable(strconv.Itoa(code), wrapped)
	case isTimeout(err):
		return dispatch.Retryable("timeout", wrapped)
	}
	var disc *whatsmeow.DisconnectedError
	if errors.As(err, &disc) {
		return dispatch.Retryable("disconnected", wrapped)
	}
	return dispatch.Retryable("", wrapped)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, whatsmeow.ErrMessageTimedOut) ||
		errors.Is(err, whatsmeow.ErrIQTimedOut) || (errors.As(err, &ne) && ne.Timeout())
}
