package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// traffic drives the run from start to end: traffic, the database
// restarts and the samples, then the drain and the books. It returns the
// problems found.
func (r *runner) traffic(ctx context.Context, token string) ([]string, error) {
	c := r.c
	// The server ending before the run does (a crash, or a signal from
	// outside) makes the rest of the run meaningless: stop at once.
	ctx, abort := context.WithCancelCause(ctx)
	defer abort(nil)
	r.abort = abort
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.learners + 4}}
	in := &inbound{base: r.p.base, client: client, tally: r.tally, run: fmt.Sprintf("%09d", time.Now().Unix()%1e9)}
	rep := &reporter{fake: r.fake, client: client, tally: r.tally}
	adm := &adminAPI{base: r.p.base, token: token, client: client, tally: r.tally}

	r.began = time.Now()
	r.phase.Store("warm-up")
	trafficCtx, stopTraffic := context.WithTimeout(ctx, c.duration)
	defer stopTraffic()
	// Messages already written are delivered for up to two minutes more.
	deliverCtx, stopDelivering := context.WithTimeout(ctx, c.duration+2*time.Minute)
	defer stopDelivering()
	sampleCtx, stopSampling := context.WithCancel(ctx)
	defer stopSampling()

	printSampleHeader(r.w)
	var sampling sync.WaitGroup
	sampling.Add(1)
	go func() { defer sampling.Done(); r.sampleEvery(sampleCtx) }()

	var learners, others sync.WaitGroup
	for n := range c.learners {
		learners.Add(1)
		go func() { defer learners.Done(); in.learner(trafficCtx, deliverCtx, n, c.pace) }()
	}
	reporterCtx, stopReporter := context.WithCancel(ctx)
	defer stopReporter()
	others.Add(4)
	go func() { defer others.Done(); rep.run(reporterCtx) }()
	go func() { defer others.Done(); adm.browse(trafficCtx, c.adminPace, c.importEvery) }()
	go func() { defer others.Done(); adm.announce(trafficCtx, c.announceEvery) }()
	var restartErr error
	go func() { defer others.Done(); restartErr = r.restarts(trafficCtx) }()
	go func() {
		warmUp := min(2*time.Minute, c.duration/6)
		select {
		case <-time.After(warmUp):
			r.phase.CompareAndSwap("warm-up", "traffic")
		case <-trafficCtx.Done():
		}
	}()

	<-trafficCtx.Done()
	if ctx.Err() != nil {
		// Wait for the restarts too: none may start the cluster again after
		// the caller stopped it.
		stopReporter()
		learners.Wait()
		others.Wait()
		return nil, context.Cause(ctx)
	}
	r.sampleNow(ctx) // the last reading under load
	r.phase.Store("drain")
	learners.Wait()
	stopReporter()
	others.Wait()
	if restartErr != nil {
		return nil, restartErr
	}

	// Every outbox row sent and reported delivered: then nothing is in
	// flight and the books can be read.
	drainStart := time.Now()
	deadline := drainStart.Add(5 * time.Minute)
	for {
		ok, err := drained(ctx, r.db, r.fake, rep)
		if err != nil {
			return nil, err
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			fmt.Fprintln(r.w, "the outbox did not drain within 5 minutes of the end of the traffic")
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	drainTook := time.Since(drainStart)
	r.phase.Store("end")
	stopSampling()
	sampling.Wait()
	r.sampleNow(ctx)

	fmt.Fprintf(r.w, "\nTraffic ran %s; drained %s after it ended.\nRequests by status:\n", c.duration, drainTook.Round(time.Second))
	r.tally.print(r.w)
	problems := r.growth()
	found, err := books(ctx, r.w, r.db, r.fake, in, adm)
	if err != nil {
		return nil, err
	}
	return append(problems, found...), nil
}

// restarts stops the database c.restarts times, evenly spread over the
// run, each time for c.outage, and starts it again with `pamong migrate`
// (which starts the private cluster), while traffic goes on.
func (r *runner) restarts(ctx context.Context) error {
	for k := 1; k <= r.c.restarts; k++ {
		at := r.began.Add(r.c.duration * time.Duration(k) / time.Duration(r.c.restarts+1))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Until(at)):
		}
		phase := r.phase.Load()
		r.phase.Store("db down")
		down := time.Now()
		fmt.Fprintf(r.w, "%8s  database stopped (restart %d of %d)\n", time.Since(r.began).Round(time.Second), k, r.c.restarts)
		stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err := r.p.run(stopCtx, "db", "stop")
		cancel()
		if err != nil {
			return err
		}
		time.Sleep(r.c.outage) // the outage itself: nothing to wait for
		startCtx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		_, err = r.p.run(startCtx, "migrate")
		cancel()
		if err != nil {
			return err
		}
		started := time.Now()
		for !r.p.healthy(ctx) && ctx.Err() == nil && time.Since(started) < time.Minute {
			time.Sleep(100 * time.Millisecond)
		}
		healthy := "healthy again after " + time.Since(started).Round(10*time.Millisecond).String()
		if !r.p.healthy(ctx) {
			healthy = "NOT healthy a minute later"
		}
		r.mu.Lock()
		r.outages = append(r.outages, window{from: down, to: time.Now().Add(outageGrace)})
		r.mu.Unlock()
		fmt.Fprintf(r.w, "%8s  database started again; /healthz %s\n", time.Since(r.began).Round(time.Second), healthy)
		r.phase.Store(phase)
	}
	return nil
}

// sampleEvery reads the server every c.every until ctx ends, from the
// start.
func (r *runner) sampleEvery(ctx context.Context) {
	t := time.NewTicker(r.c.every)
	defer t.Stop()
	r.sampleNow(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.sampleNow(ctx)
		}
	}
}

func (r *runner) sampleNow(ctx context.Context) {
	if !r.p.running() {
		how := "exit status 0: a SIGTERM or SIGINT from outside"
		if err := r.p.exitErr(); err != nil {
			how = err.Error()
		}
		r.abort(fmt.Errorf("the server ended %s into the run (%s): see the end of serve.log",
			time.Since(r.began).Round(time.Second), how))
		return
	}
	s, err := readSample(ctx, r.p.pid(), r.p.metrics, r.p.token)
	if err != nil {
		fmt.Fprintf(r.w, "%8s  %v\n", time.Since(r.began).Round(time.Second), err)
		return
	}
	s.at, s.phase, s.requests, s.sent = time.Since(r.began), r.phase.Load().(string), r.tally.total(), len(r.fake.Messages())
	r.mu.Lock()
	r.samples = append(r.samples, s)
	r.mu.Unlock()
	s.print(r.w)
}
