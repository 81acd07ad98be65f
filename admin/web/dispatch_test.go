package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/dispatch"
)

// fakeProvider stands in for Twilio and the WhatsApp device: it accepts
// every message and remembers it.
type fakeProvider struct {
	mu   sync.Mutex
	sent []dispatch.Message
}

func (p *fakeProvider) Name() string { return "fake" }

func (p *fakeProvider) Send(_ context.Context, m dispatch.Message) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent = append(p.sent, m)
	return fmt.Sprintf("fake-%d", m.ID), nil
}

// messages returns what the provider was handed so far.
func (p *fakeProvider) messages() []dispatch.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]dispatch.Message(nil), p.sent...)
}

// runDispatcher runs the real dispatcher over the fixture's outbox, both
// channels to one fake provider, until the test ends.
func (f *fixture) runDispatcher(t *testing.T) *fakeProvider {
	t.Helper()
	p := &fakeProvider{}
	d := dispatch.New(f.db, map[string]dispatch.Sender{"sms": p, "whatsapp": p}, dispatch.Config{Poll: 20 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("dispatcher: %v", err)
		}
	})
	return p
}

// waitFor polls cond until it holds or 20 s have passed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
