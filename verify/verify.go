// Package verify is the public door to certificates: anyone with a code,
// no login, reads what the certificate says and whether it still holds,
// as a small HTML page, as JSON, or as the PDF. It never shows a phone
// number, and it refuses requesters who keep trying codes that do not
// exist (store.LookupLimit).
package verify

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/certificate/pdf"
	"github.com/pamong-desa/pamong/store"
)

// Store is what the verification pages need of the database.
type Store interface {
	LookUpCertificate(ctx context.Context, requester, query string) (store.Lookup, error)
	CertificateByCode(ctx context.Context, code certificate.Code) (store.Certificate, error)
	VerifyURL(code certificate.Code) string
}

var _ Store = (*store.DB)(nil)

// Handler serves GET /v/{code}, /v/{code}.json and /v/{code}.pdf.
type Handler struct {
	Store Store
	Log   *slog.Logger
}

//go:embed page.html
var pageHTML string

var page = template.Must(template.New("page").Parse(pageHTML))

// Mount adds the routes to mux.
func (h *Handler) Mount(mux *http.ServeMux) { mux.HandleFunc("GET /v/{code}", h.serve) }

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("code")
	format := "html"
	for _, ext := range []string{"pdf", "json"} {
		if s, ok := strings.CutSuffix(raw, "."+ext); ok {
			raw, format = s, ext
		}
	}
	ip := clientIP(r)
	lk, err := h.Store.LookUpCertificate(r.Context(), ip, raw)
	if err != nil {
		h.Log.Error("certificate look-up", "ip", ip, "err", err)
		http.Error(w, "Maaf, terjadi gangguan. Coba lagi nanti.", http.StatusInternalServerError)
		return
	}
	h.Log.Info("certificate look-up", "ip", ip, "code", lk.Code, "status", statusName(lk.Status), "format", format)
	w.Header().Set("Cache-Control", "no-store") // a revocation shows at once
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if lk.Status != bot.CheckFound {
		h.problem(w, format, lk)
		return
	}
	c := lk.Certificate
	switch format {
	case "json":
		writeJSON(w, http.StatusOK, h.facts(*c))
	case "pdf":
		data, err := pdf.Render(Document(*c, h.Store.VerifyURL(c.Code)))
		if err != nil {
			h.Log.Error("print certificate", "code", c.Code, "err", err)
			http.Error(w, "Maaf, PDF tidak dapat dibuat. Coba lagi nanti.", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="sertifikat-%s.pdf"`, c.Code.String()))
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		_, _ = w.Write(data)
	default:
		h.render(w, http.StatusOK, pageData{Title: "Sertifikat " + c.Code.String(), Certificate: h.facts(*c)})
	}
}

// PDF prints the certificate with this code: the document WhatsApp sends.
func (h *Handler) PDF(ctx context.Context, code certificate.Code) ([]byte, error) {
	c, err := h.Store.CertificateByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return pdf.Render(Document(c, h.Store.VerifyURL(c.Code)))
}

// problem answers a code that names no certificate: 404 for an unknown
// code, 400 for one that is mistyped or not a code, 429 for a requester
// over the limit.
func (h *Handler) problem(w http.ResponseWriter, format string, lk store.Lookup) {
	status, msg := http.StatusNotFound, fmt.Sprintf("Sertifikat %s tidak ditemukan.", lk.Code.String())
	switch lk.Status {
	case bot.CheckTypo:
		status, msg = http.StatusBadRequest, "Kode "+lk.Query+" salah ketik: ada huruf atau angka yang keliru. Sertifikat tidak ditemukan."
	case bot.CheckMalformed:
		status, msg = http.StatusBadRequest, "Kode sertifikat tidak terbaca; sertifikat tidak ditemukan."
		var ce *certificate.CharError
		if errors.As(lk.Err, &ce) {
			msg = fmt.Sprintf("Kode sertifikat tidak terbaca: %q tidak dipakai dalam kode. Sertifikat tidak ditemukan.", ce.Char)
		}
	case bot.CheckLimited:
		status, msg = http.StatusTooManyRequests, "Terlalu banyak kode yang salah dari alamat ini. Silakan coba lagi 1 jam lagi."
		w.Header().Set("Retry-After", "3600")
	}
	if format == "json" {
		writeJSON(w, status, map[string]string{"error": msg, "status": statusName(lk.Status)})
		return
	}
	if format == "pdf" {
		http.Error(w, msg, status)
		return
	}
	h.render(w, status, pageData{Title: "Sertifikat tidak ditemukan", Problem: msg})
}

type pageData struct {
	Title       string
	Certificate *Facts
	Problem     string
}

func (h *Handler) render(w http.ResponseWriter, status int, d pageData) {
	var buf bytes.Buffer
	if err := page.Execute(&buf, d); err != nil {
		h.Log.Error("render verification page", "err", err)
		http.Error(w, "Maaf, terjadi gangguan.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// No script, no frames, nothing fetched: the page is what it says.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// clientIP is the address the request came from; the limit of failed
// look-ups is kept per address.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func statusName(s bot.CheckStatus) string {
	switch s {
	case bot.CheckFound:
		return "found"
	case bot.CheckNotFound:
		return "not_found"
	case bot.CheckTypo:
		return "typo"
	case bot.CheckLimited:
		return "limited"
	}
	return "malformed"
}
