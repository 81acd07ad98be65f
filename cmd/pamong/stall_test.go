package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
	"github.com/pamong-desa/pamong/twilio"
	"github.com/pamong-desa/pamong/webhooks"
)

// With Postgres paused for 20 s, a webhook and even /healthz (despite its
// own 3-second limit) took 19.8 s. With the server's real limits, each now
// answers 503 within its route's deadline, and all is well once the
// database is back.
func TestStalledDatabaseAnswersInTime(t *testing.T) {
	dsn, stall := pgtest.Stallable(t)
	ctx := t.Context()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	course, err := lessons.BundledDefault()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	const token = "stall-token"
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", &healthCheck{db: db, log: log})
	hooks := &webhooks.Twilio{Store: db, Course: course, Validator: twilio.NewValidator(token), Log: log}
	hooks.Routes(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := defaultLimits.newServer(mux)
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	hooks.PublicURL = base

	sms := func(sid string) (int, time.Duration) {
		start := time.Now()
		resp, err := faketwilio.PostSigned(ctx, nil, token, base+"/webhooks/twilio/sms",
			url.Values{"MessageSid": {sid}, "From": {"+6281233330001"}, "Body": {"halo"}})
		if err != nil {
			t.Errorf("webhook: %v", err)
			return 0, time.Since(start)
		}
		resp.Body.Close()
		return resp.StatusCode, time.Since(start)
	}
	health := func() (int, time.Duration) {
		start := time.Now()
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			t.Errorf("healthz: %v", err)
			return 0, time.Since(start)
		}
		resp.Body.Close()
		return resp.StatusCode, time.Since(start)
	}
	if code, _ := sms("SMwarm"); code != http.StatusOK {
		t.Fatalf("webhook before the pause: HTTP %d", code)
	}

	stall.Pause()
	paused := true
	defer func() {
		if paused {
			stall.Resume()
		}
	}()
	const slack = 700 * time.Millisecond
	checks := []struct {
		name  string
		call  func() (int, time.Duration)
		limit time.Duration
	}{
		{"healthz", health, defaultLimits.Routes["/healthz"].Deadline},
		{"webhook", func() (int, time.Duration) { return sms("SMstalled") }, defaultLimits.Routes["/webhooks/"].Deadline},
	}
	var wg sync.WaitGroup
	for _, c := range checks {
		wg.Go(func() {
			code, took := c.call()
			t.Logf("%s with the database paused: HTTP %d in %s", c.name, code, took.Round(10*time.Millisecond))
			if code != http.StatusServiceUnavailable {
				t.Errorf("%s: HTTP %d; want 503", c.name, code)
			}
			if took > c.limit+slack {
				t.Errorf("%s took %s; its limit is %s", c.name, took, c.limit)
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("requests still waiting 15 s into the pause")
	}

	stall.Resume()
	paused = false
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for rctx.Err() == nil {
		if code, _ := health(); code == http.StatusOK {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code, _ := sms("SMstalled"); code != http.StatusOK {
		t.Fatalf("the webhook Twilio retries after the pause: HTTP %d", code)
	}
}
