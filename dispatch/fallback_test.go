package dispatch_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/gsm7"
	"github.com/pamong-desa/pamong/store"
)

type namedSender struct {
	*fakeSender
	name string
}

func (n namedSender) Name() string { return n.name }

func startBoth(t *testing.T, db *store.DB, wa, sms dispatch.Sender, cfg dispatch.Config) func() {
	senders := map[string]dispatch.Sender{"sms": sms}
	if wa != nil {
		senders["whatsapp"] = wa
	}
	cfg.Poll = 10 * time.Millisecond
	cfg.BackoffBase, cfg.BackoffMax = time.Millisecond, 5*time.Millisecond
	d := dispatch.New(db, senders, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// WhatsApp accepts the messages but no receipt ever comes: after the
// fallback delay each goes again by SMS, exactly once, rendered for SMS;
// a receipt arriving late changes nothing and starts no loop.
func TestNoReceiptFallsBackToSMSOnce(t *testing.T) {
	f := newFixture(t)
	ids := f.queueOn("whatsapp", "+6281500000001", 0, 3)
	wa := namedSender{&fakeSender{}, "whatsmeow"}
	sms := namedSender{&fakeSender{}, "twilio"}
	stop := startBoth(t, f.db, wa, sms, dispatch.Config{Workers: 2, FallbackAfter: 200 * time.Millisecond})
	waitUntil(t, "three SMS copies are sent", func() bool { return len(sms.messages()) == 3 })
	for _, m := range sms.messages() {
		if n, enc := gsm7.Segments(m.Text); n != 1 || enc != gsm7.GSM7 || !strings.HasPrefix(m.Text, "Judul: pesan") {
			t.Errorf("SMS copy %q: %d %s segments", m.Text, n, enc)
		}
	}
	for i, id := range ids {
		if st, _ := f.status(id); st != "superseded" {
			t.Errorf("WhatsApp message %d is %s; want superseded", id, st)
		}
		if got := sms.messages()[i]; f.count(`SELECT count(*) FROM outbox WHERE id = $1 AND fallback_of = $2`, got.ID, id) != 1 {
			t.Errorf("SMS %d does not point at the WhatsApp message %d it replaces (order kept)", got.ID, id)
		}
	}
	// The WhatsApp receipt turns up late.
	for _, m := range wa.messages() {
		if _, err := f.db.RecordDelivery(context.Background(), store.Delivery{Provider: "whatsmeow", ProviderID: fakeID(m), Status: "delivered"}); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "the SMS copies are recorded as sent", func() bool {
		return f.count(`SELECT count(*) FROM outbox WHERE channel = 'sms' AND status = 'sent'`) == 3
	})
	stop()
	if n := len(sms.messages()); n != 3 {
		t.Errorf("%d SMS sent; want 3", n)
	}
	if n := f.count(`SELECT count(*) FROM outbox WHERE status = 'superseded'`); n != 3 {
		t.Errorf("%d rows superseded; a late receipt moved a superseded row", n)
	}
	if n := f.count(`SELECT count(*) FROM outbox`); n != 6 {
		t.Errorf("%d outbox rows; want 3 WhatsApp + 3 SMS, no loop", n)
	}
}

func fakeID(m dispatch.Message) string { return "fake-" + strconv.FormatInt(m.ID, 10) + "-0" }

func TestWhatsAppUnreachableGoesBySMSAtOnce(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		noWhatsApp bool
		preferSMS  bool
	}{
		{name: "not on WhatsApp", err: dispatch.NotOnChannel(errors.New("not on WhatsApp")), preferSMS: true},
		{name: "logged out", err: dispatch.Unavailable("logged-out", errors.New("device logged out"))},
		{name: "bulk paused after 463", err: dispatch.Unavailable("463", errors.New("reach-out timelock"))},
		{name: "no WhatsApp configured", noWhatsApp: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ids := f.queueOn("whatsapp", "+6281500000002", 0, 2)
			sms := namedSender{&fakeSender{}, "twilio"}
			var wa dispatch.Sender
			if !tt.noWhatsApp {
				wa = namedSender{&fakeSender{fn: func(dispatch.Message, int) error { return tt.err }}, "whatsmeow"}
			}
			startBoth(t, f.db, wa, sms, dispatch.Config{Workers: 2, FallbackAfter: time.Hour})
			waitUntil(t, "both go by SMS", func() bool { return len(sms.messages()) == 2 })
			for _, id := range ids {
				if st, n := f.status(id); st != "superseded" || n > 1 {
					t.Errorf("WhatsApp message %d: %s after %d attempts", id, st, n)
				}
			}
			pref := f.count(`SELECT count(*) FROM learners WHERE phone = '+6281500000002' AND preferred_channel = 'sms'`)
			if (pref == 1) != tt.preferSMS {
				t.Errorf("preferred channel switched to SMS: %v; want %v", pref == 1, tt.preferSMS)
			}
		})
	}
}

// A second serve whose WhatsApp device is held by the first leaves the
// WhatsApp rows alone; a row on a channel nothing carries fails at once
// rather than block its learner.
func TestChannelsCarriedElsewhereOrNowhere(t *testing.T) {
	f := newFixture(t)
	waRow := f.queueOn("whatsapp", "+6281500000010", 0, 1)[0]
	sms := namedSender{&fakeSender{}, "twilio"}
	stop := startBoth(t, f.db, nil, sms, dispatch.Config{Workers: 2, Elsewhere: []string{"whatsapp"}})
	smsRow := f.queue("+6281500000011", 0, 1)[0]
	waitUntil(t, "the SMS row is sent", func() bool { st, _ := f.status(smsRow); return st == "sent" })
	stop()
	if st, n := f.status(waRow); st != "queued" || n != 0 {
		t.Errorf("the WhatsApp row another process carries is %s after %d attempts; want untouched", st, n)
	}

	g := newFixture(t)
	orphan := g.queue("+6281500000012", 0, 2)
	wa := namedSender{&fakeSender{}, "whatsmeow"}
	d := dispatch.New(g.db, map[string]dispatch.Sender{"whatsapp": wa}, dispatch.Config{Workers: 2, Poll: 10 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	waitUntil(t, "SMS rows without a gateway fail", func() bool {
		a, _ := g.status(orphan[0])
		b, _ := g.status(orphan[1])
		return a == "failed" && b == "failed"
	})
}
