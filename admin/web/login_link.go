package web

import (
	"crypto/subtle"
	"errors"
	"net/http"

	"github.com/pamong-desa/pamong/admin"
)

// A one-time sign-in link (pamong admin login-link ID) opens a page with
// one button; only pressing it spends the link. Spending it on GET would
// let a chat app's link preview, or a mail scanner, use the link before
// the admin does. The button's form carries a token that must match a
// cookie set with the page (double submit), so another site cannot sign
// a browser in as its own admin.

// linkCookie carries the link form's CSRF token; its path keeps it to the
// link pages.
const linkCookie = "pamong_link"

type loginLinkData struct {
	Action, CSRF, Problem string
}

func (h *Handler) loginLinkPage(w http.ResponseWriter, r *http.Request) {
	h.loginLinkForm(w, r, http.StatusOK, "")
}

func (h *Handler) loginLinkForm(w http.ResponseWriter, r *http.Request, status int, problem string) {
	tok, err := randomToken()
	if err != nil {
		h.fail(w, r, nil, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: linkCookie, Value: tok, Path: "/admin/login/", MaxAge: int(admin.LoginLinkTTL.Seconds()),
		HttpOnly: true, Secure: h.Secure, SameSite: http.SameSiteLaxMode})
	d := loginLinkData{Action: "/admin/login/" + r.PathValue("token"), CSRF: tok, Problem: problem}
	h.render(w, r, status, "login_link", page{Title: "Masuk", Data: d})
}

func (h *Handler) loginLink(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	c, err := r.Cookie(linkCookie)
	if got := r.PostFormValue("csrf"); err != nil || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(c.Value)) != 1 {
		h.loginLinkForm(w, r, http.StatusForbidden, "Formulir kedaluwarsa. Tekan tombol sekali lagi.")
		return
	}
	id, _, err := h.Service.SignInWithLink(r.Context(), r.PathValue("token"))
	if errors.Is(err, admin.ErrUnauthorized) {
		h.render(w, r, http.StatusUnauthorized, "login_link", page{Title: "Masuk", Data: loginLinkData{
			Problem: "Tautan masuk ini tidak berlaku: sudah dipakai, kedaluwarsa (15 menit), atau admin sudah dicabut. Minta tautan baru, atau masuk dengan token API."}})
		return
	}
	if err != nil {
		h.fail(w, r, nil, err)
		return
	}
	h.setCookie(w, id, int(admin.SessionTTL.Seconds()))
	http.SetCookie(w, &http.Cookie{Name: linkCookie, Path: "/admin/login/", MaxAge: -1, HttpOnly: true, Secure: h.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/admin/overview", http.StatusSeeOther)
}
