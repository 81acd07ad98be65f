package main

import (
	"log/slog"
	"net/http"
	"strings"

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
