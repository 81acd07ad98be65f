package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/remind"
	"github.com/pamong-desa/pamong/store"
	"github.com/pamong-desa/pamong/verify"
)

func serveCmd(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "serve", "serve\n\nRuns the server on PAMONG_ADDR (default :8080): GET /healthz, GET /metrics (or on PAMONG_METRICS_ADDR), the provider\n"+
		"webhooks of the configured channels, and the dispatcher that sends the outbox.\nStops gracefully on SIGINT or SIGTERM.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(e)
	db, err := openStore(ctx, e, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if shift := e.cfg.ClockShift; shift != 0 {
		// A drill: see what the dispatcher does at another hour (held
		// announcements leaving at 08:00) without waiting for it.
		log.Warn("PAMONG_CLOCK_SHIFT is set: the outbox runs on a shifted clock; never do this in production", "shift", shift)
		db.SetClock(func() time.Time { return time.Now().Add(shift) })
	}
	course, err := loadCourse(e.cfg.CoursePath)
	if err != nil {
		return err
	}
	log.Info("course loaded", "course", course.ID, "lessons", len(course.Lessons()))
	if n, err := db.CountRegions(ctx); err != nil {
		return err
	} else if n == 0 {
		log.Warn("no regions imported: village codes are accepted unchecked until 'pamong regions import FILE.csv' is run")
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := dispatch.NewMetrics(reg)
	mux := http.NewServeMux()
	health := &healthCheck{db: db, log: log}
	mux.Handle("GET /healthz", health)
	metricsSrv, metricsLn, err := setUpMetrics(e.cfg, reg, mux, log)
	if err != nil {
		return err
	}
	if metricsLn != nil {
		defer metricsLn.Close()
	}
	// The admins' JSON API (README.md, "Admins").
	adminAPI := &admin.Service{Store: db, SMSPrice: e.cfg.SMSPrice, CourseID: course.ID}
	mux.Handle("/api/v1/", adminAPI.Handler(log.With("component", "admin")))
	// The admins' dashboard (README.md, "Admins"); admin/web.
	if err := mountDashboard(mux, adminAPI, e.cfg.PublicURL, log); err != nil {
		return err
	}
	// Certificates, for anyone with a code (README.md, "Certificates").
	(&verify.Handler{Store: db, Log: log.With("component", "verify")}).Mount(mux)

	senders := map[string]dispatch.Sender{}
	sms, smsExtra, err := setUpSMS(e.cfg, db, course, log, mux)
	if err != nil {
		return err
	}
	if sms != nil {
		senders["sms"] = sms
	}
	dsn, err := databaseURL(ctx, e, log)
	if err != nil {
		return err
	}
	var elsewhere []string
	wa, err := setUpWhatsApp(ctx, dsn, e.cfg.WhatsApp, db, course, log)
	switch {
	case errors.Is(err, errWhatsAppElsewhere):
		elsewhere = append(elsewhere, "whatsapp")
	case err != nil:
		return err
	}
	if wa != nil {
		// Closed after the dispatcher has stopped (defers run last-in
		// first-out, and the dispatcher's stop is deferred later).
		defer wa.Close()
		senders["whatsapp"] = wa
		wa.SetDocuments(certificateDocuments(db, log)) // the certificate PDF
		reg.MustRegister(wa.Collectors()...)
		health.whatsapp = func() any { return wa.Status() }
	}
	// The preview prices announcements by what this process sends with.
	adminAPI.Deployment = deploymentFrom(wa != nil || len(elsewhere) > 0, sms != nil, e.cfg.WhatsApp)
	disp := dispatch.New(db, senders, dispatch.Config{
		Workers: e.cfg.DispatchWorkers, MaxAttempts: e.cfg.MaxAttempts, MaxAge: e.cfg.MaxAge, BackoffBase: e.cfg.RetryBase,
		FallbackAfter: e.cfg.FallbackAfter, Elsewhere: elsewhere,
		Rates: map[string]float64{"sms": e.cfg.SMSRate, "whatsapp": e.cfg.WhatsAppRate},
	}, log.With("component", "dispatch"), metrics, smsExtra...)

	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on PAMONG_ADDR %s: %w", e.cfg.Addr, err)
	}
	srv := defaultLimits.newServer(mux)
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if metricsSrv != nil {
		go func() { errc <- metricsSrv.Serve(metricsLn) }()
		defer metricsSrv.Close()
	}
	log.Info("serving", "addr", ln.Addr().String())
	printWelcome(e, ln.Addr())

	// The dispatcher outlives the HTTP server on the way out: replies to the
	// last inbound messages are still sent.
	dispCtx, stopDispatch := context.WithCancel(context.WithoutCancel(ctx))
	defer stopDispatch()
	var wg sync.WaitGroup
	if err := db.ListenOutbox(dispCtx, disp.Wake); err != nil {
		log.Warn("no LISTEN/NOTIFY: the dispatcher polls every second", "err", err)
	}
	wg.Go(func() { disp.Run(dispCtx) })
	wg.Go(func() { watchDepth(dispCtx, db, metrics, log) })
	// Nudges and review questions (README.md, "Reminders and review").
	sched := &remind.Scheduler{Store: db, Course: course, Log: log.With("component", "remind"),
		Options: store.ReminderOptions{Nudges: e.cfg.Reminders, Reviews: e.cfg.Review}}
	wg.Go(func() { sched.Run(dispCtx) })
	// The overview's rollup (README.md, "The dashboard").
	wg.Go(func() { refreshDashboard(dispCtx, adminAPI, log) })
	// Whatever way serve returns, sends in flight record their answers
	// before the database closes (deferred earlier, so run later).
	defer func() { stopDispatch(); wg.Wait() }()

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// watchDepth keeps the outbox depth gauge current.
func watchDepth(ctx context.Context, db *store.DB, m *dispatch.Metrics, log *slog.Logger) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		// Bounded, so that a paused database costs one late measurement,
		// not a connection held for the whole pause.
		mctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if depth, err := db.OutboxDepth(mctx); err == nil {
			m.SetDepth(depth)
		} else if ctx.Err() == nil {
			log.Warn("measure outbox depth", "err", err)
		}
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// healthCheck answers 200 when the database answers, 503 otherwise, with
// the details as JSON for people and probes alike. WhatsApp's state is a
// detail, not a failure: SMS carries on without it.
type healthCheck struct {
	db       *store.DB
	log      *slog.Logger
	whatsapp func() any // nil without a paired device
}

func (h *healthCheck) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	status, code := map[string]any{"database": "ok", "whatsapp": "off"}, http.StatusOK
	if err := h.db.Ping(ctx); err != nil {
		h.log.Warn("health check: database unreachable", "err", err)
		status["database"], code = "unreachable", http.StatusServiceUnavailable
	}
	if h.whatsapp != nil {
		status["whatsapp"] = h.whatsapp()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(status)
}
