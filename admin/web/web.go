// Package web is the admins' dashboard: server-rendered pages under
// /admin/ that call the same admin.Service as the JSON API and the CLI.
// Pages are html/template files and one stylesheet, embedded in the
// binary; there is no JavaScript and nothing is loaded from elsewhere,
// since an admin may sit in a kabupaten office on a weak link.
//
// An admin signs in with their API token; the session lives in Postgres
// (admin.Service.SignIn), its cookie is HttpOnly and SameSite=Lax (and
// Secure behind https), and every form that changes something carries the
// session's CSRF token.
package web

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/pamong-desa/pamong/admin"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// CookieName is the session cookie's name.
const CookieName = "pamong_admin"

// Handler serves the dashboard.
type Handler struct {
	Service *admin.Service
	Log     *slog.Logger
	// Secure marks the cookie Secure; set it when PAMONG_PUBLIC_URL is https.
	Secure bool

	pages map[string]*template.Template
}

// New builds the dashboard handler, parsing its templates once.
func New(s *admin.Service, log *slog.Logger, secure bool) (*Handler, error) {
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{Service: s, Log: log, Secure: secure, pages: map[string]*template.Template{}}
	for _, page := range []string{"signin", "overview", "regions", "certificates", "questions", "reminders", "error",
		"officials", "official", "import", "login_link",
		"announcements", "announce", "announcement"} {
		t, err := template.New(page).Funcs(funcs).Funcs(officialFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, err
		}
		h.pages[page] = t
	}
	return h, nil
}

// Mount adds the dashboard's routes under /admin/ to mux.
func (h *Handler) Mount(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /admin/static/", secured(http.StripPrefix("/admin/static/", http.FileServerFS(static))))
	mux.Handle("GET /admin/{$}", secured(http.HandlerFunc(h.home)))
	mux.Handle("GET /admin/signin", secured(http.HandlerFunc(h.signinPage)))
	mux.Handle("POST /admin/signin", secured(http.HandlerFunc(h.signin)))
	mux.Handle("GET /admin/login/{token}", secured(http.HandlerFunc(h.loginLinkPage)))
	mux.Handle("POST /admin/login/{token}", secured(http.HandlerFunc(h.loginLink)))
	mux.Handle("POST /admin/signout", secured(h.session(h.changing(h.signout))))
	mux.Handle("GET /admin/overview", secured(h.session(h.overview)))
	mux.Handle("GET /admin/regions", secured(h.session(h.regions)))
	mux.Handle("GET /admin/regions.csv", secured(h.session(h.regionsCSV)))
	mux.Handle("GET /admin/certificates", secured(h.session(h.certificates)))
	mux.Handle("GET /admin/certificates.csv", secured(h.session(h.certificatesCSV)))
	mux.Handle("POST /admin/certificates/{code}/revoke", secured(h.session(h.changing(h.revokeCertificate))))
	mux.Handle("GET /admin/questions", secured(h.session(h.questions)))
	mux.Handle("GET /admin/reminders", secured(h.session(h.reminders)))
	mux.Handle("POST /admin/questions/{id}/answered", secured(h.session(h.changing(h.markAnswered))))
	mux.Handle("GET /admin/officials", secured(h.session(h.officials)))
	mux.Handle("GET /admin/officials/{id}", secured(h.session(h.official)))
	mux.Handle("GET /admin/officials/import", secured(h.session(h.importPage)))
	mux.Handle("POST /admin/officials/import", secured(h.session(h.changingUpTo(admin.MaxUpload+64<<10, h.previewImport))))
	mux.Handle("POST /admin/officials/import/commit", secured(h.session(h.changing(h.commitImport))))
	mux.Handle("POST /admin/questions/{id}/reply", secured(h.session(h.changing(h.replyToQuestion))))
	h.mountAnnouncements(mux) // announce.go
}

// secured sets the headers every dashboard response carries: a strict
// Content-Security-Policy (only our own stylesheet; no script at all), no
// framing, no sniffing, and no caching of pages that show officials.
func secured(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// render writes a page, or logs why it could not.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := h.pages[page].ExecuteTemplate(w, "layout", data); err != nil {
		h.Log.Error("render dashboard page", "page", page, "path", r.URL.Path, "err", err)
	}
}

// fail is the one place errors become statuses and pages.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, sess *admin.Session, err error) {
	status, msg := http.StatusInternalServerError, "Terjadi kesalahan di server; log server mencatat rinciannya."
	switch {
	case errors.Is(err, admin.ErrUnauthorized):
		http.Redirect(w, r, "/admin/signin", http.StatusSeeOther)
		return
	case errors.Is(err, admin.ErrForbidden):
		status, msg = http.StatusForbidden, "Di luar wilayah Anda: "+err.Error()
	case errors.Is(err, admin.ErrInvalid):
		status, msg = http.StatusBadRequest, err.Error()
	case errors.Is(err, admin.ErrNotFound):
		status, msg = http.StatusNotFound, "Tidak ditemukan: "+err.Error()
	case errors.Is(err, errCSRF):
		status, msg = http.StatusForbidden, "Formulir ini kedaluwarsa atau tidak berasal dari dasbor. Muat ulang halaman lalu coba lagi."
	default:
		h.Log.Error("dashboard", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	h.render(w, r, status, "error", page{Session: sess, Title: "Galat", Data: msg})
}

// page is what every template gets: the session (nil when signed out), the
// title and the page's own data.
type page struct {
	Session *admin.Session
	Title   string
	Data    any
	// Refresh, when set, reloads the page after that many seconds: pages
	// whose figures are still moving poll this way, without JavaScript.
	Refresh int
}
