package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// /metrics used to be open to anyone who could reach the port.
func TestMetricsCanBePrivate(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	get := func(h http.Handler, auth string) int {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == 200 && !strings.Contains(rec.Body.String(), "go_goroutines") {
			t.Errorf("200 without metrics: %.200s", rec.Body.String())
		}
		return rec.Code
	}
	const token = "metrics-token-0123456789"
	tests := []struct {
		name     string
		cfg      Config
		auth     string
		wantMain int // on PAMONG_ADDR
		wantOwn  int // on PAMONG_METRICS_ADDR; 0: no such listener
	}{
		{name: "default: open on the main port", wantMain: 200},
		{name: "token, none sent", cfg: Config{MetricsToken: token}, wantMain: 401},
		{name: "token, wrong one", cfg: Config{MetricsToken: token}, auth: "Bearer " + token + "x", wantMain: 401},
		{name: "token, right one", cfg: Config{MetricsToken: token}, auth: "bearer " + token, wantMain: 200},
		{name: "own listener", cfg: Config{MetricsAddr: "127.0.0.1:0"}, wantMain: 404, wantOwn: 200},
		{name: "own listener and token", cfg: Config{MetricsAddr: "127.0.0.1:0", MetricsToken: token}, wantMain: 404, wantOwn: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			srv, ln, err := setUpMetrics(tt.cfg, reg, mux, log)
			if err != nil {
				t.Fatal(err)
			}
			if ln != nil {
				defer ln.Close()
			}
			if got := get(mux, tt.auth); got != tt.wantMain {
				t.Errorf("main port: HTTP %d; want %d", got, tt.wantMain)
			}
			switch {
			case tt.wantOwn == 0 && srv != nil:
				t.Error("a metrics listener was opened")
			case tt.wantOwn != 0 && srv == nil:
				t.Error("no metrics listener")
			case tt.wantOwn != 0:
				if got := get(srv.Handler, tt.auth); got != tt.wantOwn {
					t.Errorf("metrics port: HTTP %d; want %d", got, tt.wantOwn)
				}
			}
		})
	}
}

func TestMetricsConfig(t *testing.T) {
	tests := []struct {
		env       map[string]string
		wantAddr  string
		wantToken string
		wantErr   string
	}{
		{env: nil},
		{env: map[string]string{"PAMONG_METRICS_ADDR": "127.0.0.1:9090", "PAMONG_METRICS_TOKEN": "0123456789abcdef"},
			wantAddr: "127.0.0.1:9090", wantToken: "0123456789abcdef"},
		{env: map[string]string{"PAMONG_METRICS_ADDR": "9090"}, wantErr: `PAMONG_METRICS_ADDR="9090": want host:port`},
		{env: map[string]string{"PAMONG_METRICS_ADDR": ":8080"}, wantErr: "is PAMONG_ADDR"},
		{env: map[string]string{"PAMONG_METRICS_TOKEN": "short"}, wantErr: "PAMONG_METRICS_TOKEN: want at least 16 characters"},
		{env: map[string]string{"PAMONG_METRICS_TOKEN": "a token with spaces in it"}, wantErr: "PAMONG_METRICS_TOKEN"},
	}
	for _, tt := range tests {
		c, err := LoadConfig(func(k string) string { return tt.env[k] }, needAll)
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: err %v, want %q", tt.env, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("%v: %v", tt.env, err)
		case c.MetricsAddr != tt.wantAddr || c.MetricsToken != tt.wantToken:
			t.Errorf("%v: addr %q token %q", tt.env, c.MetricsAddr, c.MetricsToken)
		}
	}
}
