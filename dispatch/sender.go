// Package dispatch sends the outbox: it claims due rows, hands each to the
// sender of its channel, in order per learner, replies before bulk, within
// per-channel rate limits, and records what the provider answered.
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Message is one outbox row as a sender needs it.
type Message struct {
	ID        int64
	LearnerID int64
	Channel   string // "sms" or "whatsapp"
	// Provider, when set, asks for a particular gateway of the channel:
	// the one the learner wrote through.
	Provider string
	To       string // E.164
	Text     string
	Segments int
	// Attempt counts this attempt, from 1.
	Attempt int
	// Bulk is bot-initiated traffic (announcements, reminders), as opposed
	// to a reply to the learner's own message; WhatsApp paces it.
	Bulk bool
	// SpillToSMS says the sender of the announcement chose, at compose
	// time, that what WhatsApp's hourly cap cannot carry goes by SMS
	// instead of waiting for WhatsApp capacity.
	SpillToSMS bool
	// Attachment names a document sent with the text where the channel
	// can (the certificate PDF on WhatsApp); SMS ignores it.
	Attachment string
}

// Sender hands messages to one provider.
type Sender interface {
	// Name is the route recorded on the row ("twilio", "kannel", …); status
	// callbacks find the row by (Name, provider id).
	Name() string
	// Send returns the provider's id for the message once the provider has
	// accepted it. A failure is retried unless it is a *SendError with
	// Permanent set.
	Send(ctx context.Context, m Message) (providerID string, err error)
}

// SendError is a classified failure of a send.
type SendError struct {
	// Code is the provider's error code, kept on the row for people.
	Code string
	// Permanent failures are never retried (an invalid number).
	Permanent bool
	// OptedOut means the recipient blocked us at the provider (Twilio
	// 21610): the learner is marked opted out.
	OptedOut bool
	// Fallback means the channel cannot carry this message now (WhatsApp
	// logged out, banned, or pausing bot-initiated traffic): it goes by SMS
	// instead, at once.
	Fallback bool
	// NotOnChannel means the recipient cannot be reached on this channel at
	// all (not on WhatsApp): fall back, and prefer SMS for them from now on.
	NotOnChannel bool
	// NotBefore, when set, means the channel has no capacity for this
	// message before then (pacing, a rate, an hourly cap): the message was
	// not offered to anyone, and goes back to the queue until then without
	// counting an attempt.
	NotBefore time.Time
	// OverCap means NotBefore comes from the channel's cap rather than a
	// short gap of pacing: an announcement whose sender chose to spill to
	// SMS goes by SMS instead of waiting.
	OverCap bool
	Err     error
}

func (e *SendError) Error() string {
	if !e.NotBefore.IsZero() {
		return fmt.Sprintf("no capacity (%s) until %s: %v", e.Code, e.NotBefore.UTC().Format(time.RFC3339), e.Err)
	}
	kind := "retryable"
	if e.Permanent {
		kind = "permanent"
	}
	if e.Code != "" {
		return fmt.Sprintf("%s error %s: %v", kind, e.Code, e.Err)
	}
	return fmt.Sprintf("%s error: %v", kind, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// Permanent wraps err as a failure that must not be retried.
func Permanent(code string, err error) error {
	return &SendError{Code: code, Permanent: true, Err: err}
}

// Retryable wraps err as a failure worth retrying later.
func Retryable(code string, err error) error { return &SendError{Code: code, Err: err} }

// OptedOut wraps err as the recipient having opted out at the provider.
func OptedOut(code string, err error) error {
	return &SendError{Code: code, Permanent: true, OptedOut: true, Err: err}
}

// Unavailable wraps err as the channel being unable to carry the message
// now; the dispatcher sends it by SMS instead.
func Unavailable(code string, err error) error {
	return &SendError{Code: code, Fallback: true, Err: err}
}

// NotBefore wraps err as the channel having no capacity for the message
// before t: the dispatcher puts it back in the queue until t, and the
// worker is free at once (nobody waits while holding a lease).
func NotBefore(code string, t time.Time, err error) error {
	return &SendError{Code: code, NotBefore: t, Err: err}
}

// OverCap is NotBefore for a channel's cap (WhatsApp's bulk messages per
// hour): the message waits for capacity, or spills to SMS when its sender
// chose so.
func OverCap(code string, t time.Time, err error) error {
	return &SendError{Code: code, NotBefore: t, OverCap: true, Err: err}
}

// NotOnChannel wraps err as the recipient not being on the channel at all.
func NotOnChannel(err error) error {
	return &SendError{Fallback: true, NotOnChannel: true, Err: err}
}

// classify reads a send error: anything not marked permanent (a timeout, a
// reset connection) is worth another try.
func classify(err error) (permanent, optedOut bool, code string) {
	var se *SendError
	if errors.As(err, &se) {
		return se.Permanent, se.OptedOut, se.Code
	}
	return false, false, ""
}
