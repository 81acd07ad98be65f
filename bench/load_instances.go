package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// startInstances starts c.instances `pamong serve` on the run's database,
// each with its own port and fake Twilio, all sharing what a deployment
// behind a load balancer shares: the database, PAMONG_PUBLIC_URL (the
// balancer's) and the Twilio credentials. With more than one, a
// round-robin reverse proxy in this process plays the balancer. The
// returned function stops them all (and the balancer) and says whether
// each stopped cleanly; it may be called more than once.
func (r *loadRun) startInstances(ctx context.Context, dir string) (func() error, error) {
	var lb *http.Server
	var once sync.Once
	var stopErr error
	stopAll := func() error {
		once.Do(func() {
			var errs []error
			for _, in := range r.instances {
				errs = append(errs, in.p.stop())
			}
			if lb != nil {
				lb.Close()
			}
			for _, in := range r.instances {
				in.stopFake()
			}
			stopErr = errors.Join(errs...)
		})
		return stopErr
	}
	var addrs []string
	for range r.c.instances {
		a, err := freeAddr()
		if err != nil {
			return stopAll, err
		}
		addrs = append(addrs, a)
	}
	r.public = "http://" + addrs[0]
	if r.c.instances > 1 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return stopAll, fmt.Errorf("listen for the balancer: %w", err)
		}
		r.public = "http://" + ln.Addr().String()
		lb = &http.Server{Handler: roundRobin(addrs), ReadHeaderTimeout: 5 * time.Second}
		go lb.Serve(ln)
	}
	for k, addr := range addrs {
		fake, stopFake := startFakeTwilio(twilioSID, twilioToken)
		metricsAddr, err := freeAddr()
		if err != nil {
			stopFake()
			return stopAll, err
		}
		p := &pamong{bin: r.ctl.bin, dataDir: r.ctl.dataDir, base: "http://" + addr,
			metrics: "http://" + metricsAddr + "/metrics", token: "load-metrics-0123456789",
			logPath: filepath.Join(dir, fmt.Sprintf("serve-%d.log", k+1))}
		p.env = []string{"DATABASE_URL=" + r.dbURL, "PAMONG_DATA_DIR=" + r.ctl.dataDir, "PAMONG_ADDR=" + addr,
			"PAMONG_PUBLIC_URL=" + r.public, "PAMONG_METRICS_ADDR=" + metricsAddr, "PAMONG_METRICS_TOKEN=" + p.token,
			"PAMONG_LOG_LEVEL=warn", "TWILIO_ACCOUNT_SID=" + twilioSID, "TWILIO_AUTH_TOKEN=" + twilioToken,
			"TWILIO_FROM=" + twilioFrom, "TWILIO_API_URL=" + fake.URL, "SMS_PROVIDER=twilio",
			// Limits lifted: the measurement is of Pamong and Postgres,
			// not of the rate an operator would set for a real provider.
			"PAMONG_SMS_RATE=1000000", fmt.Sprintf("PAMONG_DISPATCH_WORKERS=%d", r.c.workers),
			// Nothing bot-initiated but the broadcast: reminders would
			// add rows the books do not expect.
			"PAMONG_REMINDERS=off", "PAMONG_REVIEW=off"}
		if r.shift != 0 {
			p.env = append(p.env, "PAMONG_CLOCK_SHIFT="+r.shift.String())
		}
		in := &instance{p: p, fake: fake, stopFake: stopFake}
		r.instances = append(r.instances, in)
		if err := p.start(ctx); err != nil {
			return stopAll, fmt.Errorf("instance %d: %w", k+1, err)
		}
	}
	return stopAll, nil
}

// roundRobin is the load balancer: each request to the next instance in
// turn, as a cloud balancer without stickiness does.
func roundRobin(addrs []string) http.Handler {
	proxies := make([]*httputil.ReverseProxy, len(addrs))
	for i, a := range addrs {
		u := &url.URL{Scheme: "http", Host: a}
		p := httputil.NewSingleHostReverseProxy(u)
		p.Transport = &http.Transport{MaxIdleConnsPerHost: 256}
		// Pamong checks Twilio's signature over PAMONG_PUBLIC_URL and the
		// path, so the Host header need not survive; keep it anyway, as a
		// balancer does.
		director := p.Director
		p.Director = func(req *http.Request) { host := req.Host; director(req); req.Host = host }
		proxies[i] = p
	}
	var next atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxies[next.Add(1)%uint64(len(proxies))].ServeHTTP(w, r)
	})
}

// rssWatch samples every instance's RSS, and the database's client
// connections, every 200 ms until stopped and keeps the maxima seen.
type rssWatch struct {
	cancel   context.CancelFunc
	done     chan struct{}
	maxKB    atomic.Int64
	maxConns atomic.Int64
	errs     atomic.Int64
}

// countConnections is every client connection to the cluster: each
// instance's pool, its LISTEN, and this tool's own.
const countConnections = `SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'`

func watchRSS(instances []*instance, db *sql.DB) *rssWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &rssWatch{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for tick := 0; ; {
			for _, in := range instances {
				if !in.p.running() {
					continue
				}
				kb, err := rssKB(in.p.pid())
				if err != nil {
					w.errs.Add(1)
					continue
				}
				for {
					old := w.maxKB.Load()
					if kb <= old || w.maxKB.CompareAndSwap(old, kb) {
						break
					}
				}
			}
			// Connections once a second: the query costs the database
			// more than reading /proc costs the machine.
			if tick%5 == 0 {
				var conns int64
				if err := db.QueryRowContext(ctx, countConnections).Scan(&conns); err == nil && conns > w.maxConns.Load() {
					w.maxConns.Store(conns)
				}
			}
			tick++
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *rssWatch) maxMB() float64 { return float64(w.maxKB.Load()) / 1024 }

// stop ends the sampling; it may be called more than once.
func (w *rssWatch) stop() {
	w.cancel()
	<-w.done
}

// rssKB is a process's resident set (VmRSS) in kB.
func rssKB(pid int) (int64, error) {
	s, err := readSample(context.Background(), pid, "", "")
	return s.rssKB, err
}

// instanceLine names the instances' shares of some work: "1: 40, 2: 38".
func instanceLine(counts []int) string {
	parts := make([]string, len(counts))
	for i, n := range counts {
		parts[i] = fmt.Sprintf("%d: %d", i+1, n)
	}
	return strings.Join(parts, ", ")
}
