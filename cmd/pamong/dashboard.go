package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/admin/web"
)

// mountDashboard serves the admins' web pages under /admin/. The session
// cookie is Secure when the public URL is https, so it never travels in
// clear text once the service is behind TLS.
func mountDashboard(mux *http.ServeMux, s *admin.Service, publicURL string, log *slog.Logger) error {
	h, err := web.New(s, log.With("component", "dashboard"), strings.HasPrefix(publicURL, "https://"))
	if err != nil {
		return err
	}
	h.Mount(mux)
	return nil
}

// refreshDashboard recomputes the overview's rollup at once and then every
// admin.RollupEvery until ctx ends, so the overview of 80,000 officials
// reads a few thousand rows instead of counting them all per view. A
// failed refresh is logged and retried at the next tick; meanwhile the
// overview counts live once the rollup is older than admin.RollupMaxAge.
func refreshDashboard(ctx context.Context, s *admin.Service, log *slog.Logger) {
	log = log.With("component", "dashboard-rollup")
	t := time.NewTicker(admin.RollupEvery)
	defer t.Stop()
	for {
		start := time.Now()
		if done, err := s.RefreshRollup(ctx); err != nil && ctx.Err() == nil {
			log.Warn("refresh the overview rollup", "err", err)
		} else if done {
			log.Debug("overview rollup refreshed", "took", time.Since(start))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
