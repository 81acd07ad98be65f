package main

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// setUpMetrics mounts GET /metrics. With PAMONG_METRICS_ADDR it gets a
// listener of its own (returned, for serve to run and stop), so that the
// public port does not carry it at all; otherwise it is on mux, the
// public port. With PAMONG_METRICS_TOKEN a scrape must bring the token as
// a Bearer token, wherever it is served.
func setUpMetrics(cfg Config, reg *prometheus.Registry, mux *http.ServeMux, log *slog.Logger) (*http.Server, net.Listener, error) {
	var h http.Handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	if cfg.MetricsToken != "" {
		h = bearer(cfg.MetricsToken, h)
	}
	if cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", h)
		if cfg.MetricsToken == "" {
			log.Info("/metrics is open on PAMONG_ADDR: set PAMONG_METRICS_ADDR or PAMONG_METRICS_TOKEN if that port is reachable from outside")
		}
		return nil, nil, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen on PAMONG_METRICS_ADDR %s: %w", cfg.MetricsAddr, err)
	}
	own := http.NewServeMux()
	own.Handle("GET /metrics", h)
	log.Info("metrics on their own listener", "addr", ln.Addr().String(), "token", cfg.MetricsToken != "")
	return defaultLimits.newServer(own), ln, nil
}

// bearer lets through only requests that carry token as a Bearer token
// (compared in constant time).
func bearer(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="pamong metrics"`)
			http.Error(w, "metrics need Authorization: Bearer PAMONG_METRICS_TOKEN", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
